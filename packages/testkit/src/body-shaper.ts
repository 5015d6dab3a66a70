import type { ServerResponse } from 'node:http';
import { delay } from './delay.js';
import type { BodyFault, FaultPoint } from './fault.js';

type WriteCallback = (error?: Error | null) => void;

/** Receives the route's body bytes in order and decides when (and whether) they reach the socket. */
type Deliver = (bytes: Buffer) => void | Promise<void>;

/**
 * Wraps `response.write` / `response.end` so the route's body passes through `fault` on its way to the
 * socket. Writes are queued and replayed in order, so a route that writes synchronously (one `json()`
 * call) and one that streams (`sse()`) are shaped the same way. Status and headers are untouched.
 */
export function shapeResponseBody(response: ServerResponse, fault: BodyFault, signal: AbortSignal): void {
  const passWrite = response.write.bind(response) as (chunk: Uint8Array) => boolean;
  const passEnd = response.end.bind(response) as () => ServerResponse;
  let sentBytes = 0;
  let writesSeen = 0;
  // Set once the connection is cut or the client is gone: later bytes have nowhere to go.
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();

  const forward = (bytes: Buffer): void => {
    if (stopped || bytes.length === 0) return;
    passWrite(bytes);
    sentBytes += bytes.length;
  };

  const cutConnection = (): void => {
    stopped = true;
    // `headersSent` is already true after `writeHead()`, before anything reached the socket; flushing
    // unconditionally is a no-op once the headers are out.
    response.flushHeaders();
    const socket = response.socket;
    if (socket === null) return;
    // `end()` first so the bytes already written reach the client before the close; a plain
    // `destroy()` could drop them from the socket's buffer.
    socket.once('finish', () => socket.destroy());
    socket.end();
  };

  const deliver = createDeliver(fault, {
    forward,
    cutConnection,
    sentBytes: () => sentBytes,
    flushHeaders: () => response.flushHeaders(),
    signal,
  });

  const enqueue = (step: () => void | Promise<void>, callback: WriteCallback | undefined): void => {
    queue = queue
      .then(() => (stopped ? undefined : step()))
      .catch(() => {
        // Only an aborted wait rejects: the client or the server went away mid-body.
        stopped = true;
      })
      .then(() => callback?.());
  };

  response.write = function write(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const [encoding, done] = splitArguments(encodingOrCallback, callback);
    writesSeen += 1;
    const bytes = toBuffer(chunk, encoding);
    enqueue(() => deliver(bytes), done);
    // Always "not full": the queue holds the bytes, and test bodies are small.
    return true;
  } as ServerResponse['write'];

  response.end = function end(chunk?: unknown, encodingOrCallback?: unknown, callback?: unknown): ServerResponse {
    if (typeof chunk === 'function') return end(undefined, undefined, chunk);
    const [encoding, done] = splitArguments(encodingOrCallback, callback);
    const bytes = chunk === undefined || chunk === null ? undefined : toBuffer(chunk, encoding);
    // Node would have set content-length for a single `end(body)`; keep that, so a cut body is a short
    // fixed-length body (as from a real upstream) rather than an unterminated chunked one.
    if (bytes !== undefined && writesSeen === 0 && !response.headersSent && !response.hasHeader('content-length')) {
      response.setHeader('content-length', bytes.length);
    }
    writesSeen += 1;
    enqueue(async () => {
      if (bytes !== undefined) await deliver(bytes);
      if (!stopped) passEnd();
    }, done);
    return response;
  } as ServerResponse['end'];
}

interface DeliverContext {
  forward(bytes: Buffer): void;
  cutConnection(): void;
  sentBytes(): number;
  flushHeaders(): void;
  signal: AbortSignal;
}

function createDeliver(fault: BodyFault, context: DeliverContext): Deliver {
  switch (fault.kind) {
    case 'cut-body': {
      const roomIn = faultPoint(fault, context);
      return (bytes) => {
        const room = roomIn(bytes);
        if (bytes.length <= room) return context.forward(bytes);
        context.forward(bytes.subarray(0, room));
        context.cutConnection();
      };
    }
    case 'slow-body':
      return async (bytes) => {
        for (let offset = 0; offset < bytes.length; offset += fault.chunkBytes) {
          if (context.sentBytes() > 0) await delay(fault.delayMs, context.signal);
          context.forward(bytes.subarray(offset, offset + fault.chunkBytes));
        }
      };
    case 'stall-mid-stream': {
      let stalled = false;
      const roomIn = faultPoint(fault, context);
      return async (bytes) => {
        const head = roomIn(bytes);
        if (stalled || bytes.length < head) return context.forward(bytes);
        context.forward(bytes.subarray(0, head));
        stalled = true;
        // With `afterBytes: 0` the stall comes right after the headers, which must not wait for it.
        context.flushHeaders();
        await delay(fault.ms, context.signal);
        context.forward(bytes.subarray(head));
      };
    }
    case 'inject-bytes': {
      let injected = false;
      const roomIn = faultPoint(fault, context);
      return (bytes) => {
        const head = roomIn(bytes);
        if (injected || bytes.length < head) return context.forward(bytes);
        injected = true;
        context.forward(bytes.subarray(0, head));
        context.forward(Buffer.from(fault.bytes));
        context.forward(bytes.subarray(head));
      };
    }
  }
}

/**
 * How many of the next body bytes may pass before the fault point (Infinity: not in them). Called
 * once per chunk, in order; `afterEvents` counts SSE events by their closing blank line.
 */
function faultPoint(point: FaultPoint, context: DeliverContext): (bytes: Buffer) => number {
  if (point.afterEvents === undefined) return () => point.afterBytes - context.sentBytes();
  const wanted = point.afterEvents;
  let events = 0;
  let previous = -1;
  return (bytes) => {
    if (events >= wanted) return 0;
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index] as number;
      if (byte === 10 && previous === 10 && ++events >= wanted) return index + 1;
      previous = byte === 13 ? previous : byte;
    }
    return Number.POSITIVE_INFINITY;
  };
}

function splitArguments(
  encodingOrCallback: unknown,
  callback: unknown,
): [BufferEncoding | undefined, WriteCallback | undefined] {
  if (typeof encodingOrCallback === 'function') return [undefined, encodingOrCallback as WriteCallback];
  return [encodingOrCallback as BufferEncoding | undefined, callback as WriteCallback | undefined];
}

function toBuffer(chunk: unknown, encoding: BufferEncoding | undefined): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`response body chunks must be strings or bytes, got ${typeof chunk}`);
}
