import type { IncomingMessage } from 'node:http';
import { InfermuxError } from '@infermux/core';

export function tooLarge(limit: number, what: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_payload_too_large',
    message: `The request body is larger than the ${what} limit of ${limit} bytes (server.bodyLimits).`,
    details: { field: 'body', limitBytes: limit },
  });
}

// A property of the request rather than a WeakMap entry: one WeakMap insertion per request cost ~0.4 µs and ~0.6 KB.
const bodyTimeout = Symbol('bodyTimeout');
type WithBodyTimeout = IncomingMessage & { [bodyTimeout]?: number };

/** The gateway's body timeout for this request (`server.timeouts.bodyMs`), counted from when reading starts. */
export function setBodyTimeout(request: IncomingMessage, ms: number): void {
  (request as WithBodyTimeout)[bodyTimeout] = ms;
}

/**
 * Reads the whole request body within its body timeout (a trickled body, or one shorter than its
 * Content-Length, gets a 408 instead of holding the connection), refusing it as soon as it passes `limit` (from
 * Content-Length when announced, otherwise while counting), so an oversized upload
 * never sits in memory.
 */
export function readBody(request: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const announced = request.headers['content-length'];
  if (announced !== undefined && Number(announced) > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit, what));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const timeoutMs = (request as WithBodyTimeout)[bodyTimeout];
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            failed = true;
            chunks.length = 0;
            reject(
              new InfermuxError({
                code: 'caller_body_timeout',
                message: `The request body did not arrive within ${timeoutMs} ms (server.timeouts.bodyMs): got ${size} bytes${announced === undefined ? '' : ` of the ${announced} announced`}.`,
                details: { field: 'body', timeoutMs },
              }),
            );
          }, timeoutMs);
    timer?.unref();
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        clearTimeout(timer);
        chunks.length = 0;
        reject(tooLarge(limit, what));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => {
      clearTimeout(timer);
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      if (!failed)
        reject(
          new InfermuxError({
            code: 'caller_aborted',
            message: `The request body could not be read: ${error.message}`,
            cause: error,
          }),
        );
    });
  });
}
