import { z } from 'zod';

const envNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name (letters, digits, _)');
const positiveInt = z.int({ error: 'expected a whole number' }).positive('expected a whole number ≥ 1');

/** Spend allowed per period, in USD (the price table's currency). */
export const keyBudgetSchema = z.strictObject({
  amount: z.number({ error: 'expected the budget amount in USD (a number)' }).nonnegative('expected an amount ≥ 0'),
  period: z.enum(['day', 'month', 'total'], { error: 'expected "day", "month" or "total"' }).default('month'),
});

/** Limits a gateway key can carry; also the defaults for keys that set none. */
export const keyLimitsSchema = z.strictObject({
  /** Requests per minute. */
  rpm: positiveInt.optional(),
  /** Tokens (input + output) per minute. */
  tpm: positiveInt.optional(),
  budget: keyBudgetSchema.optional(),
});

/**
 * A key declared in the config. The key itself never sits in the file: it is read from
 * the env variable `keyEnv` at start. Keys created with the admin API or `infermux keys`
 * live hashed in the gateway's store instead.
 */
export const configuredKeySchema = keyLimitsSchema.extend({
  name: z.string().min(1, 'expected a key name'),
  keyEnv: envNameSchema,
  /** Model references or route names this key may call; absent = all. */
  allowedModels: z.array(z.string().min(1)).optional(),
  /** Gateway endpoints (e.g. `/v1/chat/completions`) this key may call; absent = all. */
  allowedRoutes: z.array(z.string().min(1)).optional(),
});

/** `scheme://host[:port]` exactly as a browser sends it in `Origin` (lowercase, no path, no trailing slash). */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name (e.g. x-custom-header)');

/**
 * Cross-origin access for browser apps. Absent (the default): no CORS headers at all, so browsers refuse
 * cross-origin calls — a gateway holds provider credentials and budgets, so a page on another site must
 * be let in by name. Preflights are answered before authentication and never reach the ledger.
 */
export const corsConfigSchema = z
  .strictObject({
    /**
     * Origins allowed to call (`https://app.example.com`, `http://localhost:5173`), or `"*"` for any site
     * (only sensible when every call needs a gateway key the page's user brings).
     */
    origins: z.union(
      [
        z.literal('*'),
        z
          .array(
            z
              .string()
              .refine(
                isOrigin,
                'expected an origin such as https://app.example.com (scheme, host and port only: no path, no trailing slash, lowercase)',
              ),
          )
          .min(1, 'expected at least one origin (or "*")'),
      ],
      { error: 'expected "*" or a list of origins such as ["https://app.example.com"]' },
    ),
    /**
     * `Access-Control-Allow-Credentials: true`: the browser sends cookies and HTTP auth. Not needed for a
     * gateway key in `Authorization` (a header the page sets); refused with `origins: "*"`.
     */
    credentials: z.boolean().default(false),
    /** How long a browser may reuse a preflight answer (`Access-Control-Max-Age`), in seconds. */
    maxAgeSeconds: z.int({ error: 'expected a whole number of seconds' }).min(0).max(86_400).default(600),
    /**
     * Request headers a page may send. Absent: whatever the preflight asks for (OpenAI's browser SDK sends
     * `x-stainless-*` headers, the HF clients their own); list them to narrow it.
     */
    allowedHeaders: z.array(headerNameSchema).optional(),
  })
  .refine((cors) => !(cors.origins === '*' && cors.credentials), {
    message: 'credentials: true needs a list of origins: with "*" any site could act with the user\'s cookies',
    path: ['credentials'],
  });

