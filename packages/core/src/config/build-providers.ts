import { InfermuxError } from '../errors/infermux-error';
import { parseWith } from '../errors/validation-error';
import type { ProviderV1 } from '../provider/provider';
import type { ProviderFactory } from '../provider/provider-factory';
import type { Transport } from '../transport/http-transport';
import type { InfermuxConfig, ProviderConfig } from './config-schema';

export interface BuildProvidersOptions {
  env?: Record<string, string | undefined>;
  transport?: Transport;
}

/**
 * Builds providers from the config through their factories (looked up by `type`, never
 * by `if`). With no `providers` section, every factory is built on its defaults; keys are
 * then read lazily from the env variables each factory names.
 */
export function buildProviders(
  config: InfermuxConfig,
  factories: readonly ProviderFactory[],
  options: BuildProvidersOptions = {},
): ProviderV1[] {
  const env = options.env ?? process.env;
  const byType = new Map(factories.map((factory) => [factory.type, factory]));
  const entries: Record<string, ProviderConfig> =
    config.providers ?? Object.fromEntries(factories.map((factory) => [factory.type, {}]));
  const providers: ProviderV1[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (entry.enabled === false) continue;
    const type = entry.type ?? name;
    const factory = byType.get(type);
    if (!factory) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `providers.${name}.type: unknown provider type "${type}"; known types: ${[...byType.keys()].join(', ')}`,
        details: { field: `providers.${name}.type` },
      });
    }
    const { type: _type, apiKeyEnv, enabled: _enabled, passThrough: _passThrough, ...settings } = entry;
    if (apiKeyEnv && !settings.apiKey) {
      const value = env[apiKeyEnv];
      if (value) settings.apiKey = value;
    }
    const parsed = parseWith(factory.settingsSchema, settings, `settings for provider "${name}" (providers.${name})`);
    providers.push(factory.create({ ...(parsed as object), name }, { transport: options.transport }));
  }
  return providers;
}
