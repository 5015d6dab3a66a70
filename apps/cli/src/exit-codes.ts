/**
 * Exit codes are part of the CLI's contract (scripts branch on them); the README lists them.
 * Kept free of imports so `infermux --help` loads nothing heavy.
 */
export const exitCodes = {
  ok: 0,
  /** Something unexpected (a bug, or a failed `doctor` check). */
  failure: 1,
  /** Bad flag, unknown task, invalid input or parameter, invalid config. */
  usage: 2,
  /** Missing, invalid or insufficient credentials. */
  auth: 3,
  /** Unknown model, job or route. */
  notFound: 4,
  /** Rate limited (by the provider or a local policy). */
  rateLimited: 5,
  /** The provider failed: server error, timeout, network, bad response, failed job. */
  provider: 6,
  /** A batch finished, but some lines failed (see the errors file). */
  partialBatch: 7,
  /** A policy refused: budget, credits, content filter, revision pinning. */
  policy: 8,
  /** Interrupted (Ctrl-C); a job may be left running, a batch can be resumed. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

const notFoundCodes = new Set(['caller_model_not_found', 'caller_job_not_found', 'gateway_not_found']);

/** Maps an infermux error code (`auth_missing_credentials`, …) to the process exit code. */
export function exitCodeForErrorCode(code: string): ExitCode {
  if (notFoundCodes.has(code)) return exitCodes.notFound;
  if (code === 'caller_aborted') return exitCodes.interrupted;
  if (code === 'provider_rate_limited' || code === 'policy_rate_limited') return exitCodes.rateLimited;
  if (code.startsWith('caller_')) return exitCodes.usage;
  if (code.startsWith('auth_')) return exitCodes.auth;
  if (code.startsWith('policy_')) return exitCodes.policy;
  if (
    code.startsWith('provider_') ||
    code === 'gateway_all_targets_failed' ||
    code === 'gateway_circuit_open' ||
    code === 'gateway_timeout'
  ) {
    return exitCodes.provider;
  }
  return exitCodes.failure;
}
