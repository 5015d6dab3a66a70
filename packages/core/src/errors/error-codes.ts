/**
 * The closed set of error codes. Codes are stable API: callers switch on them,
 * the gateway maps them to wire formats, and the ledger stores them.
 */
export const errorCodes = {
  // The caller asked for something wrong. Never retried.
  caller_invalid_input: { status: 400, retryable: false },
  caller_unknown_task: { status: 400, retryable: false },
  caller_unsupported: { status: 400, retryable: false },
  caller_request_rejected: { status: 400, retryable: false },
  caller_context_length_exceeded: { status: 400, retryable: false },
  caller_payload_too_large: { status: 413, retryable: false },
  caller_model_not_found: { status: 404, retryable: false },
  // An async job id the provider does not know (never existed, or expired).
  caller_job_not_found: { status: 404, retryable: false },
  caller_aborted: { status: 499, retryable: false },
  // The caller's request body did not arrive within the gateway's body timeout (a slow or short body).
  caller_body_timeout: { status: 408, retryable: false },
  // Credentials.
  auth_missing_credentials: { status: 401, retryable: false },
  auth_invalid_credentials: { status: 401, retryable: false },
  auth_forbidden: { status: 403, retryable: false },
  auth_gated_model: { status: 403, retryable: false },
  // A rule said no: limits, budgets, content, revision policy.
  policy_rate_limited: { status: 429, retryable: false },
  policy_budget_exceeded: { status: 402, retryable: false },
  /** A key with a budget called something no price source prices, under `unknownCost: reject`. */
  policy_cost_unknown: { status: 402, retryable: false },
  policy_insufficient_credits: { status: 402, retryable: false },
  policy_content_filtered: { status: 400, retryable: false },
  policy_revision_unpinned: { status: 400, retryable: false },
  policy_revision_unavailable: { status: 409, retryable: false },
  // The upstream failed.
  provider_rate_limited: { status: 429, retryable: true },
  provider_model_loading: { status: 503, retryable: true },
  provider_unavailable: { status: 503, retryable: true },
  provider_server_error: { status: 502, retryable: true },
  provider_timeout: { status: 504, retryable: true },
  provider_network: { status: 502, retryable: true },
  provider_bad_response: { status: 502, retryable: true },
  provider_stream_interrupted: { status: 502, retryable: true },
  provider_job_failed: { status: 502, retryable: false },
  provider_conflict: { status: 409, retryable: true },
  // The gateway / router itself.
  gateway_all_targets_failed: { status: 502, retryable: false },
  gateway_circuit_open: { status: 503, retryable: true },
  gateway_timeout: { status: 504, retryable: false },
  gateway_not_found: { status: 404, retryable: false },
  gateway_internal: { status: 500, retryable: false },
  // An optional part is not installed or not built (the gateway package, its native SQLite module).
  gateway_dependency_missing: { status: 500, retryable: false },
  // The gateway ran out of its own resources (file descriptors, memory, a full connection pool): says nothing
  // about the upstream, so it is not retryable at the router (and never counts against a target's health).
  gateway_overloaded: { status: 503, retryable: false },
  // The gateway cut the request while shutting down (drain deadline passed).
  gateway_shutdown: { status: 503, retryable: false },
  // Shared state (Redis) could not be reached and the setting's policy is to refuse (`state.onUnavailable`).
  gateway_state_unavailable: { status: 503, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof errorCodes;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(errorCodes, value);
