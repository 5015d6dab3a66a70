import type { z } from 'zod';
import type { Transport } from '../transport/http-transport';
import type { ProviderV1 } from './provider';

/**
 * How apps build providers from configuration without knowing them: each adapter
 * package exports one factory; the app keeps a list and looks them up by `type`. A list of factories
 * of different settings is `readonly ProviderFactory[]`: each one's `create` takes what its own schema
 * parsed, so the list needs no `any`.
 */
export interface ProviderFactory<Settings = unknown> {
  /** Matches `providers.<name>.type` in the config (defaults to the entry's name). */
  readonly type: string;
  /** Strict schema of this provider's config entry (baseURL, apiKey, …). */
  readonly settingsSchema: z.ZodType<Settings>;
  /** Env variables this provider reads (for `infermux doctor` and docs). */
  readonly env?: { apiKey?: readonly string[]; baseURL?: readonly string[] };
  /** How the upstream's own user tokens start (`hf_`): a gateway with `passThrough` tells them from its keys by it. */
  readonly callerTokenPrefix?: string;
  create(settings: Settings & { name?: string }, context: { transport?: Transport }): ProviderV1;
}

export function defineProviderFactory<Settings>(factory: ProviderFactory<Settings>): ProviderFactory<Settings> {
  return factory;
}

/**
 * What a factory's declared env variables say (`baseURL`, `apiKey`), the first set one of each list: how an
 * app fills a provider on defaults, or the settings a config entry leaves out.
 */
export function providerSettingsFromEnv(
  factory: ProviderFactory,
  env: Record<string, string | undefined>,
): { baseURL?: string; apiKey?: string } {
  const settings: { baseURL?: string; apiKey?: string } = {};
  const baseURL = factory.env?.baseURL?.map((name) => env[name]).find(Boolean);
  const apiKey = factory.env?.apiKey?.map((name) => env[name]).find(Boolean);
  if (baseURL) settings.baseURL = baseURL;
  if (apiKey) settings.apiKey = apiKey;
  return settings;
}
