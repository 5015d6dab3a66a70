import type { InfermuxConfig, ProviderConfig, ProviderFactory } from '@infermux/core';

export interface ResolvedSetting {
  value?: string;
  /** Where it came from: `config file`, `env HF_BASE_URL`, `provider default`. */
  source: string;
}

export interface ResolvedProvider {
  name: string;
  type: string;
  enabled: boolean;
  factory?: ProviderFactory;
  baseURL: ResolvedSetting;
  /** Never the key itself: whether one is set, and from where (or which variable to set). */
  apiKey: { set: boolean; source: string; envNames: string[] };
  /** Remaining settings, secrets masked. */
  settings: Record<string, unknown>;
}

const MASK = '••••••';
const secretName = /(key|token|secret|password|authorization|cookie)$/i;

/** Masks values under secret-looking names (apiKey, headers.Authorization, …); `…Env` names are variable names, kept. */
export function maskSecrets(value: unknown, name = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, maskSecrets(item, key)]),
    );
  }
  if (typeof value === 'string' && secretName.test(name) && !/env$/i.test(name)) return MASK;
  return value;
}

/**
 * What each provider will actually use — file, then env, then the adapter's default —
 * described without ever holding a secret's value.
 */
export function resolveProviders(
  config: InfermuxConfig,
  factories: readonly ProviderFactory[],
  env: NodeJS.ProcessEnv,
): ResolvedProvider[] {
  const byType = new Map(factories.map((factory) => [factory.type, factory]));
  const entries: Record<string, ProviderConfig> =
    config.providers ?? Object.fromEntries(factories.map((factory) => [factory.type, {}]));
  return Object.entries(entries).map(([name, entry]) => {
    const type = entry.type ?? name;
    const factory = byType.get(type);
    const envBase = (factory?.env?.baseURL ?? []).find((variable) => env[variable]);
    const baseURL: ResolvedSetting = entry.baseURL
      ? { value: entry.baseURL, source: 'config file' }
      : envBase
        ? { value: env[envBase], source: `env ${envBase}` }
        : { source: 'provider default' };
    const envNames = entry.apiKeyEnv ? [entry.apiKeyEnv] : [...(factory?.env?.apiKey ?? [])];
    const fromEnv = envNames.find((variable) => env[variable]);
    const apiKey = entry.apiKey
      ? { set: true, source: 'config file', envNames }
      : fromEnv
        ? { set: true, source: `env ${fromEnv}`, envNames }
        : {
            set: false,
            source: envNames.length ? `not set (set ${envNames.join(' or ')})` : 'none configured',
            envNames,
          };
    const { apiKey: _key, apiKeyEnv: _env, baseURL: _base, type: _type, enabled, ...rest } = entry;
    return {
      name,
      type,
      enabled: enabled !== false,
      factory,
      baseURL,
      apiKey,
      settings: maskSecrets(rest) as Record<string, unknown>,
    };
  });
}
