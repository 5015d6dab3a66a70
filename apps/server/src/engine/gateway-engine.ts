import {
  type Client,
  type ClientOptions,
  createClientFromConfig,
  type InfermuxConfig,
  InfermuxError,
  isTaskId,
  type PriceEntry,
  type ProviderConfig,
  type ProviderCredentials,
  type ProviderFactory,
  parseModelRef,
  providerSettingsFromEnv,
  type TaskId,
} from '@infermux/core';
import { createRequestCoalescer, type RequestCoalescer } from './request-coalescer';

export interface GatewayEngine {
  client: Client;
  /** Coalescing of concurrent single-input requests (`server.coalesce`); undefined when off. */
  coalescer: RequestCoalescer | undefined;
  /** Configured route aliases (public model names). */
  routeNames: string[];
  isRoute(model: string): boolean;
  /** The task a model runs, from a provider that can describe models (the HF Hub's `pipeline_tag`). */
  inferTask(model: string, signal?: AbortSignal): Promise<TaskId | undefined>;
  providerNames: string[];
  /** Every price that may apply to a model or route (each target's, or each provider's for a bare id). */
  pricesFor(model: string): PriceEntry[];
  /**
   * Whether some source may price a call to the model or route: each route target, or some provider for a
   * bare id, has a configured, catalogue or shipped price (a shipped rate that depends on the answer counts).
   */
  canPrice(model: string): Promise<boolean>;
  /** Providers that had no configuration and could not start on defaults (e.g. no base URL). */
  skippedProviders: string[];
  /** Each provider's credential state (a key set, missing, or not needed), read now: never a value. */
  credentials(): Record<string, ProviderCredentials>;
  /** Providers whose callers' own tokens are passed on (`providers.<name>.passThrough`), with their token prefix. */
  passThrough: ReadonlyMap<string, string>;
  /** The provider a bearer token is a caller's own token for (by its prefix), if pass-through is on for one. */
  passThroughProvider(token: string): string | undefined;
}

/**
 * The providers section the gateway builds from. With none, every factory is tried on its
 * defaults and one that needs a setting (a base URL) is skipped instead of failing the
 * start, so `pnpm start` works with no config file and no token. Each factory's declared
 * env variables (`HF_BASE_URL`, `EVOLINK_API_KEY`, …) fill what the file leaves out.
 */
function providersSection(
  config: InfermuxConfig,
  factories: readonly ProviderFactory[],
  env: Record<string, string | undefined>,
): { providers: Record<string, ProviderConfig>; skipped: string[] } {
  const byType = new Map(factories.map((factory) => [factory.type, factory]));
  const skipped: string[] = [];
  let providers: Record<string, ProviderConfig>;
  if (config.providers) {
    providers = { ...config.providers };
  } else {
    providers = {};
    for (const factory of factories) {
      const fromEnv = providerSettingsFromEnv(factory, env);
      if (factory.settingsSchema.safeParse(fromEnv).success) providers[factory.type] = {};
      else skipped.push(factory.type);
    }
  }
  for (const [name, entry] of Object.entries(providers)) {
    const factory = byType.get(entry.type ?? name);
    if (!factory) continue;
    const fromEnv = providerSettingsFromEnv(factory, env);
    // A key the entry names (`apiKeyEnv`) wins over the factory's default variable.
    if (entry.apiKeyEnv) delete fromEnv.apiKey;
    providers[name] = { ...fromEnv, ...entry };
  }
  return { providers, skipped };
}

interface DescribesModels {
  modelInfo(options: { model: string; signal?: AbortSignal }): Promise<{ pipelineTag?: string }>;
}

function describesModels(provider: unknown): provider is DescribesModels {
  return typeof (provider as Partial<DescribesModels>).modelInfo === 'function';
}

/** Gateway keys start so (see `generateKeySecret`): no pass-through prefix may overlap it. */
const GATEWAY_KEY_PREFIX = 'imx_';

/**
 * `providers.<name>.passThrough`: provider → the prefix its callers' tokens have (the configured one, else the
 * one its factory declares). A prefix that could match a gateway key, or another provider's, is refused at start.
 */
