import { resolveBinaryFields } from '../binary/resolve-binary';
import { InfermuxError } from '../errors/infermux-error';
import type { ProviderOperation } from '../errors/unsupported-operation';
import { parseWith } from '../errors/validation-error';
import { formatModelRef, isPinnedRevision, type ModelRef, toModelRef } from '../model/model-ref';
import type { ProviderV1, RevisionPolicy } from '../provider/provider';
import { ProviderRegistry } from '../provider/provider-registry';
import { isVouchedOutput } from '../provider/vouched-output';
import type { Attempt, Cost, ResolvedModel, RunResult, Warning } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import { resolveBreakerPolicy } from '../routing/circuit-breaker';
import { PriceTable } from '../routing/price-table';
import { RateLimiter } from '../routing/rate-limiter';
import { MemoryCacheStorage, resolveCachePolicy } from '../routing/response-cache';
import { resolveRetryPolicy } from '../routing/retry-policy';
import { makeTarget, type Route, type RouteTarget, routeFromConfig } from '../routing/route';
import { Router } from '../routing/router';
import { routingSectionsSchema } from '../routing/routing-config';
import { EventHub, type RequestKind } from '../routing/routing-events';
import { getTask, type TaskId, type TaskInput, type TaskOutput } from '../tasks/task-registry';
import { createHttpTransport } from '../transport/http-transport';
import type { AttemptTimeouts, Deadline, Timeouts } from '../transport/timeouts';
import type { ClientOptions } from './client-types';

const MAX_CACHED_ROUTES = 1024;

/** The model an attempt sends, and what resolving it said. */
export interface TargetModel {
  resolved: ResolvedModel | undefined;
  resolveWarnings: Warning[];
  model: ModelRef;
}

/** What one client call carries through routing: its id, kind, start and attempts. */
export interface CallContext {
  requestId: string;
  kind: RequestKind;
  startedAt: number;
  attempts: Attempt[];
}

/**
 * The machinery behind one client, shared by its operations (run, stream, batch, submit):
 * validated policies, the router, the cache, events, and the helpers every operation needs.
 */
