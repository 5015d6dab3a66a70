import { Agent, type Dispatcher } from 'undici';
import { type AttemptTimeouts, resolveTimeouts, type Timeouts } from './timeouts';
import { abortedError, translateTransportError } from './transport-error';
import { UpstreamCall } from './upstream-call';

export { truncate } from './transport-error';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Each phase's limit, and the route's deadline (which ends the call wherever it is). */
  timeouts?: AttemptTimeouts;
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

/**
 * A URL split the way undici's dispatchers take it. Adapters call the same few URLs over and
 * over, so the split is cached instead of parsing a URL per request (what `undici.request` does).
 */
const splitUrls = new Map<string, { origin: string; path: string }>();
function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (!split) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new TypeError(`Invalid URL protocol: the URL must start with \`http:\` or \`https:\` (${parsed.protocol})`);
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
    // Not an async function: it returns the call's own promise instead of wrapping it in another.
    request(request) {
      const timeouts = resolveTimeouts(options.timeouts, request.timeouts);
      if (request.signal?.aborted) return Promise.reject(abortedError(request.provider, request.signal.reason));
      let target: { origin: string; path: string };
      try {
        target = splitUrl(request.url);
      } catch (error) {
        return Promise.reject(
          translateTransportError(error, {
            provider: request.provider,
            timeouts,
            timedOut: undefined,
            callerAborted: false,
            url: request.url,
          }),
        );
      }
      return new UpstreamCall(request, timeouts).start(dispatcherFor(timeouts.connectMs), target);
    },
  };
}