/** The `server` section: everything the gateway reads at start. */
export const serverConfigSchema = z.strictObject({
  /**
   * Interface to bind. A non-loopback address (`0.0.0.0`, a LAN address) needs a gateway key at start and
   * refuses every request without one, whatever later happens to the keys (see `auth`).
   */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * `keys`: requests need a gateway key — always on a non-loopback bind; on loopback once any key exists.
   * `none`: no key is asked for; refused at start on a non-loopback bind unless `allowUnauthenticatedNetwork`.
   */
  auth: z.enum(['keys', 'none'], { error: 'expected "keys" or "none"' }).default('keys'),
  /** Must be `true` (in so many words) for `auth: none` on a non-loopback bind: anyone who can reach it can spend. */
  allowUnauthenticatedNetwork: z.boolean().default(false),
  port: z.int({ error: 'expected a port number' }).min(0).max(65_535, 'expected a port ≤ 65535').default(8080),
  /** Env variable that holds the admin token guarding `/admin/*`; admin API off when unset. */
  adminTokenEnv: envNameSchema.default('INFERMUX_ADMIN_TOKEN'),
  keys: z.array(configuredKeySchema).default([]),
  /** Defaults for every key that does not set its own. */
  limits: keyLimitsSchema.default({}),
  admission: z
    .strictObject({
      /**
       * Output tokens reserved for a request that sets no `max_tokens` (tpm and budgets reserve the input
       * estimate plus this before calling upstream, and settle to the actual usage at the end).
       */
      defaultOutputTokens: positiveInt.default(1024),
      /**
       * A call by a key with a budget that no price source can price (no configured price, no catalogue
       * entry, nothing in the shipped tables): `reject` (default: a budget that cannot be kept is not
       * silently exceeded; 402 `policy_cost_unknown` before anything goes upstream), `allow` (the call runs
       * and counts 0 against the budget; the ledger shows its cost as unknown), or `estimate` (it reserves
       * and is charged `unknownCostCeiling` USD). A call priced in advance whose answer nothing prices
       * (hf-inference on hardware without a rate) is charged the ceiling under `estimate`, else 0.
       */
      unknownCost: z
        .enum(['reject', 'allow', 'estimate'], { error: 'expected "reject", "allow" or "estimate"' })
        .default('reject'),
      /** USD reserved and charged per unknown-cost call under `unknownCost: estimate`. */
      unknownCostCeiling: z
        .number({ error: 'expected an amount in USD' })
        .positive('expected an amount > 0')
        .optional(),
    })
    .refine((admission) => admission.unknownCost !== 'estimate' || admission.unknownCostCeiling !== undefined, {
      message: 'unknownCost "estimate" needs unknownCostCeiling (USD per call)',
      path: ['unknownCostCeiling'],
    })
    .default({ defaultOutputTokens: 1024, unknownCost: 'reject' }),
  ledger: z
    .strictObject({
      /**
       * SQLite file (WAL mode) for keys and the usage ledger. `:memory:` keeps nothing. Absent: see
       * `resolveLedgerLocation` (`INFERMUX_LEDGER_PATH`, then `$XDG_DATA_HOME/infermux/gateway.sqlite`).
       */
      path: z.string().min(1).optional(),
      /** Rows are committed in small batches this often (0 = one transaction per request). */
      flushIntervalMs: z.int().min(0).max(5_000).default(10),
      /**
       * `batched`: the response goes out, its row is committed with the next batch (a crash can lose the
       * last batch). `before-response`: the response waits for its row's commit (group commit).
       */
      commit: z
        .enum(['batched', 'before-response'], { error: 'expected "batched" or "before-response"' })
        .default('batched'),
    })
    .default({ flushIntervalMs: 10, commit: 'batched' }),
  bodyLimits: z
    .strictObject({
      /** Largest JSON request body. */
      jsonBytes: positiveInt.default(2 * 1024 * 1024),
      /** Largest raw binary body (images, audio on the HF routes). */
      binaryBytes: positiveInt.default(25 * 1024 * 1024),
    })
    .default({ jsonBytes: 2 * 1024 * 1024, binaryBytes: 25 * 1024 * 1024 }),
  timeouts: z
    .strictObject({
      /** Whole request, upstream included (non-streaming). */
      requestMs: positiveInt.default(600_000),
      /** Time allowed to receive a request's headers (slowloris guard). */
      headersMs: positiveInt.default(30_000),
      /** Time allowed to receive a request's body once its headers are in (slow-body guard). */
      bodyMs: positiveInt.default(30_000),
      /** Idle keep-alive connections are closed after this. */
      keepAliveMs: positiveInt.default(65_000),
    })
    .default({ requestMs: 600_000, headersMs: 30_000, bodyMs: 30_000, keepAliveMs: 65_000 }),
  connections: z
    .strictObject({
      /**
       * Open client connections at most; more are closed at once. Keep it well under the process's file
       * descriptor limit (`ulimit -n`), which upstream sockets and the ledger share.
       */
      max: positiveInt.default(512),
      /** Requests served on one keep-alive connection before it is closed (0 = no limit). */
      maxRequestsPerSocket: z.int().min(0).default(1000),
    })
    .default({ max: 512, maxRequestsPerSocket: 1000 }),
  shutdown: z
    .strictObject({
      /** On SIGTERM, in-flight requests and streams get this long to finish. */
      drainMs: z.int().min(0).default(10_000),
    })
    .default({ drainMs: 10_000 }),
  /**
   * Coalescing: concurrent single-input requests for the same task, model (with revision), parameters and
   * headers wait up to `windowMs` for company and go upstream as one native batch; each caller still gets
   * its own answer and its own ledger row. Off unless set. Requests that may be served from the response
   * cache are not coalesced (a batch does not read it).
   */
  coalesce: z
    .strictObject({
      windowMs: z
        .int({ error: 'expected a whole number of ms' })
        .min(1)
        .max(1_000, 'expected a wait of at most 1000 ms'),
      /** Requests sent as one batch at most (the provider's own batch size still splits it). */
      maxBatchSize: positiveInt.max(256).default(32),
    })
    .optional(),
  /** Cross-origin access for browser apps; off unless set (see `corsConfigSchema`). */
  cors: corsConfigSchema.optional(),
  /**
   * Shared state for several gateway replicas. With `redis` (or the `REDIS_URL` env variable) set, key and
   * provider limits, budget reservations, breaker states, Retry-After cool-downs, key revocations and the
   * response cache live in Redis; without it everything stays in this process's memory.
   */
  state: z
    .strictObject({
      /** `redis://[user:password@]host:port[/db]` (or `rediss://`); the password is treated as a secret. */
      redis: z
        .string()
        .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL')
        .optional(),
      /** Prefix of every Redis key and channel the gateway uses (replicas that share state share it). */
      keyPrefix: z
        .string()
        .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits or _ . : -')
        .default('infermux'),
      /** Cached responses larger than this are not stored in Redis (the cache's `maxEntries` bounds the count). */
      cacheMaxEntryBytes: positiveInt.default(1024 * 1024),
      /**
       * When Redis cannot be reached mid-run, per concern: `local` (serve, enforcing the limit in this process's
       * memory only: with N replicas up to N times the limit) or `reject` (503 `gateway_state_unavailable`).
       * Breakers, cool-downs and the cache always fall back to this process (a cache miss, local breakers).
       */
      onUnavailable: z
        .strictObject({
          /** Requests and tokens per minute (keys and providers). */
          limits: z.enum(['local', 'reject'], { error: 'expected "local" or "reject"' }).default('local'),
          /** Budget reservations: money, so refusing is the default. */
          budgets: z.enum(['local', 'reject'], { error: 'expected "local" or "reject"' }).default('reject'),
        })
        .default({ limits: 'local', budgets: 'reject' }),
    })
    .default({
      keyPrefix: 'infermux',
      cacheMaxEntryBytes: 1024 * 1024,
      onUnavailable: { limits: 'local', budgets: 'reject' },
    }),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** One log line per request (the ledger already keeps one row per request). */
      requests: z.boolean().default(false),
    })
    .default({ level: 'info', requests: false }),
});

export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
export type CorsConfig = z.output<typeof corsConfigSchema>;
export type KeyLimits = z.output<typeof keyLimitsSchema>;
export type KeyBudget = z.output<typeof keyBudgetSchema>;
