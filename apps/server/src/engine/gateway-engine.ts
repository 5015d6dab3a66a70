import {
  type Client,
  type InfermuxConfig,
  type ProviderConfig,
  type ProviderFactory,
  type TaskId,
  buildProviders,
  createClient,
  isTaskId,
} from '@infermux/core';

export interface GatewayEngine {
  client: Client;
  /** Configured route aliases (public model names). */
  routeNames: string[];
  /** The task a configured route declares, if it does. */
  routeTask(model: string): TaskId | undefined;
  isRoute(model: string): boolean;
  providerNames: string[];
  /** Providers that had no configuration and could not start on defaults (e.g. no base URL). */
  skippedProviders: string[];
}

/**
 * With no `providers` section every factory is tried on its defaults; one that needs a
 * setting (a base URL) is skipped instead of failing the start, so `pnpm start` works
 * with no config file and no token.
 */
function providersSection(config: InfermuxConfig, factories: readonly ProviderFactory<any>[]): { providers: Record<string, ProviderConfig>; skipped: string[] } {
  if (config.providers) return { providers: config.providers, skipped: [] };
  const providers: Record<string, ProviderConfig> = {};
  const skipped: string[] = [];
  for (const factory of factories) {
    if (factory.settingsSchema.safeParse({}).success) providers[factory.type] = {};
    else skipped.push(factory.type);
  }
  return { providers, skipped };
}

export function createGatewayEngine(config: InfermuxConfig, factories: readonly ProviderFactory<any>[], env: Record<string, string | undefined>): GatewayEngine {
  const { providers, skipped } = providersSection(config, factories);
  const built = buildProviders({ ...config, providers }, factories, { env });
  const client = createClient({
    providers: built,
    defaultProvider: config.defaults?.provider,
    // Callers of a gateway must never make it read its own files.
    allowFilePaths: false,
    revisionPolicy: config.defaults?.revisionPolicy,
    timeouts: config.defaults?.timeouts,
  });
  // Routes belong to core's routing section; read what this server needs without depending on its shape.
  const routes = ((config as Record<string, unknown>).routes ?? {}) as Record<string, { task?: unknown }>;
  return {
    client,
    routeNames: Object.keys(routes),
    routeTask: (model) => {
      const task = Object.hasOwn(routes, model) ? routes[model]?.task : undefined;
      return isTaskId(task) ? task : undefined;
    },
    isRoute: (model) => Object.hasOwn(routes, model),
    providerNames: built.map((provider) => provider.name),
    skippedProviders: skipped,
  };
}