export function createClientCore(options: ClientOptions) {
  const registry =
    options.providers instanceof ProviderRegistry ? options.providers : new ProviderRegistry(options.providers);
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
  const router = new Router({
    events,
    limiter,
    prices,
    retry: retryPolicy,
    breaker: breakerPolicy,
    random: options.random,
  });

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
    for (const target of route.targets) router.pin(target);
  }

  const pickProvider = (task: TaskId, model: ModelRef, override?: string): ProviderV1 => {
    const name = override ?? model.provider ?? options.defaultProvider ?? registry.forTask(task)[0]?.name;
    if (!name) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `No configured provider serves task "${task}"`,
        details: { task },
      });
    }
    const provider = registry.get(name);
    if (!provider.tasks[task]) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `Provider "${name}" does not serve task "${task}". Providers that do: ${
          registry
            .forTask(task)
            .map((item) => item.name)
            .join(', ') || '(none)'
        }.`,
        provider: name,
        details: { task },
      });
    }
    return provider;
  };

  /** A configured alias, or the model reference as a single-target route (still retried, limited, priced). */
  function buildRoute(task: TaskId, model: string | ModelRef, providerOverride: string | undefined): Route {
    const configured = typeof model === 'string' && !providerOverride ? routes.get(model) : undefined;
    if (configured) {
      const targets = configured.targets.filter((target) => registry.get(target.provider).tasks[task] !== undefined);
      if (targets.length === 0) {
        throw new InfermuxError({
          code: 'caller_unsupported',
          message: `No target of route "${configured.name}" serves task "${task}" (targets: ${configured.targets.map((target) => target.key).join(', ')})`,
          details: { task, route: configured.name },
        });
      }
      return targets.length === configured.targets.length ? configured : { ...configured, targets };
    }
    const ref = toModelRef(model);
    const provider = pickProvider(task, ref, providerOverride);
    const target = makeTarget(provider.name, ref);
    return {
      name: `${provider.name}:${formatModelRef(ref, { provider: false })}`,
      strategy: 'priority',
      targets: [target],
      configured: false,
    };
  }

  // A batch or a busy gateway names the same few models over and over: parsing the reference,
  // picking the provider and building the target once per (task, model, provider) saves that
  // work on every call. Bounded (callers may name any model); rebuilt when a provider registers.
  const routeCache = new Map<string, Route>();
  let routeCacheVersion = registry.version;
  function cachedRoute(task: TaskId, model: string | ModelRef, providerOverride: string | undefined): Route {
    if (typeof model !== 'string') return buildRoute(task, model, providerOverride);
    if (routeCacheVersion !== registry.version) {
      routeCache.clear();
      routeCacheVersion = registry.version;
    }
    const key = `${task}\n${providerOverride ?? ''}\n${model}`;
    let route = routeCache.get(key);
    if (!route) {
      route = buildRoute(task, model, providerOverride);
      if (routeCache.size >= MAX_CACHED_ROUTES) routeCache.clear();
      routeCache.set(key, route);
    }
    return route;
  }

  function resolveRoute(
    task: TaskId,
    request: { model: string | ModelRef; provider?: string; revisionPolicy?: RevisionPolicy },
  ): Route {
    const route = cachedRoute(task, request.model, request.provider);
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

  /** Validated input; a promise only when the task has binary fields to resolve (chat has none: no promise to await). */
  function prepareInput<T extends TaskId>(
    task: T,
    input: unknown,
    signal?: AbortSignal,
  ): TaskInput<T> | Promise<TaskInput<T>> {
    const definition = getTask(task);
    const parsed = parseWith(definition.input, input, `input for task "${task}"`) as TaskInput<T>;
    if (!definition.binaryInputs?.length) return parsed;
    return resolveBinaryFields(parsed, definition.binaryInputs, {
      allowFilePaths: options.allowFilePaths,
      transport,
      signal,
    });
  }

  function checkRequest(request: unknown): void {
    if (request === null || typeof request !== 'object') {
      throw new InfermuxError({ code: 'caller_invalid_input', message: 'Expected a request object { model, input }' });
    }
    const { requestId } = request as { requestId?: unknown };
    if (requestId !== undefined && !isOwnRequestId(requestId)) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `requestId: expected a string of 1–128 characters, got ${typeof requestId === 'string' ? `${requestId.length} characters` : typeof requestId}`,
        details: { field: 'requestId' },
      });
    }
  }

  function validateOutput<T extends TaskId>(task: T, output: unknown, provider: string): TaskOutput<T> {
    if (isVouchedOutput(output)) return output as TaskOutput<T>;
    return parseWith(getTask(task).output, output, `response from provider "${provider}" for task "${task}"`, {
      provider,
      code: 'provider_bad_response',
    }) as TaskOutput<T>;
  }

  /** `what` words the operation for the message when its name alone does not. */
  function unsupported(
    provider: ProviderV1,
    operation: ProviderOperation,
    task: TaskId,
    what: string = operation,
  ): InfermuxError {
    return new InfermuxError({
      code: 'caller_unsupported',
      message: `Provider "${provider.name}" cannot ${what} for task "${task}"`,
      provider: provider.name,
      details: { task, operation },
    });
  }

  /**
   * The model to send: the target's, with the revision the provider resolved it to (HF Hub).
   * A promise only when the provider resolves models at all (most do not).
   */
  function resolveTargetModel(
    provider: ProviderV1,
    task: TaskId,
    target: RouteTarget,
    revisionPolicy: RevisionPolicy,
    signal: AbortSignal | undefined,
    deadline: Deadline,
  ): TargetModel | Promise<TargetModel> {
    if (!provider.resolveModel) return { resolved: undefined, resolveWarnings: [], model: target.model };
    return provider
      .resolveModel({ task, model: target.model, signal, revisionPolicy, timeouts: { deadline } })
      .then((answer) => {
        // Warnings travel beside the model, never inside the ResolvedModel a result reports.
        const { warnings = [], ...resolved } = answer;
        const model = resolved.revision ? { ...target.model, revision: resolved.revision } : target.model;
        return { resolved, resolveWarnings: warnings, model };
      });
  }

  /** One attempt's limits: the client's, the target's, the request's, and the route's deadline. */
  function timeoutsFor(
    target: RouteTarget,
    request: { timeouts?: Partial<Timeouts> },
    deadline: Deadline,
  ): AttemptTimeouts {
    return { ...options.timeouts, ...target.timeouts, ...request.timeouts, deadline };
  }

  function costOf(target: RouteTarget, model: { id: string; revision?: string }, usage: Usage): Cost | undefined {
    return prices.cost(usage, prices.lookup(target.provider, model, target.price));
  }

  /** A call's bookkeeping; `requestId` is the caller's own (checked by `checkRequest`), or a new one. */
  function newContext(kind: RequestKind, requestId?: unknown): CallContext {
    return {
      requestId: isOwnRequestId(requestId) ? requestId : crypto.randomUUID(),
      kind,
      startedAt: Date.now(),
      attempts: [],
    };
  }

  function emitEnd(
    context: CallContext,
    task: TaskId,
    route: string,
    outcome: {
      result?: Omit<RunResult, 'output'>;
      error?: unknown;
      provider?: string;
      model?: ResolvedModel;
      usage?: Usage;
      cost?: Cost;
    },
  ): void {
    if (!events.listening) return;
    const result = outcome.result;
    const model = result?.model ?? outcome.model;
    const error =
      outcome.error === undefined ? undefined : InfermuxError.from(outcome.error, { code: 'gateway_internal' });
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

  /** Charges usage to a tokens-per-minute limit; a promise only when the provider has one. */
  function consumeTokens(provider: string, usage: Usage): Promise<void> | undefined {
    const tokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) || (usage.totalTokens ?? 0);
    if (tokens > 0 && limiter.countsTokens(provider)) return limiter.consumeTokens(provider, tokens);
    return undefined;
  }

  return {
    options,
    registry,
    transport,
    events,
    router,
    limiter,
    prices,
    cache,
    cachePolicy,
    retryPolicy,
    resolveRoute,
    prepareInput,
    checkRequest,
    validateOutput,
    unsupported,
    resolveTargetModel,
    timeoutsFor,
    costOf,
    newContext,
    emitEnd,
    consumeTokens,
  };
}

export type ClientCore = ReturnType<typeof createClientCore>;

/** A caller's `requestId` that events may carry: 1–128 characters. */
function isOwnRequestId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128;
}

/** The alias or model reference a call asked for, as events report it. */
export function routeLabel(request: { model?: string | ModelRef; provider?: string } | undefined): string {
  const model = request?.model;
  if (model === undefined) return '(none)';
  const text = typeof model === 'string' ? model : formatModelRef(model);
  return request?.provider ? `${request.provider}:${text}` : text;
}
