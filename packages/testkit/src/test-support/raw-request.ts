import { type Agent, type IncomingHttpHeaders, request } from 'node:http';

/** One `data` event as the client saw it. */
export interface ReceivedChunk {
  bytes: Buffer;
  at: number;
}

/** What a plain `node:http` client observed, including a failure part-way through. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: ReceivedChunk[];
  body: Buffer;
  startedAt: number;
  headersAt: number;
  /** Set when the request or the body failed (reset, cut connection). */
  error?: NodeJS.ErrnoException;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Default: a fresh connection per request, so one test's socket never serves another. */
  agent?: Agent | false;
}

/**
 * Fetch hides chunk boundaries and timing; tests of body pacing need to see both, so this client
 * records every `data` event with its arrival time and never rejects.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const startedAt = performance.now();
  const result: RawResponse = { status: 0, headers: {}, chunks: [], body: Buffer.alloc(0), startedAt, headersAt: 0 };
  return new Promise((resolve) => {
    const finish = (error?: NodeJS.ErrnoException): void => {
      if (error !== undefined && result.error === undefined) result.error = error;
      result.body = Buffer.concat(result.chunks.map((chunk) => chunk.bytes));
      resolve(result);
    };
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (incoming) => {
        result.status = incoming.statusCode ?? 0;
        result.headers = incoming.headers;
        result.headersAt = performance.now();
        incoming.on('data', (bytes: Buffer) => result.chunks.push({ bytes, at: performance.now() }));
        incoming.on('end', () => finish());
        incoming.on('error', finish);
        incoming.on('aborted', () => finish(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      },
    );
    outgoing.on('error', finish);
    outgoing.end(options.body);
  });
}
