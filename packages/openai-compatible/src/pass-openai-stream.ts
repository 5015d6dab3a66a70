import { type ForwardChunk, InfermuxError, type Usage } from '@infermux/core';
import { readOpenAIUsage } from './openai-usage';
import { interrupted, streamError } from './read-openai-stream';

export interface PassOpenAIStreamOptions {
  provider: string;
  requestId?: string;
  /** The caller asked for the usage chunk; otherwise usage (requested for accounting) is cut out. */
  keepUsage: boolean;
  onUsage(usage: Usage): void;
}

const DONE = Buffer.from('[DONE]');
const USAGE_KEY = Buffer.from('"usage":');
const ERROR_KEY = Buffer.from('"error"');
const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
/** Text, a tool call, reasoning or a finish: the answer has begun. */
const CONTENT = /"(?:content|reasoning_content|reasoning)":\s?"[^"]|"tool_calls":\s?\[|"finish_reason":\s?"/;

/** Index just past the last blank line (`\n\n` or `\r\n\r\n`), or -1: bytes after it are an unfinished frame. */
function lastFrameEnd(buffer: Buffer): number {
  const lf = buffer.lastIndexOf('\n\n');
  const crlf = buffer.lastIndexOf('\r\n\r\n');
  return Math.max(lf === -1 ? -1 : lf + 2, crlf === -1 ? -1 : crlf + 4);
}

/** `"usage":` followed by an object (not the `null` every chunk carries once usage is requested). */
function hasUsageObject(buffer: Buffer): boolean {
  for (let at = buffer.indexOf(USAGE_KEY); at !== -1; at = buffer.indexOf(USAGE_KEY, at + 1)) {
    let next = at + USAGE_KEY.length;
    while (buffer[next] === SPACE) next += 1;
    if (buffer[next] === OPEN_BRACE) return true;
  }
  return false;
}

function dataOf(frame: string): string | undefined {
  let data: string | undefined;
  for (const line of frame.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.slice(line[5] === ' ' ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}

/**
 * Relays an OpenAI-framed SSE body chunk by chunk, as the upstream framed it, while watching for
 * what a gateway must know: the usage chunk (read, and cut out unless the caller asked for it),
 * an in-stream `{"error":…}` (thrown, so it is reported in the caller's format), `[DONE]`
 * (a stream that ends without it is truncated and throws). Chunks with none of these markers are
 * passed on untouched; only whole frames are passed on, so a marker never straddles two chunks.
 */
export async function* passOpenAIStream(chunks: AsyncIterable<Uint8Array>, options: PassOpenAIStreamOptions): AsyncGenerator<ForwardChunk> {
  let carry: Buffer | undefined;
  let content = false;
  let done = false;

  /** The frames of `buffer` with usage taken out as asked, up to an error event if there is one. */
  const inspect = (buffer: Buffer): { bytes: Buffer; error?: InfermuxError } => {
    if (!hasUsageObject(buffer) && !buffer.includes(ERROR_KEY) && !buffer.includes(DONE)) return { bytes: buffer };
    let rewritten = '';
    let changed = false;
    for (const frame of buffer.toString('utf8').split(/\r?\n\r?\n/)) {
      if (frame === '') continue;
      const data = dataOf(frame)?.trim();
      if (data === '[DONE]') done = true;
      else if (data?.startsWith('{')) {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(data) as Record<string, unknown>;
        } catch {
          // Not ours to judge: the caller's client sees the frame as the upstream sent it.
        }
        if (json?.error) return { bytes: Buffer.from(rewritten), error: streamError(json, options.provider, options.requestId) };
        const usage = json?.usage;
        if (json && usage && typeof usage === 'object') {
          options.onUsage(readOpenAIUsage(usage));
          if (!options.keepUsage) {
            changed = true;
            // The usage-only chunk goes; usage riding on a content chunk is taken off it.
            if (Array.isArray(json.choices) && json.choices.length === 0) continue;
            delete json.usage;
            rewritten += `data: ${JSON.stringify(json)}\n\n`;
            continue;
          }
        }
      }
      rewritten += `${frame}\n\n`;
    }
    return { bytes: changed ? Buffer.from(rewritten) : buffer };
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
      if (!content) content = CONTENT.test(bytes.toString('utf8'));
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
  if (!done) {
    throw new InfermuxError({
      code: 'provider_stream_interrupted',
      message: `${options.provider} closed the stream before [DONE]: the output is incomplete`,
      provider: options.provider,
      requestId: options.requestId,
    });
  }
}
