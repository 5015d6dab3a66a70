import { createSseDecoder, type ForwardChunk, InfermuxError, type Usage } from '@infermux/core';
import { FRAME, scanChatFrames } from './chat-stream-frame';
import { readOpenAIUsage } from './map-openai-usage';
import { interrupted, streamError } from './read-openai-stream';

export interface PassOpenAIStreamOptions {
  provider: string;
  requestId?: string;
  /** The caller asked for the usage chunk; otherwise usage (requested for accounting) is cut out. */
  keepUsage: boolean;
  onUsage(usage: Usage): void;
}

const LF = 0x0a;
const CR = 0x0d;

/** Index just past the last blank line (`\n\n` or `\r\n\r\n`), or -1: bytes after it are an unfinished frame. */
function lastFrameEnd(buffer: Buffer): number {
  const length = buffer.length;
  // The common case, a read that ends with its frame, without scanning 4 KB backwards twice.
  if (
    buffer[length - 1] === LF &&
    (buffer[length - 2] === LF || (buffer[length - 2] === CR && buffer[length - 3] === LF && buffer[length - 4] === CR))
  )
    return length;
  const lf = buffer.lastIndexOf('\n\n');
  const crlf = buffer.lastIndexOf('\r\n\r\n');
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

/** The JSON of a whole frame's data, or undefined if it has none or it is not JSON. */
function frameJson(frame: Buffer): Record<string, unknown> | undefined {
  const data = singleDataLine(frame) ?? createSseDecoder().feed(frame)[0]?.data;
  if (data === undefined) return undefined;
  try {
    const json: unknown = JSON.parse(data);
    return json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
  } catch {
    // Not ours to judge: the caller's client sees the frame as the upstream sent it.
    return undefined;
  }
}

const DATA_FIELD = Buffer.from('data:');

/** A frame the relay cannot vouch for: never passed on (it could be anything, an echoed secret included). */
function malformedFrameError(provider: string, requestId: string | undefined): InfermuxError {
  return new InfermuxError({
    code: 'provider_bad_response',
    message: `${provider} sent a stream frame that is not a chat completion event; the stream was ended there`,
    provider,
    requestId,
  });
}

/** A frame carrying usage: where it is in the read, and its parsed JSON. */
interface UsageFrame {
  start: number;
  end: number;
  json: Record<string, unknown>;
}

/** A frame that is one `data:` line and its blank line (as OpenAI frames every event): its data, without a decoder. */
function singleDataLine(frame: Buffer): string | undefined {
  if (
    frame.length < 7 ||
    frame.indexOf(LF) !== frame.length - 2 ||
    frame[frame.length - 1] !== LF ||
    frame.compare(DATA_FIELD, 0, 5, 0, 5) !== 0
  )
    return undefined;
  return frame.toString('utf8', frame[5] === 0x20 ? 6 : 5, frame.length - 2);
}

/**
 * Relays an OpenAI-framed SSE body chunk by chunk, as the upstream framed it, while watching for
 * what a gateway must know: the usage chunk (read, and cut out unless the caller asked for it),
 * an in-stream `{"error":…}` (thrown, so it is reported in the caller's format), `[DONE]`. A stream
 * that ends without `[DONE]` is truncated and throws, unless it ended cleanly after a `finish_reason`
 * (TGI 2.x and some OpenAI-compatible servers never send `[DONE]`; wire/hf §7). Chunks with none of these
 * markers are passed on untouched; only whole frames are passed on, so a marker never straddles two chunks.
 */
export async function* passOpenAIStream(
  chunks: AsyncIterable<Uint8Array>,
  options: PassOpenAIStreamOptions,
): AsyncGenerator<ForwardChunk> {
  let carry: Buffer | undefined;
  let content = false;
  let done = false;
  // Whether each of the last two reads had a finish, so a clean end without [DONE] can be checked for one:
  // the finish chunk is last, or last but the usage chunk.
  let lastFinished = false;
  let finishedBefore = false;

  /**
   * The frames of `buffer` with usage taken out as asked, up to an error event or a malformed frame if there
   * is one. One pass reads every frame; only those carrying usage or an error are decoded (each once), the
   * rest stay the upstream's bytes.
   */
  const inspect = (buffer: Buffer): { bytes: Buffer; error?: InfermuxError } => {
    const scan = scanChatFrames(buffer);
    finishedBefore = lastFinished;
    lastFinished = (scan.flags & FRAME.finish) !== 0;
    const usageFrames: UsageFrame[] = [];
    const { marked } = scan;
    for (let index = 0; index < marked.length; index += 3) {
      const start = marked[index] as number;
      const end = marked[index + 1] as number;
      const json = frameJson(buffer.subarray(start, end));
      // Usage inside or after an error event is not read; frames before it still reach the caller.
      if (json?.error) {
        if (((marked[index + 2] as number) & FRAME.content) !== 0) content = true;
        return {
          bytes: takeUsage(buffer.subarray(0, start), usageFrames),
          error: streamError(json, options.provider, options.requestId),
        };
      }
      if (json?.usage && typeof json.usage === 'object') usageFrames.push({ start, end, json });
    }
    if ((scan.flags & FRAME.content) !== 0) content = true;
    // Frames before a malformed one still reach the caller, then the error.
    if (scan.malformedAt !== -1)
      return {
        bytes: takeUsage(buffer.subarray(0, scan.malformedAt), usageFrames),
        error: malformedFrameError(options.provider, options.requestId),
      };
    if (scan.doneAtEnd) done = true;
    return { bytes: takeUsage(buffer, usageFrames) };
  };

  /** Reads the usage frames; cuts them out (or usage off a content chunk) unless the caller asked for usage. */
  const takeUsage = (buffer: Buffer, frames: readonly UsageFrame[]): Buffer => {
    const kept: Buffer[] = [];
    let copied = 0;
    for (const { start, end, json } of frames) {
      options.onUsage(readOpenAIUsage(json.usage));
      if (options.keepUsage) continue;
      kept.push(buffer.subarray(copied, start));
      // The usage-only chunk goes; usage riding on a content chunk is taken off it.
      if (!(Array.isArray(json.choices) && json.choices.length === 0)) {
        delete json.usage;
        kept.push(Buffer.from(`data: ${JSON.stringify(json)}\n\n`));
      }
      copied = end;
    }
    if (copied === 0) return buffer;
    kept.push(buffer.subarray(copied));
    return Buffer.concat(kept);
  };

  try {
    for await (const raw of chunks) {
      const buffer = carry ? Buffer.concat([carry, raw]) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      const end = lastFrameEnd(buffer);
      if (end === -1) {
        carry = buffer;
        continue;
      }
      carry = end < buffer.length ? buffer.subarray(end) : undefined;
      const { bytes, error } = inspect(end < buffer.length ? buffer.subarray(0, end) : buffer);
      // Frames before an error event still reach the caller, then the error.
      if (bytes.length > 0) yield { bytes, content };
      if (error) throw error;
      if (done) return;
    }
    // A last frame without its blank line: complete it for the caller.
    if (carry && carry.toString('utf8').trim() !== '') {
      const { bytes, error } = inspect(Buffer.concat([carry, Buffer.from('\n\n')]));
      if (bytes.length > 0) yield { bytes, content: true };
      if (error) throw error;
    }
  } catch (error) {
    throw interrupted(error, options.provider, options.requestId);
  }
  const finished = lastFinished || finishedBefore;
  if (!done && !finished) {
    throw new InfermuxError({
      code: 'provider_stream_interrupted',
      message: `${options.provider} closed the stream before a finish_reason or [DONE]: the output is incomplete`,
      provider: options.provider,
      requestId: options.requestId,
    });
  }
}
