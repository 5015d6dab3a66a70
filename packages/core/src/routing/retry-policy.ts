import type { ErrorCode } from '../errors/error-codes';
import type { InfermuxError } from '../errors/infermux-error';
import type { RetryConfig, RetryOrder } from './routing-config';

export interface RetryPolicy {
  order: RetryOrder;
  maxAttempts: number;
  maxAttemptsPerTarget: number;
  baseDelayMs: number;
  maxDelayMs: number;
  deadlineMs: number;
  maxWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  order: 'failover-first',
  maxAttempts: 4,
  maxAttemptsPerTarget: 2,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  // As long as the transport's default total timeout, so the deadline never cuts a slow single call short.
  deadlineMs: 600_000,
  maxWaitMs: 30_000,
};

export function resolveRetryPolicy(...layers: Array<RetryConfig | undefined>): RetryPolicy {
  const policy = { ...defaultRetryPolicy };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(policy) as Array<keyof RetryPolicy>) {
      const value = layer[key];
      if (value !== undefined) (policy as Record<keyof RetryPolicy, unknown>)[key] = value;
    }
  }
  return policy;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform draw in
 * [0, min(max, base · 2^retry)). Spreads retries of many clients instead of syncing them.
 */
export function fullJitterBackoff(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * What a failure means for routing:
 * - `fatal`: the request itself is wrong (bad input, content filter): no target will do better.
 * - `skip-target`: this target cannot serve it (auth, unknown model, credits, local limit): try others, not it.
 * - `retry`: transient: the same or another target may succeed.
 */
export type FailureKind = 'fatal' | 'skip-target' | 'retry';

const fatalCodes = new Set<ErrorCode>([
  'caller_invalid_input',
  'caller_unknown_task',
  'caller_request_rejected',
  'caller_context_length_exceeded',
  'caller_payload_too_large',
  'caller_aborted',
  'policy_content_filtered',
  'policy_revision_unpinned',
  'gateway_timeout',
  // Out of its own descriptors or memory, the gateway would fail on every other target the same way.
  'gateway_overloaded',
  // Its shared state (Redis) is unreachable and the policy refuses: the same for every target.
  'gateway_state_unavailable',
]);

export function classifyFailure(error: InfermuxError): FailureKind {
  if (fatalCodes.has(error.code)) return 'fatal';
  return error.retryable ? 'retry' : 'skip-target';
}

/** Failures that say something about the target's health (breaker input); caller mistakes and 429s do not. */
export function countsAgainstHealth(error: InfermuxError): boolean {
  return error.retryable && !healthNeutralCodes.has(error.code);
}

// A rate limit or a model that is still loading says "later", not "broken": the target leaves the
// rotation until its Retry-After / estimated_time passes instead of tripping the breaker.
const healthNeutralCodes = new Set<InfermuxError['code']>([
  'provider_rate_limited',
  'provider_model_loading',
  'gateway_circuit_open',
]);

/**
 * How long the upstream asked us to wait: `Retry-After` / `retry-after-ms` (already parsed by the
 * adapter into `retryAfterMs`), or HF's model-loading `estimated_time` (seconds) if an adapter left it in details.
 */
export function retryHintMs(error: InfermuxError): number | undefined {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const estimated = error.details?.estimatedTime ?? error.details?.estimated_time;
  return typeof estimated === 'number' && Number.isFinite(estimated) && estimated >= 0
    ? Math.round(estimated * 1000)
    : undefined;
}

/**
 * Proof that an upstream never received a request: safe to send it elsewhere even when a
 * duplicate would cost money (paid async jobs).
 */
export function provablyNotReceived(error: InfermuxError): boolean {
  if (
    error.code === 'provider_rate_limited' ||
    error.code === 'gateway_circuit_open' ||
    error.code === 'policy_rate_limited'
  )
    return true;
  if (error.code === 'provider_timeout') return error.details?.phase === 'connect';
  if (error.code === 'provider_network') {
    const networkCode = error.details?.networkCode;
    return networkCode === 'ECONNREFUSED' || networkCode === 'ENOTFOUND' || networkCode === 'UND_ERR_CONNECT_TIMEOUT';
  }
  return false;
}
