import type { ErrorCode, InfermuxError } from '@infermux/core';
import type { ApiDialect } from './api-dialect';
import { callerMessage, hasFixedMessage } from './caller-message';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** OpenAI `error.type` by HTTP status (the values openai-node users switch on). */
function openaiType(status: number, code: ErrorCode): string {
  if (code === 'policy_budget_exceeded' || code === 'policy_insufficient_credits') return 'insufficient_quota';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The OpenAI `error.code` clients know, where one fits; otherwise the infermux code. */
const openaiCodes: Partial<Record<ErrorCode, string>> = {
  auth_missing_credentials: 'invalid_api_key',
  auth_invalid_credentials: 'invalid_api_key',
  caller_model_not_found: 'model_not_found',
  policy_rate_limited: 'rate_limit_exceeded',
  provider_rate_limited: 'rate_limit_exceeded',
  policy_budget_exceeded: 'insufficient_quota',
  caller_context_length_exceeded: 'context_length_exceeded',
};

function openaiCodeOf(error: InfermuxError): string {
  return isUpstreamAuth(error) ? error.code : (openaiCodes[error.code] ?? error.code);
}

function paramOf(error: InfermuxError): string | null {
  const details = error.details;
  if (!details) return null;
  if (typeof details.field === 'string') return details.field;
  const issues = details.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    const path = (issues[0] as { path?: unknown }).path;
    if (typeof path === 'string' && path) return path;
  }
  return null;
}

/**
 * The upstream refused the gateway's own provider credentials: a gateway misconfiguration,
 * not the caller's key — a 401 would tell the client its gateway key is wrong.
 */
function isUpstreamAuth(error: InfermuxError): boolean {
  return error.provider !== undefined && error.code.startsWith('auth_');
}

/** Status a client sees. `caller_aborted` has nobody to answer; anything odd is clamped into 4xx/5xx. */
function statusOf(error: InfermuxError): number {
  // No key configured for the provider: the gateway cannot serve it until its operator sets one.
  if (isUpstreamAuth(error)) return error.code === 'auth_missing_credentials' ? 503 : 502;
  const status = error.status;
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

function retryHeaders(error: InfermuxError, status: number): Record<string, string> {
  const headers: Record<string, string> = { 'x-infermux-error-code': error.code };
  if (error.retryAfterMs !== undefined && (status === 429 || status === 503)) {
    // Both forms, honest: the wait the message states (a shorter header would only earn another 429;
    // openai-node falls back to its own backoff for values over a minute).
    const ms = Math.max(0, Math.ceil(error.retryAfterMs));
    headers['retry-after-ms'] = String(ms);
    headers['retry-after'] = String(Math.ceil(ms / 1000));
  }
  // openai-node retries 408/409/429/5xx by status alone; say so when a retry cannot help.
  if (!error.retryable && (status === 408 || status === 409 || status >= 500)) headers['x-should-retry'] = 'false';
  if (isUpstreamAuth(error)) headers['x-should-retry'] = 'false';
  if (error.code === 'policy_budget_exceeded') headers['x-should-retry'] = 'false';
  return headers;
}

/** The native envelope's error: the full fields, minus details that only describe our own sockets. */
function nativeError(error: InfermuxError, message: string, status: number, requestId: string | undefined) {
  const fields = error.toJSON();
  if (hasFixedMessage(error)) delete fields.details;
  return { ...fields, message, status, gatewayRequestId: requestId };
}

/**
 * The error as the caller sees it: the message without internal addresses or socket codes (see
 * `callerMessage`; the full error stays in logs and the ledger) and the request id to quote.
 */
export function errorResponse(format: ApiDialect, error: InfermuxError, requestId?: string): ErrorResponse {
  const status = statusOf(error);
  const headers = retryHeaders(error, status);
  const message = callerMessage(error);
  let body: unknown;
  if (format === 'openai') {
    body = {
      error: {
        message,
        type: openaiType(status, error.code),
        param: paramOf(error),
        code: openaiCodeOf(error),
        request_id: requestId ?? null,
      },
    };
  } else if (format === 'hf') {
    // HF bodies are exactly `{"error": "..."}` (the request id is in the x-request-id header); a loading
    // model adds `estimated_time` in seconds.
    body =
      error.code === 'provider_model_loading' && error.retryAfterMs !== undefined
        ? { error: message, estimated_time: error.retryAfterMs / 1000 }
        : { error: message };
  } else {
    body = { error: nativeError(error, message, status, requestId) };
  }
  return { status, headers, body: JSON.stringify(body) };
}

/** The in-band error event for an SSE stream that already started (OpenAI and HF clients read `error`). */
export function streamErrorEvent(format: ApiDialect, error: InfermuxError, requestId?: string): string {
  const status = statusOf(error);
  const message = callerMessage(error);
  if (format === 'hf') return JSON.stringify({ error: message, error_type: error.code });
  if (format === 'native') {
    return JSON.stringify({ type: 'error', error: nativeError(error, message, status, requestId) });
  }
  return JSON.stringify({
    error: {
      message,
      type: openaiType(status, error.code),
      param: null,
      code: openaiCodeOf(error),
      request_id: requestId ?? null,
    },
  });
}
