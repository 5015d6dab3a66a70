import { z } from 'zod';
import { timeoutsSchema } from '../config/timeouts-schema';

const positiveInt = (what: string) =>
  z.int({ error: `expected ${what} (a whole number)` }).positive({ error: `expected ${what} greater than 0` });
const nonNegative = (what: string) =>
  z.number({ error: `expected ${what} (a number)` }).nonnegative({ error: `expected ${what} of 0 or more` });

/**
 * Prices in explicit units. Every field is optional; a call costs the sum of the units its
 * usage reports. Amounts are in `currency` (USD unless told otherwise).
 */
export const priceSchema = z.strictObject({
  currency: z.enum(['USD', 'credits']).optional(),
  /** Per 1,000,000 input (prompt) tokens. */
  inputPerMillionTokens: nonNegative('a price per 1M input tokens').optional(),
  /** Per 1,000,000 output (completion) tokens. */
  outputPerMillionTokens: nonNegative('a price per 1M output tokens').optional(),
  perImage: nonNegative('a price per image').optional(),
  perVideoSecond: nonNegative('a price per second of video').optional(),
  perAudioSecond: nonNegative('a price per second of audio').optional(),
  perComputeSecond: nonNegative('a price per compute second').optional(),
  /** Converts provider credits (EvoLink) into `currency`. */
  perCredit: nonNegative('a price per credit').optional(),
  perRequest: nonNegative('a price per request').optional(),
});

export const strategyNameSchema = z.enum(['priority', 'weighted', 'least-latency', 'least-outstanding', 'cost-aware'], {
  error: 'expected one of priority, weighted, least-latency, least-outstanding, cost-aware',
});

export const retryOrderSchema = z.enum(['failover-first', 'retry-first'], {
  error: 'expected one of failover-first, retry-first',
});

export const retryConfigSchema = z.strictObject({
  /**
   * After a failure: `failover-first` tries a target not yet tried before retrying one;
   * `retry-first` retries the failed target within its budget (`maxAttemptsPerTarget`), waiting out
   * a Retry-After up to `maxWaitMs`, before moving on (a cheaper primary, a data agreement).
   */
  order: retryOrderSchema.optional(),
  /** Attempts in total for one request, across targets (first try included). */
  maxAttempts: positiveInt('a number of attempts').max(20).optional(),
  /** Attempts on one target within one request. */
  maxAttemptsPerTarget: positiveInt('a number of attempts').max(10).optional(),
  /** First backoff ceiling; doubles each retry, full jitter. */
  baseDelayMs: nonNegative('a delay in ms').optional(),
  maxDelayMs: nonNegative('a delay in ms').optional(),
  /** The whole request, retries and waits included. */
  deadlineMs: positiveInt('a deadline in ms').optional(),
  /**
   * Longest single wait the router will sit through for a Retry-After, a model-loading estimate or
   * a cooldown; beyond it, the upstream's error is returned at once (with its `retryAfterMs`).
   */
  maxWaitMs: nonNegative('a wait in ms').optional(),
});

export const hedgeConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Hedge after this long when the primary target has too few samples for a p95. */
  delayMs: nonNegative('a delay in ms').optional(),
  /** Lower bound on the p95-based delay, so a fast target does not double every request. */
  minDelayMs: nonNegative('a delay in ms').optional(),
});

export const routeTargetConfigSchema = z.strictObject({
  /** Provider name; may instead be a prefix of `model` (`hf:org/name`). */
  provider: z.string().min(1).optional(),
  /** `org/name[@revision][:variant]`, optionally with a `provider:` prefix. */
  model: z.string({ error: 'expected a model reference such as "org/name@revision"' }).min(1),
  /** Share of traffic for the `weighted` strategy. */
  weight: nonNegative('a weight').optional(),
  price: priceSchema.optional(),
  timeouts: timeoutsSchema.optional(),
  /**
   * The target accepts an assistant prefill and continues it (stream recovery's `continue`);
   * overrides what the adapter declares.
   */
  prefill: z.boolean().optional(),
});

/**
 * Rescue of a chat or text-generation stream that breaks (cut, stalled past `idleMs`, upstream error)
 * after the caller has received content: on the route's other targets, within its attempt budget and
 * deadline. Each may `continue` from the delivered text (targets that take a prefill) or `restart`
 * and be kept only if its answer begins with exactly that text; otherwise the in-band error stands.
 */
