import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config';

describe('routing config sections', () => {
  it('accepts routes, prices, limits, cache, retry and breaker', () => {
    const config = parseConfig({
      routes: {
        chat: {
          strategy: 'weighted',
          targets: [
            {
              provider: 'hf',
              model: 'meta-llama/Llama-3.1-8B-Instruct@main',
              weight: 3,
              price: { inputPerMillionTokens: 0.2, outputPerMillionTokens: 0.6 },
            },
            { model: 'evolink:gpt-5.5', weight: 1, timeouts: { firstByteMs: 5_000 } },
          ],
          retry: { maxAttempts: 3 },
          hedge: { enabled: false },
          fallback: { contextLength: 'chat-long' },
        },
      },
      prices: { version: '2026-11', models: { 'hf:*': { perComputeSecond: 0.0001 } } },
      limits: { providers: { hf: { requestsPerSecond: 5, tokensPerMinute: 100_000, maxWaitMs: 2_000 } } },
      cache: { enabled: true, ttlMs: 60_000 },
      retry: { baseDelayMs: 100, deadlineMs: 30_000 },
      breaker: { consecutiveFailures: 3, cooldownMs: 10_000 },
    });
    expect(config.routes?.chat?.targets).toHaveLength(2);
  });

  it('rejects a bad value with its path and reason', () => {
    expect(() => parseConfig({ routes: { chat: { strategy: 'fastest', targets: [{ model: 'hf:x' }] } } })).toThrow(
      /routes\.chat\.strategy: expected one of priority, weighted/,
    );
    expect(() => parseConfig({ routes: { chat: { targets: [{ model: 'hf:x', weight: -1 }] } } })).toThrow(
      /routes\.chat\.targets\[0\]\.weight: expected a weight of 0 or more/,
    );
    expect(() => parseConfig({ routes: { chat: { targets: [] } } })).toThrow(
      /routes\.chat\.targets: expected at least one target/,
    );
    expect(() => parseConfig({ limits: { providers: { hf: { requestsPerSecond: 0 } } } })).toThrow(
      /limits\.providers\.hf\.requestsPerSecond: expected requests per second greater than 0/,
    );
    expect(() => parseConfig({ breaker: { failureRatio: 2 } })).toThrow(/breaker\.failureRatio/);
    expect(() => parseConfig({ prices: { models: { 'hf:x': { perTokn: 1 } } } })).toThrow(/prices\.models\.hf:x/);
  });
});
