import type { Timeouts, Transport } from '@infermux/core';
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

export function postJson(endpoint: OpenAIEndpoint, body: unknown, options: { stream?: boolean } = {}) {
  return sendTo(endpoint, 'POST', body, options.stream ? 'text/event-stream' : 'application/json');
}
