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
export async function sendOpenAIRequest(request: OpenAIRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: request.accept ?? 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await request.transport.request({
    method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
    url: request.url,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: request.signal,
    timeouts: request.timeouts,
    provider: request.provider,
  });
  if (response.status >= 200 && response.status < 300) return response;
  const toError = request.errorFromResponse ?? openAIErrorFromResponse;
  throw await toError(response, request.provider);
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinURL(baseURL: string, path: string): string {
  return `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Headers for an upstream call: the provider's, then the call's, then the credential (which nothing overrides). */
export function buildHeaders(options: { settings?: Record<string, string>; call?: Record<string, string>; apiKey?: string }): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const layer of [options.settings, options.call]) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      if (name.toLowerCase() !== 'authorization') headers[name.toLowerCase()] = value;
    }
  }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return headers;
}
