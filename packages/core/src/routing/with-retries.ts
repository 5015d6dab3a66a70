import { InfermuxError } from '../errors/infermux-error';
import { abortableSleep } from './abortable-sleep';
import { fullJitterBackoff, type RetryPolicy, retryHintMs } from './retry-policy';

/**
 * Retries an idempotent call (job status polls) on retryable errors with full-jitter backoff,
 * honouring Retry-After, within the policy's attempts and deadline.
 */
export async function withRetries<R>(
  call: () => Promise<R>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal; random?: () => number } = {},
): Promise<R> {
  const deadlineAt = Date.now() + policy.deadlineMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (caught) {
      const error = InfermuxError.from(caught, { code: 'gateway_internal' });
      if (!error.retryable || attempt >= policy.maxAttempts || options.signal?.aborted) throw error;
      const waitMs = Math.max(retryHintMs(error) ?? 0, fullJitterBackoff(attempt, policy, options.random));
      if (waitMs > policy.maxWaitMs || Date.now() + waitMs >= deadlineAt) throw error;
      await abortableSleep(waitMs, options.signal);
    }
  }
}
