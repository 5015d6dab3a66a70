import type { InfermuxError } from '../errors/infermux-error';
import type { ModelRef } from '../model/model-ref';
import type { ProviderCredentials } from '../provider-utils/load-api-key';
import type { Cost, ResolvedModel, StreamRecovery, Warning } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import type { TaskId, TaskInput, TaskOutput } from '../tasks/task-registry';
import type { AttemptTimeouts, Timeouts } from '../transport/timeouts';
import type { ProviderPricing } from './provider-pricing';
import type { ForwardCallOptions, ProviderForwardResult, WireFormat } from './wire-forward';

/** What a provider can do for one task. */
export interface TaskCapabilities {
  streaming?: boolean;
  /** Largest number of inputs `doBatch` takes in one upstream call. */
  maxBatchSize?: number;
  async?: boolean;
  /** Submissions can be safely repeated (the upstream takes an idempotency key). */
  idempotentSubmit?: boolean;
  /**
   * A submitted job can be canceled upstream (`doCancel` really cancels). Absent: it cannot, so
   * callers such as the CLI never offer it (EvoLink's `doCancel` only explains why not).
   */
  cancelable?: boolean;
  /** Wire formats `doForward` can answer this task in, verbatim from the upstream. */
  wire?: readonly WireFormat[];
  /**
   * Streams: the upstream continues an answer given as a last assistant message (or the prompt,
   * for text-generation) instead of starting a new one; stream recovery's `continue` relies on it.
   */
  prefill?: boolean;
}

export interface ProviderCallOptions<T extends TaskId = TaskId> {
  task: T;
  model: ModelRef;
  /** Already validated against the task's input schema; binary inputs resolved to bytes. */
  input: TaskInput<T>;
  signal?: AbortSignal;
  /** Extra headers for the upstream (never credentials: those go in `apiKey`). */
  headers?: Record<string, string>;
  /**
   * This call's own key (a caller's token a gateway passes on), sent instead of the provider's configured
   * one. Never logged, cached or stored.
   */
  apiKey?: string;
  /**
   * Pass on to core's transport as they are (spread, not picked): when routed they carry the
   * route's `deadline`, which ends the attempt.
   */
  timeouts?: AttemptTimeouts;
  revisionPolicy?: RevisionPolicy;
}

/**
 * What to do when a model reference names a revision:
 * - `warn` (default): resolve it; if the upstream cannot serve exactly that revision, say so in `warnings`.
 * - `strict`: if the upstream cannot serve exactly that revision, fail with `policy_revision_unavailable`.
 * - `pinned-only`: like `strict`, and refuse references that are not a full commit sha.
 */
export type RevisionPolicy = 'warn' | 'strict' | 'pinned-only';

export interface ProviderRunResult<T extends TaskId = TaskId> {
  /**
   * Mapped into the task's output shape. Core validates it against the task's output schema, unless
   * the adapter built it with its own mapping and said so with `vouchForOutput` (see there).
   */
  output: TaskOutput<T>;
  usage?: Usage;
  warnings?: Warning[];
  model?: ResolvedModel;
  requestId?: string;
  /** ms to first response byte. */
  firstByteMs?: number;
}

