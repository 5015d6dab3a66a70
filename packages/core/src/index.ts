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

// Results
export type { RunResult, ResolvedModel, Warning, Attempt, Timing, Cost } from './result/result-envelope';
export { addUsage, type Usage } from './result/usage';

// Transport
export { createHttpTransport, truncate, type Transport, type HttpRequest, type HttpResponse, type HttpMethod, type HttpTransportOptions } from './transport/http-transport';
export { defaultTimeouts, resolveTimeouts, type Timeouts } from './transport/timeouts';
export { parseRetryAfter } from './transport/retry-after';
export { httpError, codeForStatus, type HttpErrorInput } from './transport/http-error';
export { parseSse, type SseEvent } from './transport/sse';

// Client
export { createClient, type Client, type ClientOptions, type RequestOptions, type StreamResult } from './client/create-client';

// Async jobs
export { waitForJob, type JobRef, type WaitForJobOptions } from './jobs/wait-for-job';
export { nextPollDelay, defaultPollTiming, type PollTiming } from './jobs/poll-delay';

// Config
export { configSchema, providerConfigSchema, revisionPolicySchema, timeoutsSchema, type InfermuxConfig, type ProviderConfig } from './config/config-schema';
export { loadConfig, parseConfig, findConfigFile, configFileNames, type LoadedConfig } from './config/load-config';
export { buildProviders, type BuildProvidersOptions } from './config/build-providers';
export { serverConfigSchema, keyLimitsSchema, keyBudgetSchema, configuredKeySchema, type ServerConfig, type ServerConfigInput, type KeyLimits, type KeyBudget } from './config/server-config-schema';
