import type { Attempt, InfermuxError } from '@infermux/core';

/** Errors that would fail every remaining line the same way: stop instead of filling the errors file. */
const fatalCodes = new Set([
  'auth_missing_credentials',
  'auth_invalid_credentials',
  'auth_forbidden',
  'auth_gated_model',
  'caller_unsupported',
  'caller_model_not_found',
  'caller_unknown_task',
  'policy_insufficient_credits',
  'policy_budget_exceeded',
  'policy_revision_unpinned',
  'policy_revision_unavailable',
  'gateway_not_found',
]);

export function isFatal(error: InfermuxError): boolean {
  return fatalCodes.has(error.code);
}

/**
 * Attempts after the first (a hedged copy is not a retry). Counted from each finished line's
 * attempts rather than from a client event listener: a listener makes the client build and
 * stamp an event object at every routing step of every line.
 */
export function retriesOf(attempts: readonly Attempt[]): number {
  let sent = 0;
  for (const attempt of attempts) if (!attempt.hedged) sent += 1;
  return Math.max(0, sent - 1);
}

/** Retries a failed line spent, from the attempts its error carries. */
export function retriesOfError(error: InfermuxError): number {
  const attempts = error.details?.attempts;
  return Array.isArray(attempts) ? retriesOf(attempts as Attempt[]) : 0;
}

/** The line written to the errors file (local batch) or the errors hash (distributed batch). */
export function errorRecord(id: unknown, line: number, error: InfermuxError): Record<string, unknown> {
  return {
    id,
    line,
    error: {
      code: error.code,
      message: error.message,
      status: error.status,
      ...(error.provider ? { provider: error.provider } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      ...(error.details?.jobId !== undefined ? { jobId: error.details.jobId } : {}),
    },
  };
}
