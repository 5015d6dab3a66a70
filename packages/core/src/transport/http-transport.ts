import { EventEmitter } from 'node:events';
import { Agent, type Dispatcher, errors as undiciErrors } from 'undici';
import { InfermuxError } from '../errors/infermux-error';
import { redactSecrets } from '../errors/secret-redaction';
import { type Timeouts, resolveTimeouts } from './timeouts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  /** Provider name, for error attribution. */
  provider?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  contentType: string;
  requestId: string | undefined;
  /** ms from sending the request to the response headers. */
  firstByteMs: number;
  /** The body as chunks; the idle and total timeouts keep applying while it is read. */
  body: AsyncIterable<Uint8Array>;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
  /** Parses JSON; a body that is not JSON becomes `provider_bad_response` with the (redacted) raw text. */
  json(): Promise<unknown>;
  /** Discards the body and frees the connection. */
  dispose(): Promise<void>;
}

/** The seam every adapter talks through; tests and benchmarks may inject their own. */
export interface Transport {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface HttpTransportOptions {
  timeouts?: Partial<Timeouts>;
  /** Keep-alive connections per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
  /** Inject a dispatcher (e.g. a proxy agent); when set, connect timeouts are the dispatcher's. */
  dispatcher?: Dispatcher;
}

const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 1_000;

const requestIdHeaders = ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray'];

/**
 * What aborts one upstream request (caller abort, timeouts). undici takes an EventEmitter with
 * `aborted`/`reason` as its signal; that is much cheaper per request than an AbortController,
 * whose EventTarget machinery (creation, add/removeEventListener) showed up in gateway profiles.
 */
class UpstreamAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * A URL split the way undici's dispatchers take it. Adapters call the same few URLs over and
 * over, so the split is cached instead of parsing a URL per request (what `undici.request` does).
 */
const splitUrls = new Map<string, { origin: string; path: string }>();
function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (!split) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`Invalid URL protocol: the URL must start with \`http:\` or \`https:\` (${parsed.protocol})`);
    split = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (splitUrls.size >= 1024) splitUrls.clear();
    splitUrls.set(url, split);
  }
  return split;
}

/** HTTP on undici with keep-alive pools and per-phase timeouts. */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const agents = new Map<number, Dispatcher>();
  const dispatcherFor = (connectMs: number): Dispatcher => {
    if (options.dispatcher) return options.dispatcher;
    let agent = agents.get(connectMs);
    if (!agent) {
      agent = new Agent({
        connect: { timeout: connectMs },
        connections: options.connections ?? 128,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
        pipelining: 1,
      });
      agents.set(connectMs, agent);
    }
    return agent;
  };

  return {
    async request(request) {
      const timeouts = resolveTimeouts(options.timeouts, request.timeouts);
      const provider = request.provider;
      const controller = new UpstreamAbort();
      let totalTimedOut = false;
      let firstByteTimedOut = false;
      let idleTimedOut = false;
      const onCallerAbort = () => controller.abort(request.signal?.reason);
      if (request.signal?.aborted) throw abortedError(provider, request.signal.reason);
      request.signal?.addEventListener('abort', onCallerAbort, { once: true });
      const totalTimer = setTimeout(() => {
        totalTimedOut = true;
        controller.abort(new Error('total timeout'));
      }, timeouts.totalMs);
      totalTimer.unref?.();
      // undici's own headersTimeout ticks in coarse steps (~1 s); a precise timer matters for
      // hedging and fast failover, so first byte is timed here (undici's stays as a backstop).
      const firstByteTimer = setTimeout(() => {
        firstByteTimedOut = true;
        controller.abort(new Error('first-byte timeout'));
      }, timeouts.firstByteMs);
      firstByteTimer.unref?.();
      const cleanup = () => {
        clearTimeout(totalTimer);
        clearTimeout(firstByteTimer);
        request.signal?.removeEventListener('abort', onCallerAbort);
      };
      const translate = (error: unknown) =>
        translateError(error, { provider, timeouts, totalTimedOut, firstByteTimedOut, idleTimedOut, callerAborted: request.signal?.aborted === true, url: request.url });

      const startedAt = performance.now();
      let response: Dispatcher.ResponseData;
      try {
        const target = splitUrl(request.url);
        response = await dispatcherFor(timeouts.connectMs).request({
          origin: target.origin,
          path: target.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: controller,
          headersTimeout: timeouts.firstByteMs,
          bodyTimeout: timeouts.idleMs,
        });
      } catch (error) {
        cleanup();
        throw translate(error);
      }
      clearTimeout(firstByteTimer);
      const firstByteMs = performance.now() - startedAt;
      const headers = flattenHeaders(response.headers);
      const body = response.body;
      let consumed = false;

      // One idle timer per response, re-armed with `refresh()` each time we start waiting for
      // the upstream (not one setTimeout per chunk). It fires idleMs after the wait began and
      // only counts while we are waiting: a consumer holding a chunk does not trip it.
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      let waiting = false;
      const startWaiting = (): void => {
        waiting = true;
        if (idleTimer) {
          idleTimer.refresh();
          return;
        }
        idleTimer = setTimeout(() => {
          if (!waiting) return;
          idleTimedOut = true;
          controller.abort(new Error('idle timeout'));
        }, timeouts.idleMs);
        idleTimer.unref?.();
      };
      const finishBody = (): void => {
        waiting = false;
        clearTimeout(idleTimer);
        cleanup();
        discardBody();
      };
      // A reader that stops at a terminator (`data: [DONE]`), or a caller that disposes an error
      // body, leaves the rest unread: drain it (bounded in bytes and time) so the connection is
      // kept. A bare destroy() would abort the request and emit an error nobody listens to.
      const discardBody = (): void => {
        if (body.destroyed || body.readableEnded) return;
        // A plain timer rather than AbortSignal.timeout: a signal costs microseconds on every stream.
        const giveUp = setTimeout(() => body.destroy(), DRAIN_TIMEOUT_MS);
        giveUp.unref?.();
        body
          .dump({ limit: DRAIN_LIMIT_BYTES })
          .catch(() => undefined)
          .finally(() => clearTimeout(giveUp));
      };
      const claim = (): void => {
        if (consumed) throw new InfermuxError({ code: 'gateway_internal', message: 'Response body read twice', provider });
        consumed = true;
      };

      async function* chunks(): AsyncGenerator<Uint8Array> {
        claim();
        const iterator = body[Symbol.asyncIterator]();
        try {
          for (;;) {
            startWaiting();
            const next = await iterator.next();
            waiting = false;
            if (next.done) return;
            yield next.value as Uint8Array;
          }
        } catch (error) {
          throw translate(error);
        } finally {
          finishBody();
        }
      }

      // A whole body is collected from the stream's events: no async iterator, no promise per chunk.
      const bytes = (): Promise<Buffer> => {
        try {
          claim();
        } catch (error) {
          return Promise.reject(error);
        }
        return new Promise<Buffer>((resolve, reject) => {
          const parts: Buffer[] = [];
          let length = 0;
          const onData = (chunk: Buffer): void => {
            parts.push(chunk);
            length += chunk.byteLength;
            idleTimer?.refresh();
          };
          const onEnd = (): void => {
            off();
            finishBody();
            resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length));
          };
          const onError = (error: Error): void => {
            off();
            finishBody();
            reject(translate(error));
          };
          const off = (): void => {
            body.off('data', onData);
            body.off('end', onEnd);
            body.off('error', onError);
          };
          startWaiting();
          body.on('data', onData);
          body.once('end', onEnd);
          body.once('error', onError);
        });
      };
      // Like TextDecoder (which the body was decoded with before): a leading BOM is not part of the text.
      const text = async () => {
        const decoded = (await bytes()).toString('utf8');
        return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
      };

      return {
        status: response.statusCode,
        headers,
        contentType: headers['content-type'] ?? '',
        requestId: requestIdHeaders.map((name) => headers[name]).find(Boolean),
        firstByteMs,
        body: { [Symbol.asyncIterator]: chunks },
        bytes,
        text,
        async json() {
          const raw = await text();
          try {
            return JSON.parse(raw);
          } catch (error) {
            throw new InfermuxError({
              code: 'provider_bad_response',
              message: `${provider ?? 'Upstream'} answered ${response.statusCode} with a body that is not valid JSON`,
              provider,
              status: 502,
              details: { rawBody: truncate(raw), upstreamStatus: response.statusCode },
              cause: error,
            });
          }
        },
        async dispose() {
          cleanup();
          if (!consumed) {
            consumed = true;
            discardBody();
          }
        },
      };
    },
  };
}

