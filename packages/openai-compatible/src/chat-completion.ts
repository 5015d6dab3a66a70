import { type ProviderRunResult, type StreamPart, type TaskInput, vouchForOutput } from '@infermux/core';
import { chatCompletionChunkSchema, chatCompletionResponseSchema } from './openai-response-schemas';
import { mapOpenAIUsage, parseUpstream } from './openai-usage';
import { isPlainChatChunk } from './plain-chat-chunk';

type ChatInput = TaskInput<'chat-completion'>;

export interface ChatBodyOptions {
  stream?: boolean;
  /** Ask for the usage chunk at the end of a stream (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
}

/**
 * The `/v1/chat/completions` body. The task input is already OpenAI-shaped, so it passes through;
 * `stream_options` only goes out with `stream: true` (OpenAI rejects it otherwise).
 */
export function buildChatBody(input: ChatInput, modelId: string, options: ChatBodyOptions = {}): Record<string, unknown> {
  const { stream_options: streamOptions, ...rest } = input;
  const body: Record<string, unknown> = { ...rest, model: modelId };
  if (options.stream) {
    body.stream = true;
    const includeUsage = streamOptions?.include_usage ?? options.includeUsage ?? true;
    if (includeUsage || streamOptions) body.stream_options = { ...streamOptions, include_usage: includeUsage };
  }
  return body;
}

/** A `chat.completion` body → the task output, token usage and the model that answered. */
export function mapChatResponse(
  json: unknown,
  context: { provider: string; modelId: string },
): ProviderRunResult<'chat-completion'> {
  const response = parseUpstream(chatCompletionResponseSchema, json, context.provider, 'chat completion');
  const model = response.model ?? context.modelId;
  const { usage, ...rest } = response;
  return {
    // Every field the task's output schema requires is set here with its type (tested against
    // that schema in chat-completion.test.ts), so core need not validate it a second time.
    output: vouchForOutput({
      ...rest,
      model,
      choices: response.choices.map((choice) => {
        const { tool_calls: toolCalls, ...message } = choice.message;
        return {
          ...choice,
          finish_reason: choice.finish_reason ?? null,
          message: {
            ...message,
            content: message.content ?? null,
            ...(toolCalls && toolCalls.length > 0
              ? {
                  tool_calls: toolCalls.map((call) => ({
                    ...call,
                    id: call.id ?? '',
                    type: call.type ?? 'function',
                    function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' },
                  })),
                }
              : {}),
          },
        };
      }),
      ...(usage ? { usage: { prompt_tokens: usage.prompt_tokens ?? 0, completion_tokens: usage.completion_tokens ?? 0, total_tokens: usage.total_tokens ?? 0 } } : {}),
    }),
    usage: mapOpenAIUsage(usage),
    model: { id: model },
  };
}

/** Per-stream state: metadata is emitted once, from the first chunk. */
export interface ChatStreamState {
  provider: string;
  metadataSent?: boolean;
}

/** One `chat.completion.chunk` → normalised stream parts (text, tool-call deltas, finish, usage). */
export function chatChunkToStreamParts(json: unknown, state: ChatStreamState): StreamPart[] {
  const chunk = isPlainChatChunk(json) ? json : parseUpstream(chatCompletionChunkSchema, json, state.provider, 'chat completion chunk');
  const parts: StreamPart[] = [];
  if (!state.metadataSent && (chunk.id || chunk.model)) {
    state.metadataSent = true;
    parts.push({ type: 'response-metadata', id: chunk.id, model: chunk.model, created: chunk.created });
  }
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta;
    if (delta && (delta.content || (delta.role && delta.content !== undefined))) {
      parts.push({ type: 'text-delta', text: delta.content ?? '', choice: choice.index, ...(delta.role ? { role: delta.role } : {}) });
    }
    for (const call of delta?.tool_calls ?? []) {
      parts.push({
        type: 'tool-call-delta',
        choice: choice.index,
        toolCall: {
          index: call.index,
          ...(call.id ? { id: call.id } : {}),
          ...(call.type === 'function' ? { type: 'function' as const } : {}),
          ...(call.function ? { function: { name: call.function.name ?? undefined, arguments: call.function.arguments ?? undefined } } : {}),
        },
      });
    }
    if (choice.finish_reason) parts.push({ type: 'finish', finishReason: choice.finish_reason, choice: choice.index });
  }
  if (chunk.usage) parts.push({ type: 'usage', usage: mapOpenAIUsage(chunk.usage) });
  return parts;
}
