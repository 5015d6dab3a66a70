import { resolveBinaryFields } from '../binary/resolve-binary';
import { InfermuxError } from '../errors/infermux-error';
import { parseWith } from '../errors/validation-error';
import { type ModelRef, formatModelRef, isPinnedRevision, toModelRef } from '../model/model-ref';
import type { JobStatus, ProviderV1, RevisionPolicy, StreamPart } from '../provider/provider';
import { ProviderRegistry } from '../provider/provider-registry';
import type { Attempt, RunResult, Warning } from '../result/result-envelope';
import { addUsage, type Usage } from '../result/usage';
import { getTask, type TaskId, type TaskInput, type TaskOutput } from '../tasks/task-registry';
import { createHttpTransport, type Transport } from '../transport/http-transport';
import type { Timeouts } from '../transport/timeouts';
import { collectStream } from './collect-stream';

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
}

export interface RequestOptions<T extends TaskId> {
  /** `[provider:]org/name[@revision][:variant]` or a parsed reference. */
  model: string | ModelRef;
  input: TaskInput<T>;
  /** Overrides the provider prefix of `model`. */
  provider?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  timeouts?: Partial<Timeouts>;
  revisionPolicy?: RevisionPolicy;
}

export interface StreamResult<T extends TaskId> extends AsyncIterable<StreamPart> {
  /** Only the text deltas. */
  readonly textStream: AsyncIterable<string>;
  /** The whole result, once the stream has been consumed. */
  readonly result: Promise<RunResult<T>>;
}

export interface Client {
  readonly providers: ProviderRegistry;
  run<T extends TaskId>(task: T, request: RequestOptions<T>): Promise<RunResult<T>>;
  stream<T extends TaskId>(task: T, request: RequestOptions<T>): StreamResult<T>;
  /** Starts an async job (image/video generation) and returns its first status. */
  submit<T extends TaskId>(task: T, request: RequestOptions<T>): Promise<JobStatus<T> & { provider: string }>;
  getJob<T extends TaskId>(task: T, job: { provider: string; jobId: string; signal?: AbortSignal }): Promise<JobStatus<T>>;
  cancelJob<T extends TaskId>(task: T, job: { provider: string; jobId: string; signal?: AbortSignal }): Promise<JobStatus<T>>;
}

interface PreparedCall<T extends TaskId> {
  provider: ProviderV1;
  model: ModelRef;
  input: TaskInput<T>;
  revisionPolicy: RevisionPolicy;
}

