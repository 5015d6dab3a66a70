import {
  type ProviderRunResult,
  type StreamPart,
  type TaskInput,
  type TaskOutput,
  vouchForOutput,
} from '@infermux/core';
import { parseUpstream } from '@infermux/core/provider-utils';
import { mapOpenAIUsage } from './map-openai-usage';
import {
  type ChatCompletionResponse,
  chatCompletionChunkSchema,
  chatCompletionResponseSchema,
} from './openai-response-schemas';
import { isPlainChatChunk } from './plain-chat-chunk';
import { isPlainChatCompletion } from './plain-chat-completion';
import { type ChatStreamState, pushMetadataOnce } from './stream-metadata';

type ChatInput = TaskInput<'chat-completion'>;

export interface ChatBodyOptions {
  stream?: boolean;
  /** Ask for the usage chunk at the end of a stream (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
}

/**
 * The `/v1/chat/completions` body. The task input is already OpenAI-shaped, so it passes through;
 * `stream_options` only goes out with `stream: true` (OpenAI rejects it otherwise).
 *
 * A stream asks for `include_usage` unless told not to, where the official clients send nothing: it is
 * deliberate, as OpenAI and TGI ≥ 2.x send a stream's token usage only when asked (wire/openai §3.4,
 * wire/hf §7.2) and core prices and books streams from it. A target that refuses the field gets the request
 * again without it (`chatBodyFallback`); `includeUsageInStream: false` turns it off per target.
 */
export function buildChatBody(
  input: ChatInput,
  modelId: string,
  options: ChatBodyOptions = {},
): Record<string, unknown> {
  // `model` first, then a plain spread (no object rest, no delete on the usual paths): this literal
  // is the cheapest to build and to stringify. The input schema is strict and has no `model`.
  const body: Record<string, unknown> = { model: modelId, ...input };
  const streamOptions = input.stream_options;
  if (options.stream) {
    body.stream = true;
    const includeUsage = streamOptions?.include_usage ?? options.includeUsage ?? true;
    if (includeUsage || streamOptions) body.stream_options = { ...streamOptions, include_usage: includeUsage };
  } else if (streamOptions !== undefined) {
    delete body.stream_options;
  }
  return body;
}

/**
 * The body again without the `stream_options` that `buildChatBody` added on its own (the caller sent
 * none), for a target that refuses it; undefined when nothing was added.
 */
export function chatBodyFallback(input: ChatInput, body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (input.stream_options !== undefined || body.stream_options === undefined) return undefined;
  const { stream_options: _added, ...fallback } = body;
  return fallback;
}

/**
 * A `chat.completion` body → the task output, token usage and the model that answered. `json` must be
 * a parsed body nobody else holds: it becomes the output (completed in place) when it is in shape.
 */
export function mapChatResponse(
  json: unknown,
  context: { provider: string; modelId: string },
): ProviderRunResult<'chat-completion'> {
  // The body is completed in place into the task output instead of being copied: a body in the
  // everyday shape is the caller's freshly parsed JSON (checked by hand, see isPlainChatCompletion),
  // any other is zod's copy of it.
  const response: ChatCompletionResponse = isPlainChatCompletion(json)
    ? json
    : parseUpstream(chatCompletionResponseSchema, json, context, 'a chat completion');
  const model = response.model ?? context.modelId;
  const usage = response.usage;
  response.model = model;
  for (const choice of response.choices) {
    choice.finish_reason ??= null;
    const message = choice.message;
    message.content ??= null;
    const toolCalls = message.tool_calls;
    if (toolCalls && toolCalls.length > 0) {
      message.tool_calls = toolCalls.map((call) => ({
        ...call,
        id: call.id ?? '',
        type: call.type ?? 'function',
        function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' },
      }));
    } else if (toolCalls !== undefined) {
      delete message.tool_calls;
    }
  }
  if (usage) {
    response.usage = {
      prompt_tokens: usage.prompt_tokens ?? 0,
      completion_tokens: usage.completion_tokens ?? 0,
      total_tokens: usage.total_tokens ?? 0,
    };
  } else if (usage !== undefined) {
    delete response.usage;
  }
  return {
    // Every field the task's output schema requires is set here with its type (tested against
    // that schema in chat-completion.test.ts), so core need not validate it a second time.
    output: vouchForOutput(response as TaskOutput<'chat-completion'>),
    usage: mapOpenAIUsage(usage),
    model: { id: model },
  };
}

/** One `chat.completion.chunk` → normalised stream parts (text, tool-call deltas, finish, usage). */
export function chatChunkToStreamParts(json: unknown, state: ChatStreamState): StreamPart[] {
  const chunk = isPlainChatChunk(json)
    ? json
    : parseUpstream(chatCompletionChunkSchema, json, state, 'a chat completion chunk');
  const parts: StreamPart[] = [];
  pushMetadataOnce(parts, chunk, state);
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta;
    if (delta && (delta.content || (delta.role && delta.content !== undefined))) {
      // Set, not spread in: a conditional spread per chunk costs more than the rest of the part.
      const part: Extract<StreamPart, { type: 'text-delta' }> = {
        type: 'text-delta',
        text: delta.content ?? '',
        choice: choice.index,
      };
      if (delta.role) part.role = delta.role;
      parts.push(part);
    }
    for (const call of delta?.tool_calls ?? []) {
      parts.push({
        type: 'tool-call-delta',
        choice: choice.index,
        toolCall: {
          index: call.index,
          ...(call.id ? { id: call.id } : {}),
          ...(call.type === 'function' ? { type: 'function' as const } : {}),
          ...(call.function
            ? { function: { name: call.function.name ?? undefined, arguments: call.function.arguments ?? undefined } }
            : {}),
        },
      });
    }
    if (choice.finish_reason) parts.push({ type: 'finish', finishReason: choice.finish_reason, choice: choice.index });
  }
  if (chunk.usage) parts.push({ type: 'usage', usage: mapOpenAIUsage(chunk.usage) });
  return parts;
}
