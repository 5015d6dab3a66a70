import { resolveBinaryFields } from '../binary/resolve-binary';
import { InfermuxError } from '../errors/infermux-error';
import { parseWith } from '../errors/validation-error';
import { type ModelRef, formatModelRef, isPinnedRevision, toModelRef } from '../model/model-ref';
import type { JobStatus, ProviderV1, RevisionPolicy, StreamPart } from '../provider/provider';
import { ProviderRegistry } from '../provider/provider-registry';
import type { Attempt, Cost, ResolvedModel, RunResult, Warning } from '../result/result-envelope';
import { addUsage, type Usage } from '../result/usage';
import { chunk, mapWithConcurrency } from '../routing/batching';
import { cacheKey } from '../routing/cache-key';
import { resolveBreakerPolicy } from '../routing/circuit-breaker';
import { MicroBatcher } from '../routing/micro-batcher';
import { PriceTable } from '../routing/price-table';
import { RateLimiter, type RateLimitStorage } from '../routing/rate-limiter';
import { type CacheStorage, MemoryCacheStorage, resolveCachePolicy } from '../routing/response-cache';
import { classifyFailure, resolveRetryPolicy } from '../routing/retry-policy';
import { type Route, type RouteTarget, isPinnedRoute, makeTarget, routeFromConfig } from '../routing/route';
import { Router } from '../routing/router';
import {
  type BreakerConfig,
  type CacheConfig,
  type LimitsConfig,
  type PricesConfig,
  type RetryConfig,
  type RouteConfig,
  routingSectionsSchema,
} from '../routing/routing-config';
import { EventHub, type InfermuxEventListener, type RequestKind } from '../routing/routing-events';
import { readUntilContent } from '../routing/stream-failover';
import { withRetries } from '../routing/with-retries';
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
}

export interface BatchOptions<T extends TaskId> extends Omit<RequestOptions<T>, 'input'> {
  inputs: Array<TaskInput<T>>;
  /** Upstream calls in flight at once (default 4). */
  concurrency?: number;
}

export type BatchItemResult<T extends TaskId> = { index: number; result: RunResult<T> } | { index: number; error: InfermuxError };

export interface StreamResult<T extends TaskId> extends AsyncIterable<StreamPart> {
  /** Only the text deltas; throws if the stream breaks after content was sent. */
  readonly textStream: AsyncIterable<string>;
  /** The whole result, once the stream has been consumed. Rejects if the stream broke. */
  readonly result: Promise<RunResult<T>>;
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
  getJob<T extends TaskId>(task: T, job: { provider: string; jobId: string; signal?: AbortSignal }): Promise<JobStatus<T>>;
  cancelJob<T extends TaskId>(task: T, job: { provider: string; jobId: string; signal?: AbortSignal }): Promise<JobStatus<T>>;
  /** Many inputs: split to the provider's batch size, bounded concurrency, per-item results in input order. */
  batch<T extends TaskId>(task: T, options: BatchOptions<T>): Promise<Array<BatchItemResult<T>>>;
  /** Subscribes to routing events; returns the unsubscribe function. */
  on(listener: InfermuxEventListener): () => void;
  /** Breaker state, in-flight count and latency per target seen so far (for /metrics). */
  health(): { targets: TargetHealth[] };
}

interface CallContext {
  requestId: string;
  kind: RequestKind;
  startedAt: number;
  attempts: Attempt[];
}

interface RunOutcome<T extends TaskId> {
  result: RunResult<T>;
}

const DEFAULT_BATCH_CONCURRENCY = 4;

