import { InfermuxError, type Timeouts, type Transport } from '@infermux/core';
import { type ErrorFromResponse, sendTo } from './openai-request';

/**
 * Where and how one call goes. Built per call, so an adapter picks its own URL (HF router,
 * EvoLink's text host, a vLLM) and its own error mapping while sharing the body/response mapping.
 */
export interface OpenAIEndpoint {
  transport: Transport;
  provider: string;
  /** Full URL of the operation, e.g. `https://host/v1/chat/completions`. */
  url: string;
  /** Settings headers, call headers and Authorization, already merged (`buildHeaders`). */
  headers: Record<string, string>;
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  errorFromResponse?: ErrorFromResponse;
}

export interface PostJsonOptions {
  stream?: boolean;
  /**
   * The same request without the fields infermux adds on its own (`stream_options`): sent once when the
   * first answer is 400 or 422, for a target that refuses fields it does not know.
   */
  fallback?: unknown;
}

export async function postJson(endpoint: OpenAIEndpoint, body: unknown, options: PostJsonOptions = {}) {
  const accept = options.stream ? 'text/event-stream' : 'application/json';
  if (options.fallback === undefined) return sendTo(endpoint, 'POST', body, accept);
  try {
    return await sendTo(endpoint, 'POST', body, accept);
  } catch (error) {
    if (!isRefusedRequest(error)) throw error;
    return sendTo(endpoint, 'POST', options.fallback, accept);
  }
}

/** The upstream refused the request as written: 400, or 422 from TGI's (or FastAPI's) validation. */
export function isRefusalStatus(status: unknown): boolean {
  return status === 400 || status === 422;
}

function isRefusedRequest(error: unknown): boolean {
  return InfermuxError.isInstance(error) && isRefusalStatus(error.details?.upstreamStatus);
}
