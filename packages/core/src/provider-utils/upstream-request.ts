import type { InfermuxError } from '../errors/infermux-error';
import type { HttpMethod, HttpResponse, Transport } from '../transport/http-transport';
import type { AttemptTimeouts } from '../transport/timeouts';
import { withBodyHeaders } from './request-headers';

/** Maps a non-2xx response to the error thrown; each adapter reads its upstream's error bodies its own way. */
export type ErrorFromResponse = (response: HttpResponse, provider: string) => Promise<InfermuxError>;

/**
 * Where and how one upstream call goes: built per call, so each adapter picks its own URL and error
 * mapping (HF router, EvoLink's text host, a vLLM) while the request and the answer's mapping are shared.
 */
export interface UpstreamEndpoint {
  transport: Transport;
  provider: string;
  /** The full URL of the operation, e.g. `https://host/v1/chat/completions`. */
  url: string;
  /** Settings headers, call headers and credential, already merged (`buildHeaders`, `createHeaderCache`). */
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** The phases' limits and, on a routed call, the route's deadline. */
  timeouts?: AttemptTimeouts;
  errorFromResponse: ErrorFromResponse;
}

export const JSON_MEDIA_TYPE = 'application/json';
export const EVENT_STREAM_MEDIA_TYPE = 'text/event-stream';

export interface PostJsonOptions {
  /**
   * The same body without the fields the adapter adds on its own where the official clients send none
   * (`stream_options`, a second name for a field): sent once when the upstream refuses the first.
   */
  fallback?: unknown;
}

/** `POST` of a JSON body; `accept` is what the adapter reads back (none sent when undefined). */
export async function postJson(
  endpoint: UpstreamEndpoint,
  json: unknown,
  accept: string | undefined,
  options: PostJsonOptions = {},
): Promise<HttpResponse> {
  const response = await request(endpoint, 'POST', JSON.stringify(json), JSON_MEDIA_TYPE, accept);
  if (options.fallback !== undefined && isRefusal(response.status)) {
    await response.dispose();
    return postJson(endpoint, options.fallback, accept);
  }
  return accepted(endpoint, response);
}

/** `POST` of raw bytes (an image, audio) with their media type. */
export async function postBytes(
  endpoint: UpstreamEndpoint,
  data: Uint8Array,
  contentType: string,
  accept: string | undefined,
): Promise<HttpResponse> {
  return accepted(endpoint, await request(endpoint, 'POST', data, contentType, accept));
}

/** `GET` of a JSON resource (a model list, a job's status). */
export async function getJson(endpoint: UpstreamEndpoint): Promise<HttpResponse> {
  return accepted(endpoint, await request(endpoint, 'GET', undefined, undefined, JSON_MEDIA_TYPE));
}

/**
 * The upstream refused the request as written: 400, or 422 from a validating server (TGI, FastAPI) that
 * rejects fields it does not know. The status decides, never the message.
 */
function isRefusal(status: number): boolean {
  return status === 400 || status === 422;
}

function request(
  endpoint: UpstreamEndpoint,
  method: HttpMethod,
  body: string | Uint8Array | undefined,
  contentType: string | undefined,
  accept: string | undefined,
): Promise<HttpResponse> {
  return endpoint.transport.request({
    method,
    url: endpoint.url,
    headers: withBodyHeaders(endpoint.headers, accept, contentType),
    body,
    signal: endpoint.signal,
    timeouts: endpoint.timeouts,
    provider: endpoint.provider,
  });
}

/**
 * The 2xx response; any other status becomes the endpoint's error. Not a promise on success: an async
 * function returning a promise waits two more microtask turns than one returning a value.
 */
function accepted(endpoint: UpstreamEndpoint, response: HttpResponse): HttpResponse | Promise<never> {
  if (response.status >= 200 && response.status < 300) return response;
  return endpoint.errorFromResponse(response, endpoint.provider).then((error) => {
    throw error;
  });
}
