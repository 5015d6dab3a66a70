import { type HttpResponse, InfermuxError } from '@infermux/core';
import { parseJsonText } from './parse-json-text';
import { streamError } from './read-openai-stream';

/**
 * What the events of a stream are made of, for a server that answered a stream request with the whole
 * answer as JSON: the `data:` payloads (JSON-encoded here) and whether the framing ends with `[DONE]`.
 */
export interface JsonAnswerFrames {
  /** Undefined when `json` is not a whole answer of this framing: then nothing of it is relayed. */
  events(json: unknown): unknown[] | undefined;
  done: boolean;
}

/** Whether a 2xx answer to a stream request really is a stream. */
export function isEventStream(response: HttpResponse): boolean {
  return response.contentType.toLowerCase().startsWith('text/event-stream');
}

/**
 * Some servers ignore `stream: true` and answer the complete JSON body (issue #18: "expected
 * text/event-stream, got application/json", then retried). That answer is whole, so it is handed on as a
 * one-chunk stream: the same response with its body rewritten as the SSE events `frames` builds from it,
 * read by the usual stream readers. An `{"error": …}` body is thrown before any part (so core can fail
 * over); a body that is not JSON, or JSON that is not an answer (an upstream echoing the request), is a bad
 * response and never reaches the caller.
 */
export async function jsonAnswerAsStream(
  response: HttpResponse,
  frames: JsonAnswerFrames,
  context: {
    provider: string;
    /** Maps an `{"error": …}` body; OpenAI's mid-stream mapping by default. */
    errorOf?: (json: object) => InfermuxError;
  },
): Promise<HttpResponse> {
  const text = await response.text();
  const json = parseJsonText(text, {
    provider: context.provider,
    message: `${context.provider} answered a stream request with ${response.contentType || 'no content type'} that is neither an event stream nor JSON`,
    upstreamStatus: response.status,
    requestId: response.requestId,
  });
  if (json !== null && typeof json === 'object' && (json as { error?: unknown }).error)
    throw context.errorOf ? context.errorOf(json) : streamError(json, context.provider, response.requestId);
  const events = frames.events(json);
  if (events === undefined) {
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: `${context.provider} answered a stream request with JSON that is not an answer`,
      provider: context.provider,
      requestId: response.requestId,
      details: { upstreamStatus: response.status },
    });
  }
  const sse =
    events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + (frames.done ? 'data: [DONE]\n\n' : '');
  const bytes = new TextEncoder().encode(sse);
  return {
    status: response.status,
    headers: response.headers,
    contentType: 'text/event-stream',
    requestId: response.requestId,
    firstByteMs: response.firstByteMs,
    body: once(bytes),
    bytes: async () => bytes,
    text: async () => sse,
    json: async () => json,
    dispose: async () => {},
  };
}

/** `[{index, …}]` choices of a whole answer; undefined when there is no list (not an answer). */
function choicesOf(json: unknown): Array<Record<string, unknown>> | undefined {
  const choices = (json as { choices?: unknown } | null)?.choices;
  return Array.isArray(choices) ? (choices as Array<Record<string, unknown>>) : undefined;
}

/** The answer's own fields (`id`, `created`, `model`, …) without `choices`, `usage` and `object`. */
function metadataOf(json: unknown): Record<string, unknown> {
  const { choices: _choices, usage: _usage, object: _object, ...metadata } = (json ?? {}) as Record<string, unknown>;
  return metadata;
}

/** The usage chunk OpenAI sends last (`choices: []`, wire/openai §3.4), when the answer carries usage. */
function usageChunk(json: unknown, object: string): unknown[] {
  const usage = (json as { usage?: unknown } | null)?.usage;
  return usage && typeof usage === 'object' ? [{ ...metadataOf(json), object, choices: [], usage }] : [];
}

/** A `chat.completion` as the chunks a stream of it would have sent: one content chunk, then usage. */
export const chatCompletionFrames: JsonAnswerFrames = {
  done: true,
  events(json) {
    const choices = choicesOf(json)?.map((choice, position) => {
      const message = (choice.message ?? {}) as Record<string, unknown>;
      const toolCalls = Array.isArray(message.tool_calls) ? (message.tool_calls as object[]) : undefined;
      return {
        index: typeof choice.index === 'number' ? choice.index : position,
        delta: {
          role: message.role ?? 'assistant',
          content: message.content ?? null,
          // Deltas carry the position of each call (wire/openai §3.4: `index` is required on tool-call deltas).
          ...(toolCalls?.length ? { tool_calls: toolCalls.map((call, index) => ({ index, ...call })) } : {}),
        },
        logprobs: choice.logprobs ?? null,
        finish_reason: choice.finish_reason ?? null,
      };
    });
    if (choices === undefined) return undefined;
    const object = 'chat.completion.chunk';
    return [{ ...metadataOf(json), object, choices }, ...usageChunk(json, object)];
  },
};

/** A `text_completion` is already chunk-shaped (`choices[].text`): its choices, then usage. */
export const textCompletionFrames: JsonAnswerFrames = {
  done: true,
  events(json) {
    const choices = choicesOf(json);
    if (choices === undefined) return undefined;
    const object = 'text_completion';
    return [{ ...metadataOf(json), object, choices }, ...usageChunk(json, object)];
  },
};

/**
 * The whole body as a one-chunk stream. Declared once: a generator function made per answer would get
 * its own initial map in the old generation, which kept the answer alive until the next full GC.
 */
async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
