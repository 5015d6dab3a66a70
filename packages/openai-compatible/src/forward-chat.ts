import {
  type HttpResponse,
  InfermuxError,
  type ProviderForwardResult,
  type TaskInput,
  truncate,
  type Usage,
} from '@infermux/core';
import {
  EVENT_STREAM_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
  postJson,
  type UpstreamEndpoint,
} from '@infermux/core/provider-utils';
import { buildChatBody, chatBodyFallback } from './chat-completion';
import { chatCompletionFrames, isEventStream, jsonAnswerAsStream } from './json-answer-stream';
import { readOpenAIUsage } from './map-openai-usage';
import { parseJsonText } from './parse-json-text';
import { passOpenAIStream } from './pass-openai-stream';

/**
 * A chat completion answered with the upstream's own bytes (for callers that speak OpenAI's
 * format too): the body is checked to be a chat completion and its usage read, but not mapped.
 * Usage is always asked of a stream (accounting needs it) and cut out again unless the caller asked.
 */
export async function forwardChatCompletion(
  endpoint: UpstreamEndpoint,
  input: TaskInput<'chat-completion'>,
  modelId: string,
  options: { stream: boolean; includeUsage?: boolean },
): Promise<ProviderForwardResult> {
  const { upstreamInput, keepUsage } = chatInputForForward(input, options);
  const body = buildChatBody(upstreamInput, modelId, { stream: options.stream, includeUsage: options.includeUsage });
  const response = await postJson(endpoint, body, options.stream ? EVENT_STREAM_MEDIA_TYPE : JSON_MEDIA_TYPE, {
    fallback: chatBodyFallback(input, body),
  });
  return forwardChatResponse(response, { provider: endpoint.provider, modelId, stream: options.stream, keepUsage });
}

/**
 * The input to send when forwarding: a stream always asks for usage (accounting needs it, even when
 * the caller said `include_usage: false`, which only means it does not want to see it).
 */
export function chatInputForForward(
  input: TaskInput<'chat-completion'>,
  options: { stream: boolean; includeUsage?: boolean },
): { upstreamInput: TaskInput<'chat-completion'>; keepUsage: boolean } {
  const keepUsage = input.stream_options?.include_usage === true;
  if (!options.stream || keepUsage || options.includeUsage === false) return { upstreamInput: input, keepUsage };
  return { upstreamInput: { ...input, stream_options: { ...input.stream_options, include_usage: true } }, keepUsage };
}

/** A 2xx chat answer handed on as the upstream sent it: checked and its usage read, never mapped. */
export async function forwardChatResponse(
  answer: HttpResponse,
  options: { provider: string; modelId: string; stream: boolean; keepUsage: boolean },
): Promise<ProviderForwardResult> {
  const { provider, modelId } = options;
  // Each answer is one literal (no shared part spread into it: spreads cost more than they look).
  if (options.stream) {
    // A server that ignored `stream: true` answered the whole completion: relayed as a one-chunk stream.
    const response = isEventStream(answer)
      ? answer
      : await jsonAnswerAsStream(answer, chatCompletionFrames, { provider });
    let usage: Usage = {};
    return {
      model: { id: modelId },
      requestId: response.requestId,
      firstByteMs: response.firstByteMs,
      contentType: response.contentType || 'text/event-stream',
      body: passOpenAIStream(response.body, {
        provider,
        requestId: response.requestId,
        keepUsage: options.keepUsage,
        onUsage: (read) => (usage = read),
      }),
      usage: () => usage,
    };
  }
  const bytes = await answer.bytes();
  const json = parseChatCompletion(bytes, provider, answer.status);
  const usage = readOpenAIUsage(json.usage);
  return {
    model: { id: typeof json.model === 'string' ? json.model : modelId },
    requestId: answer.requestId,
    firstByteMs: answer.firstByteMs,
    contentType: answer.contentType || 'application/json',
    body: bytes,
    usage: () => usage,
  };
}

/** Enough of a check that a broken 200 fails over instead of reaching the caller: JSON with a `choices` list. */
function parseChatCompletion(bytes: Uint8Array, provider: string, status: number): Record<string, unknown> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const json = parseJsonText(text, {
    provider,
    message: `${provider} answered ${status} with a body that is not valid JSON`,
    upstreamStatus: status,
  });
  if (json === null || typeof json !== 'object' || !Array.isArray((json as { choices?: unknown }).choices)) {
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: `chat completion from provider "${provider}": choices: expected an array`,
      provider,
      status: 502,
      details: { field: 'choices', rawBody: truncate(text), upstreamStatus: status },
    });
  }
  return json as Record<string, unknown>;
}