export const streamRecoverySchema = z.strictObject({
  /** Continue on targets that take an assistant prefill (default true). */
  continue: z.boolean().optional(),
  /** Re-run from the start and splice only when the delivered text matches (default true). */
  restart: z.boolean().optional(),
});

export const routeConfigSchema = z.strictObject({
  strategy: strategyNameSchema.optional(),
  targets: z.array(routeTargetConfigSchema).min(1, 'expected at least one target'),
  retry: retryConfigSchema.optional(),
  /** Every target's time limits (`firstTokenMs`, `idleMs`, …), under each target's own `timeouts`. */
  timeouts: timeoutsSchema.optional(),
  streamRecovery: streamRecoverySchema.optional(),
  /** Send a second copy to another target when the first is slow (deterministic tasks only). */
  hedge: hedgeConfigSchema.optional(),
  fallback: z
    .strictObject({
      /** Route alias or model reference to use when a target rejects the input as too long. */
      contextLength: z.string().min(1).optional(),
    })
    .optional(),
});

export const routesConfigSchema = z.record(z.string().min(1, 'route names cannot be empty'), routeConfigSchema);

export const pricesConfigSchema = z.strictObject({
  /** Shown on every cost so a ledger knows which prices applied. */
  version: z.string().min(1).optional(),
  /** Keyed `provider:org/name` (any revision), `provider:org/name@revision`, or `provider:*`. */
  models: z.record(z.string().min(1), priceSchema).optional(),
});

export const providerLimitSchema = z.strictObject({
  requestsPerSecond: z.number().positive({ error: 'expected requests per second greater than 0' }).optional(),
  /** Requests allowed at once after an idle period (default: one second's worth). */
  burst: positiveInt('a burst size').optional(),
  /** Applied from reported usage (input + output tokens). */
  tokensPerMinute: positiveInt('a number of tokens per minute').optional(),
  /** Requests allowed to wait for a token; beyond it, `policy_rate_limited`. */
  maxQueue: z.int().nonnegative().optional(),
  /** Longest wait for a token; beyond it, `policy_rate_limited`. */
  maxWaitMs: nonNegative('a wait in ms').optional(),
});

export const limitsConfigSchema = z.strictObject({
  providers: z.record(z.string().min(1), providerLimitSchema).optional(),
});

export const cacheConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  maxEntries: positiveInt('a number of entries').optional(),
  /** Time to live for pinned revisions. */
  ttlMs: positiveInt('a time to live in ms').optional(),
  /** Time to live for floating references (no pinned commit): short, since the model may change. */
  floatingTtlMs: positiveInt('a time to live in ms').optional(),
});

export const breakerConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  windowMs: positiveInt('a window in ms').optional(),
  /** Outcomes needed in the window before the failure ratio counts. */
  minimumRequests: positiveInt('a number of requests').optional(),
  failureRatio: z.number().gt(0).max(1, 'expected a ratio between 0 and 1').optional(),
  consecutiveFailures: positiveInt('a number of failures').optional(),
  cooldownMs: positiveInt('a cooldown in ms').optional(),
  halfOpenProbes: positiveInt('a number of probes').optional(),
});

export type PriceConfig = z.input<typeof priceSchema>;
export type StrategyName = z.output<typeof strategyNameSchema>;
export type RetryConfig = z.input<typeof retryConfigSchema>;
export type StreamRecoveryConfig = z.input<typeof streamRecoverySchema>;
export type RetryOrder = z.output<typeof retryOrderSchema>;
export type HedgeConfig = z.input<typeof hedgeConfigSchema>;
export type RouteTargetConfig = z.input<typeof routeTargetConfigSchema>;
export type RouteConfig = z.input<typeof routeConfigSchema>;
export type PricesConfig = z.input<typeof pricesConfigSchema>;
export type ProviderLimitConfig = z.input<typeof providerLimitSchema>;
export type LimitsConfig = z.input<typeof limitsConfigSchema>;
export type CacheConfig = z.input<typeof cacheConfigSchema>;
export type BreakerConfig = z.input<typeof breakerConfigSchema>;

/** The routing sections together, as `createClient` takes them in code (paths match the config file). */
export const routingSectionsSchema = z.object({
  routes: routesConfigSchema.optional(),
  prices: pricesConfigSchema.optional(),
  limits: limitsConfigSchema.optional(),
  cache: cacheConfigSchema.optional(),
  retry: retryConfigSchema.optional(),
  breaker: breakerConfigSchema.optional(),
});
