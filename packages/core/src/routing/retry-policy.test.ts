import { describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import {
  classifyFailure,
  countsAgainstHealth,
  fullJitterBackoff,
  provablyNotReceived,
  resolveRetryPolicy,
  retryHintMs,
} from './retry-policy';

describe('retry policy', () => {
  it('full jitter stays within [0, min(max, base·2^(n-1)))', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(fullJitterBackoff(1, policy, () => 0.999)).toBe(99);
    expect(fullJitterBackoff(3, policy, () => 0.5)).toBe(200);
    expect(fullJitterBackoff(10, policy, () => 0.999)).toBe(999);
    expect(fullJitterBackoff(2, policy, () => 0)).toBe(0);
  });

  it('layers policies: route over client over defaults', () => {
    expect(resolveRetryPolicy({ maxAttempts: 2 }, { deadlineMs: 500 })).toMatchObject({
      maxAttempts: 2,
      deadlineMs: 500,
      maxAttemptsPerTarget: 2,
    });
  });

  it('classifies failures', () => {
    const error = (code: ConstructorParameters<typeof InfermuxError>[0]['code']) =>
      new InfermuxError({ code, message: code });
    expect(classifyFailure(error('provider_server_error'))).toBe('retry');
    expect(classifyFailure(error('provider_rate_limited'))).toBe('retry');
    expect(classifyFailure(error('caller_context_length_exceeded'))).toBe('fatal');
    expect(classifyFailure(error('policy_content_filtered'))).toBe('fatal');
    expect(classifyFailure(error('auth_invalid_credentials'))).toBe('skip-target');
    expect(classifyFailure(error('policy_rate_limited'))).toBe('skip-target');
  });

  it('counts real failures against a target\'s health, but not "later" answers', () => {
    const error = (code: ConstructorParameters<typeof InfermuxError>[0]['code']) =>
      new InfermuxError({ code, message: code });
    expect(countsAgainstHealth(error('provider_server_error'))).toBe(true);
    expect(countsAgainstHealth(error('provider_timeout'))).toBe(true);
    expect(countsAgainstHealth(error('provider_model_loading'))).toBe(false);
    expect(countsAgainstHealth(error('provider_rate_limited'))).toBe(false);
    expect(countsAgainstHealth(error('caller_request_rejected'))).toBe(false);
  });

  it('reads Retry-After and HF estimated_time hints', () => {
    expect(retryHintMs(new InfermuxError({ code: 'provider_rate_limited', message: 'x', retryAfterMs: 1_500 }))).toBe(
      1_500,
    );
    expect(
      retryHintMs(
        new InfermuxError({ code: 'provider_model_loading', message: 'x', details: { estimated_time: 2.5 } }),
      ),
    ).toBe(2_500);
    expect(retryHintMs(new InfermuxError({ code: 'provider_server_error', message: 'x' }))).toBeUndefined();
  });

  it('only proves non-receipt for refusals before the request was sent', () => {
    expect(
      provablyNotReceived(
        new InfermuxError({ code: 'provider_network', message: 'x', details: { networkCode: 'ECONNREFUSED' } }),
      ),
    ).toBe(true);
    expect(
      provablyNotReceived(
        new InfermuxError({ code: 'provider_network', message: 'x', details: { networkCode: 'ECONNRESET' } }),
      ),
    ).toBe(false);
    expect(
      provablyNotReceived(
        new InfermuxError({ code: 'provider_timeout', message: 'x', details: { phase: 'first-byte' } }),
      ),
    ).toBe(false);
    expect(provablyNotReceived(new InfermuxError({ code: 'provider_rate_limited', message: 'x' }))).toBe(true);
  });
});
