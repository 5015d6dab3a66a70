import { buildProviders } from '../config/build-providers';
import type { InfermuxConfig } from '../config/config-schema';
import type { ProviderFactory } from '../provider/provider-factory';
import type { Transport } from '../transport/http-transport';
import { type Client, type ClientOptions, createClient } from './create-client';

/**
 * The client an app (CLI, server) builds from its loaded config: providers through their
 * factories, then routes, prices, limits, cache, retry and breaker from the same file.
 * `overrides` adds what a file cannot hold (listeners, storage backends, file-path access).
 */
export function createClientFromConfig(
  config: InfermuxConfig,
  factories: readonly ProviderFactory[],
  options: {
    env?: Record<string, string | undefined>;
    transport?: Transport;
    overrides?: Partial<Omit<ClientOptions, 'providers'>>;
  } = {},
): Client {
  const providers = buildProviders(config, factories, { env: options.env, transport: options.transport });
  return createClient({
    providers,
    defaultProvider: config.defaults?.provider,
    revisionPolicy: config.defaults?.revisionPolicy,
    timeouts: config.defaults?.timeouts,
    transport: options.transport,
    routes: config.routes,
    prices: config.prices,
    limits: config.limits,
    cache: config.cache,
    retry: config.retry,
    breaker: config.breaker,
    ...options.overrides,
  });
}
