import {
  createSseDecoder,
  type HttpResponse,
  InfermuxError,
  type SseEvent,
  type StreamPart,
  truncate,
} from '@infermux/core';
import { classifyOpenAIError, describeOpenAIError, readErrorFields } from './openai-error';

export interface ReadOpenAIStreamOptions {
  provider: string;
  /** Maps one parsed `data:` JSON to parts (`chatChunkToStreamParts`, `completionChunkToStreamParts`, …). */
  toParts: (json: unknown) => StreamPart[];
  /** Request id of the HTTP response, carried on errors. */
  requestId?: string;
}

/**
 * Reads an OpenAI-framed SSE body (`data: {json}` … `data: [DONE]`) as stream parts.
 * It never throws once the response is open: anything that goes wrong after the first byte (an
 * `{"error":…}` event, a chunk that does not parse, a connection cut) becomes a final `error` part, so
 * the caller knows the output is truncated. A body that ends cleanly after a `finish_reason` but without
 * `[DONE]` is complete: TGI 2.x chat streams and some OpenAI-compatible servers end that way, and both
 * official HF clients and openai-node take a clean end of the body as the end (wire/hf §7, wire/openai §3.4).
 */
export async function* readOpenAIStream(
  response: HttpResponse,
  options: ReadOpenAIStreamOptions,
): AsyncGenerator<StreamPart> {
  const { provider } = options;
  const requestId = options.requestId ?? response.requestId;
  let done = false;
  let finished = false;
  let iterator: AsyncIterator<Uint8Array> | undefined;
  try {
    // Events are decoded in this loop (no SSE generator in between): one async hop per chunk, not per event.
    const decoder = createSseDecoder();
    iterator = response.body[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      const events: SseEvent[] = next.done ? decoder.end() : decoder.feed(next.value);
      for (const event of events) {
        const data = event.data.trim();
        if (!data) continue;
        if (data.startsWith('[DONE]')) {
          done = true;
          break;
        }
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch (cause) {
          yield errorPart(
            new InfermuxError({
              code: 'provider_bad_response',
              message: `${provider} sent a stream event that is not JSON`,
              provider,
              requestId,
              details: { rawEvent: truncate(data) },
              cause,
            }),
          );
          return;
        }
        if (isErrorEvent(json) || event.event === 'error') {
          yield errorPart(streamError(json, provider, requestId));
          return;
        }
        for (const part of options.toParts(json)) {
          if (part.type === 'finish') finished = true;
          yield part;
        }
      }
      if (done || next.done) break;
    }
  } catch (error) {
    yield errorPart(interrupted(error, provider, requestId));
    return;
  } finally {
    // Stopped early ([DONE], an error event, a consumer that left): the body reader finishes its own cleanup.
    await iterator?.return?.();
    await response.dispose();
  }
  if (!done && !finished) {
    yield errorPart(
      new InfermuxError({
        code: 'provider_stream_interrupted',
        message: `${provider} closed the stream before a finish_reason or [DONE]: the output is incomplete`,
        provider,
        requestId,
      }),
    );
  }
}

/** An `{"error":{…}}` sent inside a 200 stream: there is no status, so the body alone decides the code. */
export function streamError(json: unknown, provider: string, requestId?: string): InfermuxError {
  const fields = readErrorFields(json);
  const message = describeOpenAIError(fields);
  return new InfermuxError({
    code: classifyOpenAIError(fields) ?? 'provider_server_error',
    message: `${provider} reported an error mid-stream${message ? `: ${message}` : ''}`,
    provider,
    requestId,
    details: {
      ...(fields.type !== undefined ? { upstreamType: fields.type } : {}),
      ...(fields.code !== undefined ? { upstreamCode: fields.code } : {}),
      midStream: true,
    },
  });
}

function isErrorEvent(json: unknown): boolean {
  return json !== null && typeof json === 'object' && Boolean((json as { error?: unknown }).error);
}

/** A network failure after the first byte is a truncated stream; timeouts and aborts keep their own codes. */
export function interrupted(error: unknown, provider: string, requestId?: string): InfermuxError {
  if (InfermuxError.isInstance(error) && error.code !== 'provider_network') return error;
  return new InfermuxError({
    code: 'provider_stream_interrupted',
    message: `${provider} stream was cut before [DONE]: ${error instanceof Error ? error.message : String(error)}`,
    provider,
    requestId,
    cause: error,
  });
}

function errorPart(error: InfermuxError): StreamPart {
  return { type: 'error', error };
}