export interface ProviderBatchResult<T extends TaskId = TaskId> {
  /** One per input, same order. */
  outputs: Array<TaskOutput<T>>;
  usage?: Usage;
  warnings?: Warning[];
  model?: ResolvedModel;
  requestId?: string;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** Normalised stream events; every streaming task speaks these. */
export type StreamPart =
  | { type: 'response-metadata'; id?: string; model?: string; created?: number; requestId?: string }
  | {
      type: 'text-delta';
      text: string;
      choice?: number;
      role?: string;
      token?: { id?: number; logprob?: number; special?: boolean };
    }
  | { type: 'tool-call-delta'; choice?: number; toolCall: ToolCallDelta }
  | {
      type: 'finish';
      finishReason: string;
      choice?: number;
      generatedText?: string;
      /** Set by core when the stream broke and another target finished the answer (route `streamRecovery`). */
      recovered?: StreamRecovery;
    }
  | { type: 'usage'; usage: Usage }
  /** An error after content has been sent: the stream is truncated and must say so. */
  | { type: 'error'; error: InfermuxError };

export interface ProviderStreamResult {
  stream: AsyncIterable<StreamPart>;
  model?: ResolvedModel;
  requestId?: string;
  warnings?: Warning[];
  firstByteMs?: number;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface JobStatus<T extends TaskId = TaskId> {
  jobId: string;
  task: T;
  state: JobState;
  /** 0–100 when the upstream reports it. */
  progress?: number;
  /** Present when `state === 'succeeded'`. */
  output?: TaskOutput<T>;
  /** Present when `state === 'failed'`. */
  error?: InfermuxError;
  /** Seconds the upstream expects the job still needs. */
  estimatedSecondsRemaining?: number;
  usage?: Usage;
  /**
   * Set by core from `usage`: at submission a quote (`basis: 'quote'`, the credits held), at completion the
   * final charge when the provider reports it; null when nothing prices it (a failed job whose refund the
   * provider does not document stays unknown).
   */
  cost?: Cost | null;
  /** Unix ms after which result URLs stop working. */
  expiresAt?: number;
  model?: ResolvedModel;
  requestId?: string;
}

export interface JobCallOptions<T extends TaskId = TaskId> {
  task: T;
  jobId: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** As on `ProviderCallOptions`: the key of the call that submitted the job. */
  apiKey?: string;
  timeouts?: Partial<Timeouts>;
}

/**
 * The provider interface, version 1. Small on purpose: the user-facing client wraps
 * these `do*` methods with validation, routing, retries, polling, caching and usage.
 * Providers map one request to one upstream call and back; they never retry or sleep.
 */
export interface ProviderV1 {
  readonly specificationVersion: 'v1';
  /** Registry name, e.g. `hf`, `evolink`. */
  readonly name: string;
  /** Which tasks it serves, with what abilities. */
  readonly tasks: Readonly<Partial<Record<TaskId, TaskCapabilities>>>;
  /** Its live price catalogue and shipped price table, when it has them (core prices calls from them). */
  readonly pricing?: ProviderPricing;
  /** Whether its calls have the key they need (`apiKeyStatus`), for start-up warnings and readiness. */
  credentials?(): ProviderCredentials;

  doRun?<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderRunResult<T>>;
  doBatch?<T extends TaskId>(
    options: Omit<ProviderCallOptions<T>, 'input'> & { inputs: Array<TaskInput<T>> },
  ): Promise<ProviderBatchResult<T>>;
  doStream?<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderStreamResult>;
  doStart?<T extends TaskId>(options: ProviderCallOptions<T>): Promise<JobStatus<T>>;
  doStatus?<T extends TaskId>(options: JobCallOptions<T>): Promise<JobStatus<T>>;
  doCancel?<T extends TaskId>(options: JobCallOptions<T>): Promise<JobStatus<T>>;
  /** Like doRun/doStream, but answers with the upstream's own bytes in `options.wire` (see `TaskCapabilities.wire`). */
  doForward?<T extends TaskId>(options: ForwardCallOptions<T>): Promise<ProviderForwardResult>;
  /** Optional: the models the upstream lists (an OpenAI-style `GET /v1/models`); apps show it, core never needs it. */
  listModels?(options?: { signal?: AbortSignal }): Promise<ProviderModel[]>;
  /** Optional: resolve `model@revision` to an exact commit before the call (HF Hub). */
  resolveModel?(options: {
    task?: TaskId;
    model: ModelRef;
    signal?: AbortSignal;
    revisionPolicy?: RevisionPolicy;
    /** When routed: the route's `deadline`, to pass on to core's transport like a call's `timeouts`. */
    timeouts?: AttemptTimeouts;
  }): Promise<ResolvedModel & { warnings?: Warning[] }>;
}

/** One entry of a provider's model catalogue (`listModels`). */
export interface ProviderModel {
  /** The model id as the provider names it (without the provider prefix). */
  id: string;
  /** Unix seconds, when the upstream says. */
  created?: number;
  ownedBy?: string;
}

export type Provider = ProviderV1;
