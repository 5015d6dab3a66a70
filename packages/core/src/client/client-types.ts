import type { InfermuxError } from '../errors/infermux-error';
import type { ModelRef } from '../model/model-ref';
import type { JobStatus, ProviderV1, RevisionPolicy, StreamPart } from '../provider/provider';
import type { ProviderRegistry } from '../provider/provider-registry';
import type { WireFormat } from '../provider/wire-forward';
import type { ResolvedModel, RunResult } from '../result/result-envelope';
import type { PriceTable } from '../routing/price-table';
import type { RateLimitStorage } from '../routing/rate-limiter';
import type { CacheStorage } from '../routing/response-cache';
import type {
  BreakerConfig,
  CacheConfig,
  LimitsConfig,
  PricesConfig,
  RetryConfig,
  RouteConfig,
} from '../routing/routing-config';
import type { InfermuxEventListener, InfermuxEventType } from '../routing/routing-events';
import type { TargetStateSync } from '../routing/target-state-sync';
import type { TaskId, TaskInput } from '../tasks/task-registry';
import type { Transport } from '../transport/http-transport';
import type { Timeouts } from '../transport/timeouts';

export interface ClientOptions {
  providers: Iterable<ProviderV1> | ProviderRegistry;
  /** Provider used when the model reference names none. Defaults to the first registered. */
  defaultProvider?: string;
  /** Read file paths given as binary inputs (CLI, server). Off for library use. */
  allowFilePaths?: boolean;
  revisionPolicy?: RevisionPolicy;
  timeouts?: Partial<Timeouts>;
  /** Used to download http(s) binary inputs. */
  transport?: Transport;
  /** Public model names (aliases) mapped to targets and a strategy. */
  routes?: Record<string, RouteConfig>;
  /** Versioned price table; every result then carries its cost. */
  prices?: PricesConfig;
  /** Token buckets per provider. */
  limits?: LimitsConfig;
  /** Response cache for deterministic tasks; off unless given (`true` for the defaults). */
  cache?: CacheConfig | boolean;
  /** Client-wide retry policy; a route's own `retry` overrides it. */
  retry?: RetryConfig;
  /** Circuit breakers per (provider, model): on by default. */
  breaker?: BreakerConfig;
  /** Where cached responses live (default: in memory, LRU). */
  cacheStorage?: CacheStorage<RunResult>;
  /** Where rate-limit buckets live (default: in memory). */
  rateLimitStorage?: RateLimitStorage;
  /** Shares breaker transitions and Retry-After cool-downs between processes (default: none). */
  targetStateSync?: TargetStateSync;
  /** Coalesce concurrent `run` calls of batchable tasks for the same model into one batch call. */
  microBatch?: { windowMs: number; maxBatchSize?: number };
  /** Listener for every routing event (same as `client.on`). */
  onEvent?: InfermuxEventListener;
  /** Uniform random source in [0, 1) for jitter and load balancing; inject for deterministic tests. */
  random?: () => number;
}

export interface RequestOptions<T extends TaskId> {
  /** A configured route alias, or `[provider:]org/name[@revision][:variant]`, or a parsed reference. */
  model: string | ModelRef;
  input: TaskInput<T>;
  /** Overrides the provider prefix of `model` (and bypasses route aliases). */
  provider?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  timeouts?: Partial<Timeouts>;
  revisionPolicy?: RevisionPolicy;
  /** Set `false` to skip the response cache for this call. */
  cache?: boolean;
  /**
   * Your own id for this call (a gateway's request id, a trace id): routing events carry it instead of
   * a generated one, so they join your logs. 1–128 characters.
   */
  requestId?: string;
  /**
   * This call's own provider credentials, by provider name (a gateway passing on its caller's token): used
   * instead of the providers' configured keys. The call then runs only on targets of those providers, and
   * never through the response cache (the answer belongs to that credential).
   */
  credentials?: Readonly<Record<string, string>>;
}

/** A submitted job, to poll or cancel; `credentials` as on the request that submitted it. */
export interface JobReference {
  provider: string;
  jobId: string;
  signal?: AbortSignal;
  credentials?: Readonly<Record<string, string>>;
}

