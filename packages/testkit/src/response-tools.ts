import type { ServerResponse } from 'node:http';
import { delay } from './delay.js';
import { disconnectSignal } from './disconnect-signal.js';
import { type FakeHeaders, mergeHeaders } from './merge-headers.js';
import { SSE_DONE_FRAME, sseFrame } from './sse-frame.js';

export interface SseOptions {
  /** Pause between frames (not before the first one). */
  delayMs?: number;
  /** Append `data: [DONE]` as the last frame. */
  done?: boolean;
  status?: number;
  headers?: FakeHeaders;
}

/** What a route handler answers with. */
export interface FakeResponseTools {
  /** The underlying response, for anything the helpers do not cover. */
  readonly raw: ServerResponse;
  /** Aborts when the client disconnects or the server closes; pass it to waits inside handlers. */
  readonly signal: AbortSignal;
  json(status: number, body: unknown, headers?: FakeHeaders): void;
  text(status: number, text: string, headers?: FakeHeaders): void;
  bytes(status: number, body: Uint8Array, contentType: string, headers?: FakeHeaders): void;
  /**
   * Streams `events` as `data:` frames, each written (and so flushed) on its own, then ends the
   * response. Resolves when done, or early (without error) once the client has gone.
   */
  sse(events: ReadonlyArray<string | object>, options?: SseOptions): Promise<void>;
}

class ResponseTools implements FakeResponseTools {
  private disconnected: AbortSignal | undefined;

  constructor(
    readonly raw: ServerResponse,
    signal: AbortSignal | undefined,
  ) {
    this.disconnected = signal;
  }

  get signal(): AbortSignal {
    this.disconnected ??= disconnectSignal(this.raw);
    return this.disconnected;
  }

  json(status: number, body: unknown, headers?: FakeHeaders): void {
    this.send(status, Buffer.from(JSON.stringify(body)), 'application/json', headers);
  }

  text(status: number, text: string, headers?: FakeHeaders): void {
    this.send(status, Buffer.from(text), 'text/plain; charset=utf-8', headers);
  }

  bytes(status: number, body: Uint8Array, contentType: string, headers?: FakeHeaders): void {
    this.send(status, body, contentType, headers);
  }

  async sse(events: ReadonlyArray<string | object>, options: SseOptions = {}): Promise<void> {
    const frames = events.map(sseFrame);
    if (options.done === true) frames.push(SSE_DONE_FRAME);
    this.raw.writeHead(
      options.status ?? 200,
      mergeHeaders({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, options.headers),
    );
    // Clients wait for headers before reading frames; send them now rather than with the first frame.
    this.raw.flushHeaders();
    for (let index = 0; index < frames.length; index++) {
      if (index > 0 && options.delayMs !== undefined && options.delayMs > 0) {
        try {
          await delay(options.delayMs, this.signal);
        } catch {
          return;
        }
      }
      this.raw.write(frames[index]);
    }
    this.raw.end();
  }

  private send(status: number, body: Uint8Array, contentType: string, headers: FakeHeaders | undefined): void {
    this.raw.writeHead(
      status,
      mergeHeaders({ 'content-type': contentType, 'content-length': body.byteLength }, headers),
    );
    this.raw.end(body);
  }
}

/** `signal` when the caller already has one for this response; otherwise it is made on first use. */
export function createResponseTools(response: ServerResponse, signal?: AbortSignal): FakeResponseTools {
  return new ResponseTools(response, signal);
}