export function truncate(text: string, max = 2048): string {
  const redacted = redactSecrets(text);
  return redacted.length > max ? `${redacted.slice(0, max)}… (${redacted.length - max} more characters)` : redacted;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function abortedError(provider: string | undefined, reason: unknown): InfermuxError {
  return new InfermuxError({ code: 'caller_aborted', message: 'The request was aborted by the caller', provider, cause: reason });
}

interface ErrorContext {
  provider: string | undefined;
  timeouts: Timeouts;
  totalTimedOut: boolean;
  firstByteTimedOut: boolean;
  idleTimedOut: boolean;
  callerAborted: boolean;
  url: string;
}

function translateError(error: unknown, context: ErrorContext): InfermuxError {
  if (InfermuxError.isInstance(error)) return error;
  const { provider, timeouts } = context;
  const host = safeHost(context.url);
  if (context.callerAborted) return abortedError(provider, error);
  const timeout = (phase: 'connect' | 'first-byte' | 'idle' | 'total', ms: number) =>
    new InfermuxError({
      code: 'provider_timeout',
      message: `${provider ?? 'Upstream'} timed out (${phase} timeout of ${ms} ms) calling ${host}`,
      provider,
      details: { phase, timeoutMs: ms },
      cause: error,
    });
  if (context.totalTimedOut) return timeout('total', timeouts.totalMs);
  if (context.firstByteTimedOut) return timeout('first-byte', timeouts.firstByteMs);
  if (context.idleTimedOut) return timeout('idle', timeouts.idleMs);
  if (error instanceof undiciErrors.ConnectTimeoutError) return timeout('connect', timeouts.connectMs);
  if (error instanceof undiciErrors.HeadersTimeoutError) return timeout('first-byte', timeouts.firstByteMs);
  if (error instanceof undiciErrors.BodyTimeoutError) return timeout('idle', timeouts.idleMs);
  const code = (error as { code?: string } | undefined)?.code;
  return new InfermuxError({
    code: 'provider_network',
    message: `${provider ?? 'Upstream'} connection failed calling ${host}${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
    provider,
    details: { networkCode: code },
    cause: error,
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the upstream';
  }
}
