// Errors
export { errorCodes, isErrorCode, type ErrorCode } from './errors/error-codes';
export { InfermuxError, type InfermuxErrorOptions } from './errors/infermux-error';
export { ValidationError, parseWith, formatPath, type ValidationIssue } from './errors/validation-error';
export { registerSecret, redactSecrets, redactHeaders, redactValue } from './errors/secret-redaction';

// Tasks
export { defineTask, type TaskDefinition, type TaskFlags } from './tasks/define-task';
export { taskRegistry, taskIds, isTaskId, getTask, type TaskId, type TaskMap, type TaskInput, type TaskOutput } from './tasks/task-registry';
export { binaryInputSchema, binaryDataSchema, type BinaryInput, type BinaryData } from './binary/binary-input';
export { resolveBinary, resolveBinaryFields, readBinary, toBase64, type ResolveBinaryOptions } from './binary/resolve-binary';
export { sniffContentType, contentTypeForExtension, extensionForContentType } from './binary/sniff-content-type';

// Models
export { parseModelRef, formatModelRef, isPinnedRevision, toModelRef, type ModelRef, type ModelId } from './model/model-ref';

// Providers
export type {
  ProviderV1,
  Provider,
  TaskCapabilities,
  ProviderCallOptions,
  ProviderRunResult,
  ProviderBatchResult,
  ProviderStreamResult,
  StreamPart,
  ToolCallDelta,
  JobState,
  JobStatus,
  JobCallOptions,
  RevisionPolicy,
} from './provider/provider';
export { ProviderRegistry } from './provider/provider-registry';
export { defineProviderFactory, type ProviderFactory } from './provider/provider-factory';
export { vouchForOutput } from './provider/vouched-output';
export type { WireFormat, ForwardCallOptions, ForwardChunk, ProviderForwardResult } from './provider/wire-forward';

// Results
export type { RunResult, ResolvedModel, Warning, Attempt, Timing, Cost } from './result/result-envelope';
export { addUsage, type Usage } from './result/usage';

// Transport
export { createHttpTransport, truncate, type Transport, type HttpRequest, type HttpResponse, type HttpMethod, type HttpTransportOptions } from './transport/http-transport';
export { defaultTimeouts, resolveTimeouts, type AttemptTimeouts, type Deadline, type Timeouts } from './transport/timeouts';
export { parseRetryAfter } from './transport/retry-after';
export { httpError, codeForStatus, type HttpErrorInput } from './transport/http-error';
export { createSseDecoder, parseSse, type SseDecoder, type SseEvent } from './transport/sse';

// Client
export {
  createClient,
  type Client,
  type ClientOptions,
  type RequestOptions,
  type StreamResult,
  type BatchOptions,
  type BatchItemResult,
  type TargetHealth,
  type ForwardRequest,
  type ForwardResponse,
  type ForwardResult,
} from './client/create-client';
export { createClientFromConfig } from './client/create-client-from-config';

// Routing and resilience
export type {
  InfermuxEvent,
  InfermuxEventType,
  InfermuxEventListener,
  RequestKind,
  AttemptStartEvent,
  AttemptEndEvent,
  RetryScheduledEvent,
  FailoverEvent,
  BreakerEvent,
  CacheEvent,
  RateLimitWaitEvent,
  RequestEndEvent,
} from './routing/routing-events';
export {
  routesConfigSchema,
  routeConfigSchema,
  routeTargetConfigSchema,
  pricesConfigSchema,
  priceSchema,
  limitsConfigSchema,
  providerLimitSchema,
  cacheConfigSchema,
  retryConfigSchema,
  breakerConfigSchema,
  hedgeConfigSchema,
  strategyNameSchema,
  type RouteConfig,
  type RouteTargetConfig,
  type PricesConfig,
  type PriceConfig,
  type LimitsConfig,
  type ProviderLimitConfig,
  type CacheConfig,
  type RetryConfig,
  type BreakerConfig,
  type HedgeConfig,
  type StrategyName,
} from './routing/routing-config';
export { PriceTable, priceUsage, type PriceEntry } from './routing/price-table';
export { MemoryRateLimitStorage, type RateLimitStorage } from './routing/rate-limiter';
export { MemoryCacheStorage, type CacheStorage } from './routing/response-cache';
export { fullJitterBackoff, defaultRetryPolicy, type RetryPolicy } from './routing/retry-policy';
export { defaultBreakerPolicy, type BreakerPolicy, type BreakerState } from './routing/circuit-breaker';

// Async jobs
export { waitForJob, type JobRef, type WaitForJobOptions } from './jobs/wait-for-job';
export { nextPollDelay, defaultPollTiming, type PollTiming } from './jobs/poll-delay';

// Config
export { configSchema, providerConfigSchema, revisionPolicySchema, timeoutsSchema, type InfermuxConfig, type ProviderConfig } from './config/config-schema';
export { loadConfig, parseConfig, findConfigFile, configFileNames, type LoadedConfig } from './config/load-config';
export { buildProviders, type BuildProvidersOptions } from './config/build-providers';
export { serverConfigSchema, keyLimitsSchema, keyBudgetSchema, configuredKeySchema, type ServerConfig, type ServerConfigInput, type KeyLimits, type KeyBudget } from './config/server-config-schema';
