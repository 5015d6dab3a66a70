// Errors

export { type BinaryData, type BinaryInput, binaryDataSchema, binaryInputSchema } from './binary/binary-input';
export {
  type ResolveBinaryOptions,
  readBinary,
  resolveBinary,
  resolveBinaryFields,
  toBase64,
} from './binary/resolve-binary';
export { contentTypeForExtension, extensionForContentType, sniffContentType } from './binary/sniff-content-type';
export { batchOptionsKey } from './client/batch-route';
// Client
export {
  type BatchItemResult,
  type BatchOptions,
  type Client,
  type ClientOptions,
  createClient,
  type ForwardRequest,
  type ForwardResponse,
  type ForwardResult,
  type JobReference,
  type RequestOptions,
  type StreamResult,
  type TargetHealth,
} from './client/create-client';
export { createClientFromConfig } from './client/create-client-from-config';
export { type BuildProvidersOptions, buildProviders } from './config/build-providers';
// Config
export {
  configSchema,
  type InfermuxConfig,
  type ProviderConfig,
  providerConfigSchema,
  revisionPolicySchema,
  timeoutsSchema,
} from './config/config-schema';
export {
  DATABASE_URL_ENV,
  defaultLedgerPath,
  describeLedgerLocation,
  LEDGER_PATH_ENV,
  LEGACY_LEDGER_PATH,
  type LedgerLocation,
  type PostgresLedgerLocation,
  resolveLedgerLocation,
  resolvePostgresLedger,
} from './config/ledger-location';
export { configFileNames, findConfigFile, type LoadedConfig, loadConfig, parseConfig } from './config/load-config';
export {
  type CorsConfig,
  configuredKeySchema,
  corsConfigSchema,
  type KeyBudget,
  type KeyLimits,
  keyBudgetSchema,
  keyLimitsSchema,
  type ServerConfig,
  type ServerConfigInput,
  serverConfigSchema,
} from './config/server-config-schema';
export { type ErrorCode, errorCodes, isErrorCode } from './errors/error-codes';
export { InfermuxError, type InfermuxErrorOptions } from './errors/infermux-error';
export { redactHeaders, redactSecrets, redactValue, registerSecret } from './errors/secret-redaction';
export { isUnsupportedOperation, type ProviderOperation } from './errors/unsupported-operation';
export { formatPath, parseWith, ValidationError, type ValidationIssue } from './errors/validation-error';
export { defaultPollTiming, nextPollDelay, type PollTiming } from './jobs/poll-delay';
// Async jobs
export { type JobRef, type WaitForJobOptions, waitForJob } from './jobs/wait-for-job';
// Models
export {
  formatModelRef,
  isPinnedRevision,
  MAX_MODEL_REF_LENGTH,
  type ModelId,
  type ModelRef,
  modelIdPath,
  parseModelRef,
  toModelRef,
} from './model/model-ref';
// Providers
export type {
  JobCallOptions,
  JobState,
  JobStatus,
  Provider,
  ProviderBatchResult,
  ProviderCallOptions,
  ProviderModel,
  ProviderRunResult,
  ProviderStreamResult,
  ProviderV1,
  RevisionPolicy,
  StreamPart,
  TaskCapabilities,
  ToolCallDelta,
} from './provider/provider';
export { defineProviderFactory, type ProviderFactory, providerSettingsFromEnv } from './provider/provider-factory';
export {
  type CataloguePrice,
  type DefaultPriceEntry,
  type DefaultPriceTable,
  findDefaultPrice,
  type PriceCatalogue,
  type ProviderPricing,
} from './provider/provider-pricing';
export { ProviderRegistry } from './provider/provider-registry';
export { vouchForOutput } from './provider/vouched-output';
export type { ForwardCallOptions, ForwardChunk, ProviderForwardResult, WireFormat } from './provider/wire-forward';
export type { ProviderCredentials } from './provider-utils/load-api-key';
// Results
export type {
  Attempt,
  Cost,
  PriceSource,
  RecoveryStrategy,
  ResolvedModel,
  RunResult,
  StreamRecovery,
  Timing,
  Warning,
} from './result/result-envelope';
export { addUsage, type Usage } from './result/usage';
export { CachedPriceCatalogue, type CachedPriceCatalogueOptions } from './routing/cached-price-catalogue';
export { type BreakerPolicy, type BreakerState, defaultBreakerPolicy } from './routing/circuit-breaker';
export { MicroBatcher, type MicroBatcherOptions } from './routing/micro-batcher';
export { costUnknownWarning, type PriceEntry, PriceTable, priceUsage, type SourcedPrice } from './routing/price-table';
export { MemoryRateLimitStorage, type RateLimitStorage } from './routing/rate-limiter';
export { type CacheStorage, MemoryCacheStorage } from './routing/response-cache';
export { defaultRetryPolicy, fullJitterBackoff, type RetryPolicy } from './routing/retry-policy';
export {
  type BreakerConfig,
  breakerConfigSchema,
  type CacheConfig,
  cacheConfigSchema,
  type HedgeConfig,
  hedgeConfigSchema,
  type LimitsConfig,
  limitsConfigSchema,
  type PriceConfig,
  type PricesConfig,
  type ProviderLimitConfig,
  priceSchema,
  pricesConfigSchema,
  providerLimitSchema,
  type RetryConfig,
  type RetryOrder,
  type RouteConfig,
  type RouteTargetConfig,
  retryConfigSchema,
  retryOrderSchema,
  routeConfigSchema,
  routesConfigSchema,
  routeTargetConfigSchema,
  type StrategyName,
  type StreamRecoveryConfig,
  strategyNameSchema,
  streamRecoverySchema,
} from './routing/routing-config';
// Routing and resilience
export type {
  AttemptEndEvent,
  AttemptStartEvent,
  BreakerEvent,
  CacheEvent,
  FailoverEvent,
  InfermuxEvent,
  InfermuxEventListener,
  InfermuxEventType,
  RateLimitWaitEvent,
  RequestEndEvent,
  RequestKind,
  RetryScheduledEvent,
} from './routing/routing-events';
export type { TargetStateChange, TargetStateSync } from './routing/target-state-sync';
// Tasks
export { defineTask, type TaskDefinition, type TaskFlags } from './tasks/define-task';
export {
  getTask,
  isTaskId,
  type TaskId,
  type TaskInput,
  type TaskMap,
  type TaskOutput,
  taskIds,
  taskRegistry,
} from './tasks/task-registry';
export { codeForStatus, type HttpErrorInput, httpError } from './transport/http-error';
// Transport
export {
  createHttpTransport,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type HttpTransportOptions,
  type Transport,
  truncate,
} from './transport/http-transport';
export { parseRetryAfter } from './transport/retry-after';
export { createSseDecoder, parseSse, type SseDecoder, type SseEvent } from './transport/sse';
export {
  type AttemptTimeouts,
  type Deadline,
  defaultTimeouts,
  resolveTimeouts,
  type Timeouts,
} from './transport/timeouts';