export function createClient(options: ClientOptions): Client {
  const registry = options.providers instanceof ProviderRegistry ? options.providers : new ProviderRegistry(options.providers);
  const transport = options.transport ?? createHttpTransport();
  const events = new EventHub();
  if (options.onEvent) events.on(options.onEvent);

  const sections = parseWith(
    routingSectionsSchema,
    {
      routes: options.routes,
      prices: options.prices,
      limits: options.limits,
      cache: typeof options.cache === 'object' ? options.cache : undefined,
      retry: options.retry,
      breaker: options.breaker,
    },
    'client options',
  );
  const routeConfigs = sections.routes ?? {};
  const prices = new PriceTable(sections.prices);
  const limits = sections.limits ?? {};
  const cachePolicy = resolveCachePolicy(typeof options.cache === 'object' ? sections.cache : options.cache);
  const retryPolicy = resolveRetryPolicy(sections.retry);
  const breakerPolicy = resolveBreakerPolicy(sections.breaker);
  const cache = options.cacheStorage ?? new MemoryCacheStorage<RunResult>(cachePolicy.maxEntries);
  const limiter = new RateLimiter({ limits: limits.providers, storage: options.rateLimitStorage });
  const router = new Router({ events, limiter, prices, retry: retryPolicy, breaker: breakerPolicy, random: options.random });

  const routes = new Map<string, Route>();
  for (const [name, config] of Object.entries(routeConfigs)) {
    const route = routeFromConfig(name, config);
    route.targets.forEach((target, index) => {
      if (!registry.has(target.provider)) {
        throw new InfermuxError({
          code: 'caller_invalid_input',
          message: `routes.${name}.targets[${index}].provider: unknown provider "${target.provider}"; configured providers: ${registry.names().join(', ') || '(none)'}`,
          details: { field: `routes.${name}.targets[${index}].provider` },
        });
      }
    });
    routes.set(name, route);
    // Known from the start, so health() lists every configured target before its first request.
    for (const target of route.targets) router.breakerFor(target);
  }

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

  /** A configured alias, or the model reference as a single-target route (still retried, limited, priced). */
  function resolveRoute(task: TaskId, request: { model: string | ModelRef; provider?: string; revisionPolicy?: RevisionPolicy }): Route {
    let route: Route;
    const configured = typeof request.model === 'string' && !request.provider ? routes.get(request.model) : undefined;
    if (configured) {
      const targets = configured.targets.filter((target) => registry.get(target.provider).tasks[task] !== undefined);
      if (targets.length === 0) {
        throw new InfermuxError({
          code: 'caller_unsupported',
          message: `No target of route "${configured.name}" serves task "${task}" (targets: ${configured.targets.map((target) => target.key).join(', ')})`,
          details: { task, route: configured.name },
        });
      }
      route = targets.length === configured.targets.length ? configured : { ...configured, targets };
    } else {
      const model = toModelRef(request.model);
      const provider = pickProvider(task, model, request.provider);
      const target = makeTarget(provider.name, model);
      route = { name: `${provider.name}:${formatModelRef(model, { provider: false })}`, strategy: 'priority', targets: [target], configured: false };
    }
    const revisionPolicy = request.revisionPolicy ?? options.revisionPolicy ?? 'warn';
    if (revisionPolicy === 'pinned-only') {
      const floating = route.targets.find((target) => !isPinnedRevision(target.model.revision));
      if (floating) {
        throw new InfermuxError({
          code: 'policy_revision_unpinned',
          message: `The revision policy is "pinned-only", but "${floating.key}" does not name a full commit sha. Use org/name@<40-hex commit>.`,
          details: { model: floating.key },
        });
      }
    }
    return route;
  }

  async function prepareInput<T extends TaskId>(task: T, input: unknown, signal?: AbortSignal): Promise<TaskInput<T>> {
    const definition = getTask(task);
    const parsed = parseWith(definition.input, input, `input for task "${task}"`) as TaskInput<T>;
    return resolveBinaryFields(parsed, definition.binaryInputs, { allowFilePaths: options.allowFilePaths, transport, signal });
  }

  function checkRequest(request: unknown): void {
    if (request === null || typeof request !== 'object') {
      throw new InfermuxError({ code: 'caller_invalid_input', message: 'Expected a request object { model, input }' });
    }
  }

  function validateOutput<T extends TaskId>(task: T, output: unknown, provider: string): TaskOutput<T> {
    return parseWith(getTask(task).output, output, `response from provider "${provider}" for task "${task}"`, {
      provider,
      code: 'provider_bad_response',
    }) as TaskOutput<T>;
  }

  function unsupported(provider: ProviderV1, what: string, task: TaskId): InfermuxError {
    return new InfermuxError({ code: 'caller_unsupported', message: `Provider "${provider.name}" cannot ${what} for task "${task}"`, provider: provider.name, details: { task } });
  }

  /** The model to send: the target's, with the revision the provider resolved it to (HF Hub). */
  async function resolveTargetModel(provider: ProviderV1, task: TaskId, target: RouteTarget, revisionPolicy: RevisionPolicy, signal: AbortSignal) {
    const resolved = provider.resolveModel ? await provider.resolveModel({ task, model: target.model, signal, revisionPolicy }) : undefined;
    const model = resolved?.revision ? { ...target.model, revision: resolved.revision } : target.model;
    return { resolved, model };
  }

  function timeoutsFor(target: RouteTarget, request: { timeouts?: Partial<Timeouts> }): Partial<Timeouts> {
    return { ...options.timeouts, ...target.timeouts, ...request.timeouts };
  }

  function costOf(target: RouteTarget, model: { id: string; revision?: string }, usage: Usage): Cost | undefined {
    return prices.cost(usage, prices.lookup(target.provider, model, target.price));
  }

  function newContext(kind: RequestKind): CallContext {
    return { requestId: crypto.randomUUID(), kind, startedAt: Date.now(), attempts: [] };
  }

  function emitEnd(context: CallContext, task: TaskId, route: string, outcome: { result?: RunResult; error?: unknown; provider?: string; model?: ResolvedModel; usage?: Usage; cost?: Cost }): void {
    const result = outcome.result;
    const model = result?.model ?? outcome.model;
    const error = outcome.error === undefined ? undefined : InfermuxError.from(outcome.error, { code: 'gateway_internal' });
    events.emit({
      type: 'request-end',
      requestId: context.requestId,
      kind: context.kind,
      task,
      route,
      ...((result?.provider ?? outcome.provider) ? { provider: result?.provider ?? outcome.provider } : {}),
      ...(model ? { model: model.revision ? `${model.id}@${model.revision}` : model.id } : {}),
      attempts: context.attempts,
      usage: result?.usage ?? outcome.usage ?? {},
      ...((result?.cost ?? outcome.cost) ? { cost: result?.cost ?? outcome.cost } : {}),
      status: error ? 'error' : 'ok',
      ...(error ? { errorCode: error.code } : {}),
      latencyMs: Date.now() - context.startedAt,
      cached: result?.cached === true,
    });
  }

  async function consumeTokens(provider: string, usage: Usage): Promise<void> {
    const tokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) || (usage.totalTokens ?? 0);
    if (tokens > 0) await limiter.consumeTokens(provider, tokens);
  }

  /** One `run` over a route: cache, routing, output validation, cost; the context-length fallback. */
  async function runRoute<T extends TaskId>(task: T, request: RequestOptions<T>, input: TaskInput<T>, context: CallContext, fallbackDepth = 0): Promise<RunOutcome<T>> {
    const route = resolveRoute(task, request);
    const definition = getTask(task);
    const revisionPolicy = request.revisionPolicy ?? options.revisionPolicy ?? 'warn';
    const cacheable = cachePolicy.enabled && definition.deterministic === true && request.cache !== false;
    const key = cacheable ? await cacheKey({ task, model: route.name, input }) : undefined;
    if (key) {
      const hit = await cache.get(key);
      events.emit({ type: hit ? 'cache-hit' : 'cache-miss', requestId: context.requestId, task, route: route.name });
      if (hit) {
        const copy = structuredClone(hit) as RunResult<T>;
        return {
          result: {
            ...copy,
            cached: true,
            attempts: [],
            // A cache hit spends nothing upstream.
            ...(copy.cost ? { cost: { ...copy.cost, amount: 0 } } : {}),
            timing: { startedAt: context.startedAt, durationMs: Date.now() - context.startedAt },
          },
        };
      }
    }

    const hedgeable = route.hedge?.enabled === true && definition.deterministic === true;
    let executed;
    try {
      executed = await router.execute({
        requestId: context.requestId,
        task,
        route,
        signal: request.signal,
        resendable: () => true,
        hedge: hedgeable,
        attempts: context.attempts,
        run: async (target, signal) => {
          const provider = registry.get(target.provider);
          if (!provider.doRun) throw unsupported(provider, 'run', task);
          const { resolved, model } = await resolveTargetModel(provider, task, target, revisionPolicy, signal);
          const result = await provider.doRun({ task, model, input, signal, headers: request.headers, timeouts: timeoutsFor(target, request), revisionPolicy });
          return { result, resolved, output: validateOutput(task, result.output, provider.name) };
        },
      });
    } catch (error) {
      const fallback = route.contextLengthFallback;
      if (fallback && fallbackDepth === 0 && InfermuxError.isInstance(error) && error.code === 'caller_context_length_exceeded') {
        return runRoute(task, { ...request, model: fallback, provider: undefined }, input, context, fallbackDepth + 1);
      }
      throw error;
    }

    const { value, target } = executed;
    const usage = value.result.usage ?? {};
    const model = value.result.model ?? value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
    await consumeTokens(target.provider, usage);
    const winning = context.attempts.findLast((attempt) => attempt.errorCode === undefined);
    const result: RunResult<T> = {
      task,
      output: value.output,
      usage,
      cost: costOf(target, model, usage),
      warnings: [...(value.resolved?.warnings ?? []), ...(value.result.warnings ?? [])],
      provider: target.provider,
      model,
      requestId: value.result.requestId,
      timing: { startedAt: context.startedAt, durationMs: Date.now() - context.startedAt, firstByteMs: value.result.firstByteMs ?? winning?.durationMs },
      attempts: context.attempts,
      cached: false,
    };
    if (key) await cache.set(key, structuredClone(result), isPinnedRoute(route) ? cachePolicy.ttlMs : cachePolicy.floatingTtlMs);
    return { result };
  }

  async function runOnce<T extends TaskId>(task: T, request: RequestOptions<T>, kind: RequestKind): Promise<RunResult<T>> {
    const context = newContext(kind);
    const routeName = routeLabel(request);
    try {
      checkRequest(request);
      const input = await prepareInput(task, request.input, request.signal);
      const { result } = await runRoute(task, request, input, context);
      emitEnd(context, task, routeName, { result });
      return result;
    } catch (error) {
      emitEnd(context, task, routeName, { error });
      throw error;
    }
  }

  const microBatcher = options.microBatch
    ? new MicroBatcher<{ task: TaskId; request: RequestOptions<TaskId> }, RunResult>({
        windowMs: options.microBatch.windowMs,
        maxBatchSize: options.microBatch.maxBatchSize ?? 32,
        run: async (_key, items) => {
          const first = items[0] as { task: TaskId; request: RequestOptions<TaskId> };
          const results = await batch(first.task, { ...first.request, inputs: items.map((item) => item.request.input) });
          return results.map((item) => ('result' in item ? item.result : item.error));
        },
      })
    : undefined;

  /** Only plain calls are coalesced: a signal, headers or overrides make a request its own. */
  function coalescible(task: TaskId, request: RequestOptions<TaskId>): boolean {
    return (
      microBatcher !== undefined &&
      getTask(task).batchable === true &&
      !request.signal &&
      !request.headers &&
      !request.timeouts &&
      !request.provider &&
      typeof request.model === 'string'
    );
  }

  async function batch<T extends TaskId>(task: T, batchOptions: BatchOptions<T>): Promise<Array<BatchItemResult<T>>> {
    const definition = getTask(task);
    if (definition.async || !Array.isArray(batchOptions?.inputs)) {
      throw new InfermuxError({
        code: definition.async ? 'caller_unsupported' : 'caller_invalid_input',
        message: definition.async ? `Task "${task}" runs as async jobs; use submit() per input` : 'inputs: expected an array of task inputs',
        details: { field: 'inputs', task },
      });
    }
    const { inputs, concurrency = DEFAULT_BATCH_CONCURRENCY, ...request } = batchOptions;
    const route = resolveRoute(task, request);
    const results = new Array<BatchItemResult<T>>(inputs.length);
    const prepared: Array<{ index: number; input: TaskInput<T> }> = [];
    for (const [index, raw] of inputs.entries()) {
      try {
        prepared.push({ index, input: await prepareInput(task, raw, request.signal) });
      } catch (error) {
        results[index] = { index, error: InfermuxError.from(error, { code: 'caller_invalid_input' }) };
      }
    }

    const batchSize = Math.min(
      ...route.targets.map((target) => {
        const provider = registry.get(target.provider);
        const max = provider.tasks[task]?.maxBatchSize ?? 1;
        return provider.doBatch && max > 1 ? max : 1;
      }),
    );

    const runSingle = async (item: { index: number; input: TaskInput<T> }) => {
      const context = newContext('batch');
      try {
        const { result } = await runRoute(task, { ...request, input: item.input }, item.input, context);
        emitEnd(context, task, route.name, { result });
        results[item.index] = { index: item.index, result };
      } catch (error) {
        emitEnd(context, task, route.name, { error });
        results[item.index] = { index: item.index, error: InfermuxError.from(error, { code: 'gateway_internal' }) };
      }
    };

    if (batchSize <= 1) {
      await mapWithConcurrency(prepared, concurrency, runSingle);
      return results;
    }

    await mapWithConcurrency(chunk(prepared, batchSize), concurrency, async (items) => {
      const context = newContext('batch');
      try {
        const chunkResults = await runBatchChunk(task, route, request, items, context);
        const usage = chunkResults.reduce((sum, item) => addUsage(sum, item.result.usage), {} as Usage);
        emitEnd(context, task, route.name, { provider: chunkResults[0]?.result.provider, model: chunkResults[0]?.result.model, usage, cost: chunkResults[0]?.result.cost });
        for (const item of chunkResults) results[item.index] = item;
      } catch (error) {
        emitEnd(context, task, route.name, { error });
        const failure = InfermuxError.from(error, { code: 'gateway_internal' });
        // One bad input fails the whole upstream call: run the chunk's items one by one to find it.
        if (classifyFailure(failure) === 'fatal' && failure.code !== 'caller_aborted' && items.length > 1) {
          await mapWithConcurrency(items, 1, runSingle);
        } else {
          for (const item of items) results[item.index] = { index: item.index, error: failure };
        }
      }
    });
    return results;
  }

  /** One upstream batch call through the router; usage and cost of the call ride on its first item. */
  async function runBatchChunk<T extends TaskId>(task: T, route: Route, request: Omit<RequestOptions<T>, 'input'>, items: Array<{ index: number; input: TaskInput<T> }>, context: CallContext) {
    const revisionPolicy = request.revisionPolicy ?? options.revisionPolicy ?? 'warn';
    const { value, target } = await router.execute({
      requestId: context.requestId,
      task,
      route,
      signal: request.signal,
      resendable: () => true,
      hedge: false,
      attempts: context.attempts,
      run: async (target, signal) => {
        const provider = registry.get(target.provider);
        const { resolved, model } = await resolveTargetModel(provider, task, target, revisionPolicy, signal);
        const call = { task, model, signal, headers: request.headers, timeouts: timeoutsFor(target, request), revisionPolicy };
        if (!provider.doBatch) throw unsupported(provider, 'run batches', task);
        const batchResult = await provider.doBatch({ ...call, inputs: items.map((item) => item.input) });
        if (!Array.isArray(batchResult.outputs) || batchResult.outputs.length !== items.length) {
          throw new InfermuxError({
            code: 'provider_bad_response',
            message: `${provider.name} answered a batch of ${items.length} inputs with ${Array.isArray(batchResult.outputs) ? batchResult.outputs.length : 'no'} outputs`,
            provider: provider.name,
          });
        }
        return { batchResult, resolved };
      },
    });
    const usage = value.batchResult.usage ?? {};
    const model = value.batchResult.model ?? value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
    await consumeTokens(target.provider, usage);
    const cost = costOf(target, model, usage);
    const warning: Warning | undefined =
      items.length > 1 ? { code: 'batch_usage_shared', message: `Usage and cost of the ${items.length}-input upstream call are reported on input #${items[0]?.index}` } : undefined;
    return items.map((item, position): BatchItemResult<T> => {
      try {
        const output = validateOutput(task, value.batchResult.outputs[position], target.provider);
        const first = position === 0;
        return {
          index: item.index,
          result: {
            task,
            output,
            usage: first ? usage : {},
            ...(cost ? { cost: first ? cost : { ...cost, amount: 0 } } : {}),
            warnings: [...(value.resolved?.warnings ?? []), ...(value.batchResult.warnings ?? []), ...(warning ? [warning] : [])],
            provider: target.provider,
            model,
            requestId: value.batchResult.requestId,
            timing: { startedAt: context.startedAt, durationMs: Date.now() - context.startedAt },
            attempts: context.attempts,
            cached: false,
          },
        };
      } catch (error) {
        return { index: item.index, error: InfermuxError.from(error, { code: 'provider_bad_response' }) };
      }
    }) as Array<{ index: number; result: RunResult<T> }>;
  }

  function stream<T extends TaskId>(task: T, request: RequestOptions<T>): StreamResult<T> {
    let resolveResult!: (value: RunResult<T>) => void;
    let rejectResult!: (error: unknown) => void;
    const result = new Promise<RunResult<T>>((resolve, reject) => {
      resolveResult = resolve;
      rejectResult = reject;
    });
    result.catch(() => undefined); // consumers that only iterate must not see an unhandled rejection
    const context = newContext('stream');
    const routeName = routeLabel(request);
    // Ends the upstream request when the consumer stops early or the caller aborts.
    const cancel = new AbortController();
    const signal = request?.signal ? AbortSignal.any([request.signal, cancel.signal]) : cancel.signal;

    async function* parts(): AsyncGenerator<StreamPart> {
      let committed: { target: RouteTarget; provider: string } | undefined;
      let usage: Usage = {};
      let served: ResolvedModel | undefined;
      try {
        checkRequest(request);
        const input = await prepareInput(task, request.input, signal);
        const route = resolveRoute(task, request);
        const revisionPolicy = request.revisionPolicy ?? options.revisionPolicy ?? 'warn';
        const { value, target } = await router.execute({
          requestId: context.requestId,
          task,
          route,
          signal,
          resendable: () => true,
          hedge: false,
          attempts: context.attempts,
          run: async (target, attemptSignal) => {
            const provider = registry.get(target.provider);
            if (!provider.doStream) throw unsupported(provider, 'stream', task);
            const { resolved, model } = await resolveTargetModel(provider, task, target, revisionPolicy, attemptSignal);
            const streamed = await provider.doStream({ task, model, input, signal: attemptSignal, headers: request.headers, timeouts: timeoutsFor(target, request), revisionPolicy });
            return { streamed, resolved, opened: await readUntilContent(streamed.stream, provider.name) };
          },
        });
        committed = { target, provider: target.provider };
        served = value.streamed.model ?? value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
        const seen: StreamPart[] = [];
        const accept = (part: StreamPart) => {
          if (part.type === 'usage') usage = addUsage(usage, part.usage);
          seen.push(part);
        };
        for (const part of value.opened.buffered) {
          accept(part);
          yield part;
        }
        for (;;) {
          const next = await value.opened.rest.next();
          if (next.done) break;
          if (next.value.type === 'error') throw next.value.error;
          accept(next.value);
          yield next.value;
        }
        if (!seen.some((part) => part.type === 'finish')) {
          throw new InfermuxError({
            code: 'provider_stream_interrupted',
            message: `${target.provider} ended the stream without a finish event: the answer is truncated`,
            provider: target.provider,
          });
        }
        const output = validateOutput(task, collectStream(task, seen, { model: target.model.id }), target.provider);
        await consumeTokens(target.provider, usage);
        const runResult: RunResult<T> = {
          task,
          output,
          usage,
          cost: costOf(target, served, usage),
          warnings: [...(value.resolved?.warnings ?? []), ...(value.streamed.warnings ?? [])] as Warning[],
          provider: target.provider,
          model: served,
          requestId: value.streamed.requestId,
          timing: { startedAt: context.startedAt, durationMs: Date.now() - context.startedAt, firstByteMs: value.streamed.firstByteMs },
          attempts: context.attempts,
          cached: false,
        };
        emitEnd(context, task, routeName, { result: runResult });
        resolveResult(runResult);
      } catch (caught) {
        const error = InfermuxError.from(caught, { code: 'gateway_internal' });
        rejectResult(error);
        if (!committed) {
          emitEnd(context, task, routeName, { error });
          throw error;
        }
        // Content already reached the caller: say in-band that the answer is cut short.
        router.reportLateFailure(committed.target, error, context.requestId);
        emitEnd(context, task, routeName, { error, provider: committed.provider, model: served, usage, cost: costOf(committed.target, served ?? committed.target.model, usage) });
        yield { type: 'error', error };
      } finally {
        cancel.abort(new Error('stream finished'));
      }
    }

    const iterable = parts();
    return {
      [Symbol.asyncIterator]: () => iterable,
      textStream: (async function* () {
        for await (const part of iterable) {
          if (part.type === 'text-delta') yield part.text;
          else if (part.type === 'error') throw part.error;
        }
      })(),
      result,
    };
  }

  return {
    providers: registry,

    run(task, request) {
      if (request && typeof request === 'object' && coalescible(task, request as RequestOptions<TaskId>)) {
        return microBatcher?.submit(`${task}\n${String(request.model)}`, { task, request: request as RequestOptions<TaskId> }) as Promise<RunResult<typeof task>>;
      }
      return runOnce(task, request, 'run');
    },

    stream,

    batch,

    async submit(task, request) {
      const context = newContext('submit');
      const routeName = routeLabel(request);
      try {
        checkRequest(request);
        const input = await prepareInput(task, request.input, request.signal);
        const route = resolveRoute(task, request);
        const revisionPolicy = request.revisionPolicy ?? options.revisionPolicy ?? 'warn';
        // One key for every try of this submission: an upstream that honours it runs the job once.
        const idempotencyKey = crypto.randomUUID();
        const idempotent = (target: RouteTarget) => registry.get(target.provider).tasks[task]?.idempotentSubmit === true;
        const { value, target } = await router.execute({
          requestId: context.requestId,
          task,
          route,
          signal: request.signal,
          resendable: idempotent,
          hedge: false,
          attempts: context.attempts,
          run: async (target, signal) => {
            const provider = registry.get(target.provider);
            if (!provider.doStart) throw unsupported(provider, 'start async jobs', task);
            const headers = idempotent(target) ? { ...request.headers, 'idempotency-key': idempotencyKey } : request.headers;
            return provider.doStart({ task, model: target.model, input, signal, headers, timeouts: timeoutsFor(target, request), revisionPolicy });
          },
        });
        const status = { ...value, provider: target.provider };
        emitEnd(context, task, routeName, { provider: target.provider, model: value.model ?? { id: target.model.id, revision: target.model.revision }, usage: value.usage });
        return status;
      } catch (error) {
        emitEnd(context, task, routeName, { error });
        throw error;
      }
    },

    async getJob(task, job) {
      const provider = registry.get(job.provider);
      if (!provider.doStatus) throw unsupported(provider, 'report job status', task);
      const status = await withRetries(() => provider.doStatus!({ task, jobId: job.jobId, signal: job.signal }), retryPolicy, { signal: job.signal, random: options.random });
      if (status.state === 'succeeded' && status.output !== undefined) status.output = validateOutput(task, status.output, provider.name);
      return status;
    },

    async cancelJob(task, job) {
      const provider = registry.get(job.provider);
      if (!provider.doCancel) throw unsupported(provider, 'cancel jobs', task);
      return provider.doCancel({ task, jobId: job.jobId, signal: job.signal });
    },

    on(listener) {
      return events.on(listener);
    },

    health() {
      return { targets: router.health() };
    },
  };
}

function routeLabel(request: { model?: string | ModelRef; provider?: string } | undefined): string {
  const model = request?.model;
  if (model === undefined) return '(none)';
  const text = typeof model === 'string' ? model : formatModelRef(model);
  return request?.provider ? `${request.provider}:${text}` : text;
}
