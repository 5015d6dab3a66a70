import { once } from 'node:events';
import { InfermuxError, type StreamPart } from '@infermux/core';
import { streamErrorEvent } from '../wire/error-response';
import type { RequestContext } from './request-context';
import { startEventStream } from './respond';
import { shutdownError } from './shutdown-error';

export interface StreamFraming {
  /** SSE text for one part ('' to skip it). */
  frame(part: StreamPart): string;
  /** Text written after the last part (usage chunk, `[DONE]`). */
  end(): string;
}

/**
 * Writes an upstream stream as SSE: headers once the first part is in, each part flushed
 * as it comes, and a failure after the first byte as an in-band error event (never a
 * clean end of a truncated answer).
 */
export async function pipeStream(
  context: RequestContext,
  first: StreamPart | undefined,
  rest: AsyncIterator<StreamPart>,
  framing: StreamFraming,
): Promise<void> {
  const response = context.response;
  startEventStream(context);
  // Frames that arrive together (one upstream read) go out as one chunk in one socket write:
  // they are joined here and flushed once the current burst of microtasks is done. One chunk
  // per burst instead of one per frame saves a chunk header and a string write per frame.
  let pending = '';
  let flushScheduled = false;
  let drained: Promise<unknown> | undefined;
  const flush = (): void => {
    flushScheduled = false;
    if (!pending) return;
    const text = pending;
    pending = '';
    if (response.writableEnded || response.destroyed) return;
    if (!response.write(text) && !drained) {
      const waiting = once(response, 'drain', { signal: context.abort.signal }).finally(() => {
        drained = undefined;
      });
      // Observed here too: a stream that ends (or is cut) before anyone awaits it must not leave an unhandled rejection.
      waiting.catch(() => undefined);
      drained = waiting;
    }
  };
  // Returns a promise only when the socket asked us to wait: most parts need no extra tick.
  const write = (text: string): Promise<unknown> | undefined => {
    if (text) {
      pending += text;
      if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flush);
      }
    }
    return drained;
  };
  try {
    let part = first;
    while (part !== undefined) {
      if (part.type === 'error') throw part.error;
      const wait = write(framing.frame(part));
      if (wait) await wait;
      const next = await rest.next();
      part = next.done ? undefined : next.value;
    }
    const wait = write(framing.end());
    if (wait) await wait;
  } catch (error) {
    if (!response.destroyed) pending += inBandError(context, error);
  } finally {
    flush();
    // Awaited only with a `before-response` ledger: no microtask turn otherwise.
    const committing = context.beforeEnd?.();
    if (committing) await committing;
    response.end();
  }
}

/** A failure after the first byte: booked on the request, and told to the caller as a final SSE event. */
function inBandError(context: RequestContext, error: unknown): string {
  const typed =
    context.abort.signal.reason === 'shutdown'
      ? shutdownError('stream')
      : InfermuxError.from(error, { code: 'provider_stream_interrupted' });
  context.error = typed;
  return `data: ${streamErrorEvent(context.format, typed, context.id)}\n\n`;
}

/**
 * Relays an upstream's SSE bytes as they come (a forwarded stream already in the caller's
 * format), waiting on the socket only when it asks; a failure after the start becomes an
 * in-band error event like in `pipeStream`.
 */
export async function pipeBytes(context: RequestContext, body: AsyncIterable<Uint8Array>): Promise<void> {
  const response = context.response;
  // The first bytes are already in hand (core waits for them), so the headers leave with them.
  startEventStream(context, false);
  // Writes of one turn of the event loop leave as one packet: a stream that arrived whole
  // (headers, frames, end) costs one socket write instead of three.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    response.uncork();
  };
  try {
    for await (const chunk of body) {
      if (response.destroyed) break;
      if (!corked) {
        corked = true;
        response.cork();
        setImmediate(uncork);
      }
      if (!response.write(chunk)) await once(response, 'drain', { signal: context.abort.signal });
    }
  } catch (error) {
    if (!response.destroyed) response.write(inBandError(context, error));
  } finally {
    const committing = context.beforeEnd?.();
    if (committing) await committing;
    response.end();
  }
}
