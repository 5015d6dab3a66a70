import { type ProviderRunResult, type StreamPart, type TaskInput, ValidationError } from '@infermux/core';
import { parseUpstream } from '@infermux/core/provider-utils';
import { mapOpenAIUsage } from './map-openai-usage';
import { completionChunkSchema, completionResponseSchema } from './openai-response-schemas';
import { type ChatStreamState, pushMetadataOnce } from './stream-metadata';

type TextGenerationInput = TaskInput<'text-generation'>;
type Parameters = NonNullable<TextGenerationInput['parameters']>;

/** HF text-generation parameter → `/v1/completions` field. */
const parameterNames = {
  max_new_tokens: 'max_tokens',
  temperature: 'temperature',
  top_p: 'top_p',
  stop: 'stop',
  seed: 'seed',
  frequency_penalty: 'frequency_penalty',
  best_of: 'best_of',
  return_full_text: 'echo',
  // Not OpenAI's, but vLLM's OpenAI server takes them as documented extra parameters.
  top_k: 'top_k',
  repetition_penalty: 'repetition_penalty',
} as const satisfies Partial<Record<keyof Parameters, string>>;

/** The `/v1/completions` body; a TGI-only parameter is a clear error naming it, not a silent drop. */
export function buildCompletionBody(
  input: TextGenerationInput,
  modelId: string,
  options: { stream?: boolean; includeUsage?: boolean } = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: modelId, prompt: input.inputs };
  const unsupported: string[] = [];
  for (const [name, value] of Object.entries(input.parameters ?? {})) {
    if (value === undefined) continue;
    const target = (parameterNames as Record<string, string>)[name];
    if (target) body[target] = value;
    else unsupported.push(name);
  }
  if (unsupported.length > 0) {
    throw new ValidationError({
      subject: 'input for task "text-generation" on an OpenAI-compatible /v1/completions upstream',
      issues: unsupported.map((name) => ({
        path: `parameters.${name}`,
        message: `not supported by OpenAI-compatible completions (supported: ${Object.keys(parameterNames).join(', ')})`,
      })),
    });
  }
  if (options.stream) {
    body.stream = true;
    // Deliberate, as for chat (see `buildChatBody`): streamed usage comes only when asked.
    if (options.includeUsage ?? true) body.stream_options = { include_usage: true };
  }
  return body;
}

/** The body again without the `stream_options` `buildCompletionBody` adds, for a target that refuses it. */
export function completionBodyFallback(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (body.stream_options === undefined) return undefined;
  const { stream_options: _added, ...fallback } = body;
  return fallback;
}

export function mapCompletionResponse(
  json: unknown,
  context: { provider: string; modelId: string },
): ProviderRunResult<'text-generation'> {
  const response = parseUpstream(completionResponseSchema, json, context, 'a completion');
  const choice = response.choices[0] as (typeof response.choices)[number];
  const usage = mapOpenAIUsage(response.usage);
  return {
    output: {
      generated_text: choice.text,
      ...(choice.finish_reason
        ? { details: { finish_reason: choice.finish_reason, generated_tokens: usage.outputTokens ?? 0 } }
        : {}),
    },
    usage,
    model: { id: response.model ?? context.modelId },
  };
}

export function completionChunkToStreamParts(json: unknown, state: ChatStreamState): StreamPart[] {
  const chunk = parseUpstream(completionChunkSchema, json, state, 'a completion chunk');
  const parts: StreamPart[] = [];
  pushMetadataOnce(parts, chunk, state);
  for (const choice of chunk.choices ?? []) {
    if (choice.text) parts.push({ type: 'text-delta', text: choice.text, choice: choice.index });
    if (choice.finish_reason) parts.push({ type: 'finish', finishReason: choice.finish_reason, choice: choice.index });
  }
  if (chunk.usage) parts.push({ type: 'usage', usage: mapOpenAIUsage(chunk.usage) });
  return parts;
}