export interface BatchOptions<T extends TaskId> extends Omit<RequestOptions<T>, 'input' | 'requestId'> {
  inputs: Array<TaskInput<T>>;
  /** Upstream calls in flight at once (default 4). */
  concurrency?: number;
}

export type BatchItemResult<T extends TaskId> =
  | { index: number; result: RunResult<T> }
  | { index: number; error: InfermuxError };

export interface StreamResult<T extends TaskId> extends AsyncIterable<StreamPart> {
  /** Only the text deltas; throws if the stream breaks after content was sent. */
  readonly textStream: AsyncIterable<string>;
  /** The whole result, once the stream has been consumed. Rejects if the stream broke. */
  readonly result: Promise<RunResult<T>>;
}

export interface ForwardRequest<T extends TaskId> extends RequestOptions<T> {
  /** The wire format to answer in, verbatim from the upstream. */
  wire: WireFormat;
  stream?: boolean;
}

/** A run's envelope without `output`: the answer itself is the forwarded body. */
export type ForwardResult<T extends TaskId> = Omit<RunResult<T>, 'output'>;

export interface ForwardResponse<T extends TaskId> {
  contentType: string;
  /**
   * The upstream's answer as it sent it: the whole body, or a stream's bytes whose start has
   * already arrived (failures before it failed over). A stream that breaks later throws from its iterator.
   */
  body: Uint8Array | AsyncIterable<Uint8Array>;
  provider: string;
  model: ResolvedModel;
  /** Usage, cost, attempts and timing; settles once the body has been delivered (rejects if a stream broke). */
  result: Promise<ForwardResult<T>>;
}

export interface TargetHealth {
  provider: string;
  model: string;
  breaker: 'closed' | 'open' | 'half-open';
  outstanding: number;
  ewmaMs?: number;
  coolingUntil?: number;
}

export interface Client {
  readonly providers: ProviderRegistry;
  run<T extends TaskId>(task: T, request: RequestOptions<T>): Promise<RunResult<T>>;
  stream<T extends TaskId>(task: T, request: RequestOptions<T>): StreamResult<T>;
  /** Starts an async job (image/video generation) and returns its first status. Never resubmitted unless the provider takes an idempotency key. */
  submit<T extends TaskId>(task: T, request: RequestOptions<T>): Promise<JobStatus<T> & { provider: string }>;
  /** Job status; transient failures are retried (polling is idempotent). */
  getJob<T extends TaskId>(task: T, job: JobReference): Promise<JobStatus<T>>;
  cancelJob<T extends TaskId>(task: T, job: JobReference): Promise<JobStatus<T>>;
  /** The prices calls are costed with (configuration, providers' catalogues, shipped tables): `infermux prices` reads it. */
  readonly prices: PriceTable;
  /** Many inputs: split to the provider's batch size, bounded concurrency, per-item results in input order. */
  batch<T extends TaskId>(task: T, options: BatchOptions<T>): Promise<Array<BatchItemResult<T>>>;
  /**
   * Runs `task` like `run`/`stream` (validation, routing, retries, failover, limits, prices, events)
   * but answers with the upstream's own bytes in `request.wire`: for gateways whose callers speak
   * the upstream's format. Never served from the response cache.
   */
  forward<T extends TaskId>(task: T, request: ForwardRequest<T>): Promise<ForwardResponse<T>>;
  /** Whether every target `model` routes to can `forward` `task` in `wire` (otherwise use run/stream). */
  canForward(task: TaskId, request: { model: string | ModelRef; provider?: string; wire: WireFormat }): boolean;
  /**
   * Subscribes to routing events, or only to those of `types` (the others are then not even built when
   * nobody else listens); returns the unsubscribe function.
   */
  on(listener: InfermuxEventListener, types?: readonly InfermuxEventType[]): () => void;
  /** Breaker state, in-flight count and latency per target seen so far (for /metrics). */
  health(): { targets: TargetHealth[] };
}
