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

/** `POST` of a JSON body; `accept` is what the adapter reads back (none sent when undefined). */
export function postJson(endpoint: UpstreamEndpoint, json: unknown, accept: string | undefined): Promise<HttpResponse> {
  return send(endpoint, 'POST', JSON.stringify(json), JSON_MEDIA_TYPE, accept);
}

/** `POST` of raw bytes (an image, audio) with their media type. */
export function postBytes(
  endpoint: UpstreamEndpoint,
  data: Uint8Array,
  contentType: string,
  accept: string | undefined,
): Promise<HttpResponse> {
  return send(endpoint, 'POST', data, contentType, accept);
}

/** `GET` of a JSON resource (a model list, a job's status). */
export function getJson(endpoint: UpstreamEndpoint): Promise<HttpResponse> {
  return send(endpoint, 'GET', undefined, undefined, JSON_MEDIA_TYPE);
}

/** Sends one request and returns the 2xx response; any other status becomes the endpoint's error. */
async function send(
  endpoint: UpstreamEndpoint,
  method: HttpMethod,
  body: string | Uint8Array | undefined,
  contentType: string | undefined,
  accept: string | undefined,
): Promise<HttpResponse> {
  const response = await endpoint.transport.request({
    method,
    url: endpoint.url,
    headers: withBodyHeaders(endpoint.headers, accept, contentType),
    body,
    signal: endpoint.signal,
    timeouts: endpoint.timeouts,
    provider: endpoint.provider,
  });
  if (response.status >= 200 && response.status < 300) return response;
  throw await endpoint.errorFromResponse(response, endpoint.provider);
}
