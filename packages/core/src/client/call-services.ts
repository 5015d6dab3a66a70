import { InfermuxError } from '../errors/infermux-error';
import { parseWith } from '../errors/validation-error';
import { formatModelRef, isPinnedRevision, type ModelRef, toModelRef } from '../model/model-ref';
import type { ProviderV1, RevisionPolicy } from '../provider/provider';
import { ProviderRegistry } from '../provider/provider-registry';
import type { RunResult } from '../result/result-envelope';
import { resolveBreakerPolicy } from '../routing/circuit-breaker';
import { PriceTable } from '../routing/price-table';
import { RateLimiter } from '../routing/rate-limiter';
import { type CachePolicy, type CacheStorage, MemoryCacheStorage, resolveCachePolicy } from '../routing/response-cache';
import { type RetryPolicy, resolveRetryPolicy } from '../routing/retry-policy';
import { makeTarget, type Route, routeFromConfig } from '../routing/route';
import { Router } from '../routing/router';
import { routingSectionsSchema } from '../routing/routing-config';
import { EventHub } from '../routing/routing-events';
import type { TaskId } from '../tasks/task-registry';
import { createHttpTransport, type Transport } from '../transport/http-transport';
import type { Timeouts } from '../transport/timeouts';
import type { ClientOptions } from './client-types';

const MAX_CACHED_ROUTES = 1024;

/**
 * What one client's calls share: the providers, the router with its limits and prices, the
 * response cache, events, the client's defaults and its route table. Built once per client from
 * its options; used by the routed-call pipeline and the client's own methods, nowhere else.
 */
export interface CallServices {
  readonly registry: ProviderRegistry;
  readonly transport: Transport;
  readonly events: EventHub;
  readonly router: Router;
  readonly limiter: RateLimiter;
  readonly prices: PriceTable;
  readonly cache: CacheStorage<RunResult>;
  readonly cachePolicy: CachePolicy;
  readonly retryPolicy: RetryPolicy;
  /** The client's defaults, under each request's own. */
  readonly defaults: ClientDefaults;
  /**
   * A configured alias, or the model reference as a single-target route (still retried, limited,
   * priced); refused when `revisionPolicy` is `pinned-only` and a target names no full commit sha.
   */
  resolveRoute(
    task: TaskId,
    request: { model: string | ModelRef; provider?: string; credentials?: Readonly<Record<string, string>> },
    revisionPolicy: RevisionPolicy,
  ): Route;
}

export interface ClientDefaults {
  /** `warn` unless the client names another: the one place that default is written. */
  readonly revisionPolicy: RevisionPolicy;
  readonly timeouts: Partial<Timeouts> | undefined;
  readonly allowFilePaths: boolean | undefined;
  readonly random: (() => number) | undefined;
}

/** The request's revision policy, else the client's. */
export function revisionPolicyOf(services: CallServices, request: { revisionPolicy?: RevisionPolicy } | undefined) {
  return request?.revisionPolicy ?? services.defaults.revisionPolicy;
}

/** Validates a client's options into the services its calls share. */
export function createCallServices(options: ClientOptions): CallServices {
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
  const prices = new PriceTable(sections.prices, (name) =>
    registry.has(name) ? registry.get(name).pricing : undefined,
  );
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
    targetState: options.targetStateSync,
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
  // Keyed by (task, provider) and then by the model as given: no key string is built per call.
  const routeCache = new Map<string, Map<string, Route>>();
  let cachedRoutes = 0;
  let routeCacheVersion = registry.version;
  function cachedRoute(task: TaskId, model: string | ModelRef, providerOverride: string | undefined): Route {
    if (typeof model !== 'string') return buildRoute(task, model, providerOverride);
    if (routeCacheVersion !== registry.version) {
      routeCache.clear();
      cachedRoutes = 0;
      routeCacheVersion = registry.version;
    }
    const scope = providerOverride ? `${task}\n${providerOverride}` : task;
    let routes = routeCache.get(scope);
    let route = routes?.get(model);
    if (!route) {
      route = buildRoute(task, model, providerOverride);
      if (cachedRoutes >= MAX_CACHED_ROUTES) {
        routeCache.clear();
        cachedRoutes = 0;
        routes = undefined;
      }
      if (!routes) {
        routes = new Map();
        routeCache.set(scope, routes);
      }
      routes.set(model, route);
      cachedRoutes++;
    }
    return route;
  }

  function resolveRoute(
    task: TaskId,
    request: { model: string | ModelRef; provider?: string; credentials?: Readonly<Record<string, string>> },
    revisionPolicy: RevisionPolicy,
  ): Route {
    const route = cachedRoute(task, request.model, request.provider);
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
    return request.credentials === undefined ? route : onCredentialedProviders(route, request.credentials);
  }

  return {
    registry,
    transport,
    events,
    router,
    limiter,
    prices,
    cache,
    cachePolicy,
    retryPolicy,
    defaults: {
      revisionPolicy: options.revisionPolicy ?? 'warn',
      timeouts: options.timeouts,
      allowFilePaths: options.allowFilePaths,
      random: options.random,
    },
    resolveRoute,
  };
}

/**
 * A call with its own credentials runs only where they apply: never on a target whose provider would use
 * its configured key instead (a caller's token must not buy it the operator's).
 */
function onCredentialedProviders(route: Route, credentials: Readonly<Record<string, string>>): Route {
  const targets = route.targets.filter((target) => Object.hasOwn(credentials, target.provider));
  if (targets.length === route.targets.length) return route;
  if (targets.length === 0) {
    throw new InfermuxError({
      code: 'caller_unsupported',
      message: `"${route.name}" runs on ${[...new Set(route.targets.map((target) => target.provider))].join(', ')}, and this call's own credentials are for ${Object.keys(credentials).join(', ')}: a call with its own credentials runs only on their providers`,
      details: { field: 'credentials', route: route.name },
    });
  }
  return { ...route, targets };
}
