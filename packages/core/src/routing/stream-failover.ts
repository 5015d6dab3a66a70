import { InfermuxError } from '../errors/infermux-error';
import type { StreamPart } from '../provider/provider';

/** Parts that commit a stream to its target: once one reached the caller, failover is no longer invisible. */
export function isContentPart(part: StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'tool-call-delta' || part.type === 'finish';
}

export interface OpenedStream {
  /** Everything up to and including the first content part. */
  buffered: StreamPart[];
  /** The rest of the upstream stream. */
  rest: AsyncIterator<StreamPart>;
}

/**
 * Reads a stream until its first content part, holding back what came before. A failure in that
 * window throws (so the router can fail over without the caller seeing anything); a stream that
 * ends before any content is a failure too.
 */
export async function readUntilContent(stream: AsyncIterable<StreamPart>, provider: string): Promise<OpenedStream> {
  const iterator = stream[Symbol.asyncIterator]();
  const buffered: StreamPart[] = [];
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
      if (next.value.type === 'error') throw next.value.error;
      buffered.push(next.value);
      if (isContentPart(next.value)) return { buffered, rest: iterator };
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
}