export function createClient(options: ClientOptions): Client {
  const registry = options.providers instanceof ProviderRegistry ? options.providers : new ProviderRegistry(options.providers);
  const transport = options.transport ?? createHttpTransport();

  const pickProvider = (task: TaskId, model: ModelRef, override?: string): ProviderV1 => {
    const name = override ?? model.provider ?? options.defaultProvider ?? registry.forTask(task)[0]?.name;
    if (!name) {
      throw new InfermuxError({ code: 'caller_unsupported', message: `No configured provider serves task "${task}"`, details: { task } });
    }
    const provider = registry.get(name);
    if (!provider.tasks[task]) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `Provider "${name}" does not serve task "${task}". Providers that do: ${registry.forTask(task).map((item) => item.name).join(', ') || '(none)'}.`,
        provider: name,
        details: { task },
      });
    }
    return provider;
  };

  async function prepare<T extends TaskId>(task: T, request: RequestOptions<T>): Promise<PreparedCall<T>> {
    const definition = getTask(task);
    if (request === null || typeof request !== 'object') {
      throw new InfermuxError({ code: 'caller_invalid_input', message: 'Expected a request object { model, input }' });
    }
    const model = toModelRef(request.model);
    const revisionPolicy = request.revisionPolicy ?? options.revisionPolicy ?? 'warn';
    if (revisionPolicy === 'pinned-only' && !isPinnedRevision(model.revision)) {
      throw new InfermuxError({
        code: 'policy_revision_unpinned',
        message: `The revision policy is "pinned-only", but "${formatModelRef(model)}" does not name a full commit sha. Use org/name@<40-hex commit>.`,
        details: { model: formatModelRef(model) },
      });
    }
    const provider = pickProvider(task, model, request.provider);
    const parsed = parseWith(definition.input, request.input, `input for task "${task}"`) as TaskInput<T>;
    const input = await resolveBinaryFields(parsed, definition.binaryInputs, {
      allowFilePaths: options.allowFilePaths,
      transport,
      signal: request.signal,
    });
    return { provider, model, input, revisionPolicy };
  }

  function validateOutput<T extends TaskId>(task: T, output: unknown, provider: string): TaskOutput<T> {
    return parseWith(getTask(task).output, output, `response from provider "${provider}" for task "${task}"`, {
      provider,
      code: 'provider_bad_response',
    }) as TaskOutput<T>;
  }

  function unsupported(provider: ProviderV1, what: string, task: TaskId): InfermuxError {
    return new InfermuxError({
      code: 'caller_unsupported',
      message: `Provider "${provider.name}" cannot ${what} for task "${task}"`,
      provider: provider.name,
      details: { task },
    });
  }

  async function resolveModel(call: PreparedCall<TaskId>, task: TaskId, signal?: AbortSignal) {
    if (!call.provider.resolveModel) return undefined;
    return call.provider.resolveModel({ task, model: call.model, signal, revisionPolicy: call.revisionPolicy });
  }

  return {
    providers: registry,

    async run(task, request) {
      const startedAt = Date.now();
      const call = await prepare(task, request);
      const resolved = await resolveModel(call, task, request.signal);
      if (!call.provider.doRun) throw unsupported(call.provider, 'run', task);
      const attemptStart = Date.now();
      let result;
      try {
        result = await call.provider.doRun({
          task,
          model: resolved?.revision ? { ...call.model, revision: resolved.revision } : call.model,
          input: call.input,
          signal: request.signal,
          headers: request.headers,
          timeouts: { ...options.timeouts, ...request.timeouts },
          revisionPolicy: call.revisionPolicy,
        });
      } catch (error) {
        throw InfermuxError.from(error, { code: 'gateway_internal', provider: call.provider.name });
      }
      const output = validateOutput(task, result.output, call.provider.name);
      const finishedAt = Date.now();
      const attempts: Attempt[] = [
        { provider: call.provider.name, model: formatModelRef(call.model, { provider: false }), startedAt: attemptStart, durationMs: finishedAt - attemptStart },
      ];
      return {
        task,
        output,
        usage: result.usage ?? {},
        warnings: [...(resolved?.warnings ?? []), ...(result.warnings ?? [])],
        provider: call.provider.name,
        model: result.model ?? resolved ?? { id: call.model.id, revision: call.model.revision, pinned: false },
        requestId: result.requestId,
        timing: { startedAt, durationMs: finishedAt - startedAt, firstByteMs: result.firstByteMs },
        attempts,
      };
    },

    stream(task, request) {
      let resolveResult!: (value: RunResult<typeof task>) => void;
      let rejectResult!: (error: unknown) => void;
      const result = new Promise<RunResult<typeof task>>((resolve, reject) => {
        resolveResult = resolve;
        rejectResult = reject;
      });
      result.catch(() => undefined); // consumers that only iterate must not see an unhandled rejection
      const startedAt = Date.now();

      async function* parts(): AsyncGenerator<StreamPart> {
        try {
          const call = await prepare(task, request);
          if (!call.provider.doStream) throw unsupported(call.provider, 'stream', task);
          const resolved = await resolveModel(call, task, request.signal);
          const streamed = await call.provider.doStream({
            task,
            model: resolved?.revision ? { ...call.model, revision: resolved.revision } : call.model,
            input: call.input,
            signal: request.signal,
            headers: request.headers,
            timeouts: { ...options.timeouts, ...request.timeouts },
            revisionPolicy: call.revisionPolicy,
          });
          const seen: StreamPart[] = [];
          let usage: Usage = {};
          for await (const part of streamed.stream) {
            if (part.type === 'usage') usage = addUsage(usage, part.usage);
            seen.push(part);
            yield part;
            if (part.type === 'error') throw part.error;
          }
          const output = validateOutput(task, collectStream(task, seen, { model: call.model.id }), call.provider.name);
          const finishedAt = Date.now();
          resolveResult({
            task,
            output,
            usage,
            warnings: [...(resolved?.warnings ?? []), ...(streamed.warnings ?? [])] as Warning[],
            provider: call.provider.name,
            model: streamed.model ?? resolved ?? { id: call.model.id, revision: call.model.revision, pinned: false },
            requestId: streamed.requestId,
            timing: { startedAt, durationMs: finishedAt - startedAt, firstByteMs: streamed.firstByteMs },
            attempts: [{ provider: call.provider.name, model: formatModelRef(call.model, { provider: false }), startedAt, durationMs: finishedAt - startedAt }],
          });
        } catch (error) {
          const wrapped = InfermuxError.from(error, { code: 'gateway_internal' });
          rejectResult(wrapped);
          throw wrapped;
        }
      }

      const iterable = parts();
      return {
        [Symbol.asyncIterator]: () => iterable,
        textStream: (async function* () {
          for await (const part of iterable) if (part.type === 'text-delta') yield part.text;
        })(),
        result,
      };
    },

    async submit(task, request) {
      const call = await prepare(task, request);
      if (!call.provider.doStart) throw unsupported(call.provider, 'start async jobs', task);
      const status = await call.provider.doStart({
        task,
        model: call.model,
        input: call.input,
        signal: request.signal,
        headers: request.headers,
        timeouts: { ...options.timeouts, ...request.timeouts },
        revisionPolicy: call.revisionPolicy,
      });
      return { ...status, provider: call.provider.name };
    },

    async getJob(task, job) {
      const provider = registry.get(job.provider);
      if (!provider.doStatus) throw unsupported(provider, 'report job status', task);
      const status = await provider.doStatus({ task, jobId: job.jobId, signal: job.signal });
      if (status.state === 'succeeded' && status.output !== undefined) status.output = validateOutput(task, status.output, provider.name);
      return status;
    },

    async cancelJob(task, job) {
      const provider = registry.get(job.provider);
      if (!provider.doCancel) throw unsupported(provider, 'cancel jobs', task);
      return provider.doCancel({ task, jobId: job.jobId, signal: job.signal });
    },
  };
}
