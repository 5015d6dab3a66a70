import { InfermuxError } from '../errors/infermux-error';
import type { StreamPart } from '../provider/provider';

/** Parts that commit a stream to its target: once one reached the caller, failover is no longer invisible. */
export function isContentPart(part: StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'tool-call-delta' || part.type === 'finish';
}

export interface OpenedStream<P = StreamPart> {
  /** Everything up to and including the first content part. */
  buffered: P[];
  /** The rest of the upstream stream. */
  rest: AsyncIterator<P>;
}

/**
 * Reads a stream until its first content item, holding back what came before. A failure in that
 * window throws (so the router can fail over without the caller seeing anything); a stream that
 * ends before any content is a failure too. `isContent` may throw to fail the window.
 */
export async function readUntil<P>(
  stream: AsyncIterable<P>,
  provider: string,
  isContent: (part: P) => boolean,
): Promise<OpenedStream<P>> {
  const iterator = stream[Symbol.asyncIterator]();
  const buffered: P[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        throw new InfermuxError({
          code: 'provider_stream_interrupted',
          message: `${provider} ended the stream before sending any content`,
          provider,
        });
      }
      const content = isContent(next.value);
      buffered.push(next.value);
      if (content) return { buffered, rest: iterator };
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
}

/** `readUntil` for normalised stream parts: an error part before content fails the window. */
export function readUntilContent(stream: AsyncIterable<StreamPart>, provider: string): Promise<OpenedStream> {
  return readUntil(stream, provider, (part) => {
    if (part.type === 'error') throw part.error;
    return isContentPart(part);
  });
}
