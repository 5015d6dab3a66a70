import { once } from 'node:events';
import { InfermuxError, type StreamPart } from '@infermux/core';
import { streamErrorEvent } from '../wire/error-response';
import type { RequestContext } from './request-context';
import { startEventStream } from './respond';

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
export async function pipeStream(context: RequestContext, first: StreamPart | undefined, rest: AsyncIterator<StreamPart>, framing: StreamFraming): Promise<void> {
  const response = context.response;
  startEventStream(context);
  // Parts that arrive together (one upstream read) go out in one socket write: cork on the
  // first write, uncork once the current burst of microtasks is done.
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  // Returns a promise only when the socket asks us to wait: most parts need no extra tick.
  const write = (text: string): Promise<unknown> | undefined => {
    if (!text) return undefined;
    if (!corked) {
      corked = true;
      response.cork();
      process.nextTick(uncork);
    }
    return response.write(text) ? undefined : once(response, 'drain', { signal: context.abort.signal });
  };
  try {
    let part = first;
    while (part !== undefined) {
      if (part.type === 'error') throw part.error;
      const drained = write(framing.frame(part));
      if (drained) await drained;
      const next = await rest.next();
      part = next.done ? undefined : next.value;
    }
    const drained = write(framing.end());
    if (drained) await drained;
  } catch (error) {
    const typed = context.abort.signal.reason === 'shutdown'
      ? new InfermuxError({ code: 'provider_stream_interrupted', message: 'The gateway is shutting down; the stream was cut at the drain deadline.' })
      : InfermuxError.from(error, { code: 'provider_stream_interrupted' });
    context.error = typed;
    if (!response.destroyed) response.write(`data: ${streamErrorEvent(context.format, typed)}\n\n`);
  } finally {
    response.end();
  }
}
