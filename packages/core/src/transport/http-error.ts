import type { ErrorCode } from '../errors/error-codes';
import { InfermuxError } from '../errors/infermux-error';
import { parseRetryAfter } from './retry-after';

export interface HttpErrorInput {
  status: number;
  provider: string;
  /** The upstream's own message, already extracted from its error body. */
  upstreamMessage?: string;
  headers?: Record<string, string>;
  requestId?: string;
  /** Override the code chosen from the status (adapters know better from body fields). */
  code?: ErrorCode;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
  /** What the caller can do about it, appended to the message. */
  hint?: string;
}

/** The default meaning of an HTTP status, when the body says nothing more precise. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'caller_request_rejected';
  if (status === 401) return 'auth_invalid_credentials';
  if (status === 402) return 'policy_insufficient_credits';
  if (status === 403) return 'auth_forbidden';
  if (status === 404 || status === 410) return 'caller_model_not_found';
  if (status === 408) return 'provider_timeout';
  if (status === 409) return 'provider_conflict';
  if (status === 413) return 'caller_payload_too_large';
  if (status === 429) return 'provider_rate_limited';
  if (status === 503) return 'provider_unavailable';
  if (status >= 500) return 'provider_server_error';
  return 'caller_request_rejected';
}

/** Builds the InfermuxError for a non-2xx upstream answer. */
export function httpError(input: HttpErrorInput): InfermuxError {
  const code = input.code ?? codeForStatus(input.status);
  const retryAfterMs = input.retryAfterMs ?? (input.headers ? parseRetryAfter(input.headers) : undefined);
  const base = `${input.provider} answered HTTP ${input.status}`;
  const message = [input.upstreamMessage ? `${base}: ${input.upstreamMessage}` : base, input.hint]
    .filter(Boolean)
    .join('. ');
  return new InfermuxError({
    code,
    message,
    provider: input.provider,
    requestId: input.requestId,
    retryAfterMs,
    details: { upstreamStatus: input.status, ...input.details },
  });
}
