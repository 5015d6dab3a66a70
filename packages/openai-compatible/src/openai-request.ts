import type { HttpMethod, HttpResponse, InfermuxError, Timeouts, Transport } from '@infermux/core';
import { openAIErrorFromResponse } from './openai-error';

/** Maps a non-2xx response to an error; adapters with their own error bodies pass their own. */
export type ErrorFromResponse = (response: HttpResponse, provider: string) => Promise<InfermuxError>;

export interface OpenAIRequest {
  transport: Transport;
  provider: string;
  method?: HttpMethod;
  /** The full URL: each adapter decides its own (HF router, EvoLink's text host, a vLLM). */
  url: string;
  /** JSON body; omitted for GET. */
  body?: unknown;
  /** Already merged: settings headers, call headers, Authorization. */
  headers: Record<string, string>;
  /** `text/event-stream` for streams. */
  accept?: string;
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  errorFromResponse?: ErrorFromResponse;
}

/** Sends one request and returns the 2xx response; any other status becomes a mapped error. */
export function sendOpenAIRequest(request: OpenAIRequest): Promise<HttpResponse> {
  return sendTo(
    request,
    request.method ?? (request.body === undefined ? 'GET' : 'POST'),
    request.body,
    request.accept ?? 'application/json',
  );
}

/** Where a request goes and how: an `OpenAIRequest` without its method, body and accept type. */
export type OpenAIRequestTarget = Omit<OpenAIRequest, 'method' | 'body' | 'accept'>;

/** `sendOpenAIRequest` with the per-call parts as arguments, so an endpoint is not copied into a request first. */
export async function sendTo(
  target: OpenAIRequestTarget,
  method: HttpMethod,
  body: unknown,
  accept: string,
): Promise<HttpResponse> {
  const response = await target.transport.request({
    method,
    url: target.url,
    headers: completeHeaders(target.headers, accept, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: target.signal,
    timeouts: target.timeouts,
    provider: target.provider,
  });
  if (response.status >= 200 && response.status < 300) return response;
  const toError = target.errorFromResponse ?? openAIErrorFromResponse;
  throw await toError(response, target.provider);
}

/**
 * The endpoint's headers with `accept` (which they may override) and, with a body, `content-type`.
 * Built once per shared headers object (see `createHeaderCache`) and accept type, else per call.
 */
function completeHeaders(base: Record<string, string>, accept: string, json: boolean): Record<string, string> {
  const completed = completions.get(base);
  const key = json ? accept : `GET ${accept}`;
  let headers = completed?.get(key);
  if (headers === undefined) {
    headers = { accept, ...base };
    if (json) headers['content-type'] = 'application/json';
    if (completed) completed.set(key, Object.freeze(headers));
  }
  return headers;
}

/** Request headers built from each shared headers object, by accept type. */
const completions = new WeakMap<Record<string, string>, Map<string, Record<string, string>>>();

/**
 * `buildHeaders` for one provider's calls: the calls that add no headers of their own (nearly all)
 * share one frozen object per settings headers and key, rebuilt only when the key changes (an env
 * variable set later), so neither it nor the request headers made from it are built per call.
 */
export function createHeaderCache(): (
  settings: Record<string, string> | undefined,
  call: Record<string, string> | undefined,
  apiKey: string | undefined,
) => Record<string, string> {
  let shared:
    | { settings: Record<string, string> | undefined; apiKey: string | undefined; headers: Record<string, string> }
    | undefined;
  return (settings, call, apiKey) => {
    if (call !== undefined) return buildHeaders({ settings, call, apiKey });
    if (shared === undefined || shared.settings !== settings || shared.apiKey !== apiKey) {
      const headers = Object.freeze(buildHeaders({ settings, apiKey }));
      completions.set(headers, new Map());
      shared = { settings, apiKey, headers };
    }
    return shared.headers;
  };
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinURL(baseURL: string, path: string): string {
  return `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Headers for an upstream call: the provider's, then the call's, then the credential (which nothing overrides). */
export function buildHeaders(options: {
  settings?: Record<string, string>;
  call?: Record<string, string>;
  apiKey?: string;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const layer of [options.settings, options.call]) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      if (name.toLowerCase() !== 'authorization') headers[name.toLowerCase()] = value;
    }
  }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return headers;
}