function passThroughPrefixes(
  providers: Record<string, ProviderConfig>,
  factories: readonly ProviderFactory[],
): Map<string, string> {
  const byType = new Map(factories.map((factory) => [factory.type, factory]));
  const prefixes = new Map<string, string>();
  for (const [name, entry] of Object.entries(providers)) {
    if (!entry.passThrough || entry.enabled === false) continue;
    const field = `providers.${name}.passThrough`;
    const prefix =
      typeof entry.passThrough === 'object'
        ? entry.passThrough.tokenPrefix
        : byType.get(entry.type ?? name)?.callerTokenPrefix;
    if (prefix === undefined) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `${field}: provider type "${entry.type ?? name}" declares no token prefix; set passThrough: { tokenPrefix: "…" } to the prefix its users' tokens have`,
        details: { field },
      });
    }
    const clash = [GATEWAY_KEY_PREFIX, ...prefixes.values()].find(
      (other) => other.startsWith(prefix) || prefix.startsWith(other),
    );
    if (clash !== undefined) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `${field}: the token prefix "${prefix}" overlaps "${clash}"${clash === GATEWAY_KEY_PREFIX ? ' (gateway keys)' : ''}, so tokens could not be told apart`,
        details: { field },
      });
    }
    prefixes.set(name, prefix);
  }
  return prefixes;
}

export function createGatewayEngine(
  config: InfermuxConfig,
  factories: readonly ProviderFactory[],
  env: Record<string, string | undefined>,
  /** Where the client keeps limits, cached responses and target state (Redis, shared by replicas). */
  storage: Pick<ClientOptions, 'rateLimitStorage' | 'cacheStorage' | 'targetStateSync'> = {},
): GatewayEngine {
  const { providers, skipped } = providersSection(config, factories, env);
  const passThrough = passThroughPrefixes(providers, factories);
  const client = createClientFromConfig({ ...config, providers }, factories, {
    env,
    // Callers of a gateway must never make it read its own files.
    overrides: { ...storage, allowFilePaths: false },
  });
  const routes = config.routes ?? {};
  const coalesce = config.server?.coalesce;
  const cache = config.cache;
  // The client's prices: configuration, then the providers' catalogues and shipped tables, as calls are costed.
  const prices = client.prices;
  type Target = { provider?: string; model: string; price?: PriceEntry };
  const candidates = (target: Target, providers: string[]) => {
    const reference = parseModelRef(target.model);
    const provider = target.provider ?? reference.provider;
    return { reference, names: provider ? [provider] : providers };
  };
  const priceOf = (target: Target, providers: string[]) => {
    if (target.price) return [target.price];
    const { reference, names } = candidates(target, providers);
    return names.map((name) => prices.priceOf(name, reference));
  };
  const targetsOf = (model: string): Target[] =>
    Object.hasOwn(routes, model) ? (routes[model]?.targets ?? []) : [{ model }];
  return {
    client,
    coalescer: coalesce
      ? createRequestCoalescer(client, {
          windowMs: coalesce.windowMs,
          maxBatchSize: coalesce.maxBatchSize,
          responseCache: cache !== undefined && cache.enabled !== false,
        })
      : undefined,
    routeNames: Object.keys(routes),
    isRoute: (model) => Object.hasOwn(routes, model),
    async inferTask(model, signal) {
      // A route's targets name the real model; otherwise the reference itself.
      const target = Object.hasOwn(routes, model) ? routes[model]?.targets[0]?.model : model;
      if (!target) return undefined;
      const reference = parseModelRef(target);
      const candidates = client.providers
        .list()
        .filter(
          (provider) => describesModels(provider) && (!reference.provider || provider.name === reference.provider),
        );
      for (const provider of candidates) {
        const info = await (provider as unknown as DescribesModels).modelInfo({ model: reference.id, signal });
        if (isTaskId(info.pipelineTag)) return info.pipelineTag;
      }
      return undefined;
    },
    providerNames: client.providers.names(),
    skippedProviders: skipped,
    passThrough,
    passThroughProvider(token) {
      for (const [provider, prefix] of passThrough) if (token.startsWith(prefix)) return provider;
      return undefined;
    },
    credentials: () =>
      Object.fromEntries(
        client.providers
          .list()
          .map((provider) => [provider.name, provider.credentials?.() ?? { status: 'optional', env: [] }]),
      ),
    pricesFor(model) {
      const names = client.providers.names();
      return targetsOf(model)
        .flatMap((target) => priceOf(target, names))
        .filter((price) => price !== undefined);
    },
    async canPrice(model) {
      const names = client.providers.names();
      const targets = targetsOf(model).map((target) => ({ target, ...candidates(target, names) }));
      // A catalogue not loaded yet is loaded first (once), as a call would.
      await prices.warm(
        targets.flatMap(({ reference, names }) => names.map((provider) => ({ provider, model: reference }))),
      );
      return targets.every(
        ({ target, reference, names }) =>
          target.price !== undefined || names.some((provider) => prices.mayPrice(provider, reference)),
      );
    },
  };
}
