import type { Client, ClientOptions, InfermuxConfig, ProviderFactory } from '@infermux/core';
import { createTerminal, type Terminal } from './terminal';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
  color?: boolean;
}

export interface LoadedCliConfig {
  config: InfermuxConfig;
  /** The file it came from; undefined when running on defaults. */
  path?: string;
}

/**
 * What a command needs, built lazily: the config is read and the adapters are loaded
 * only by commands that use them.
 */
export class CliContext {
  readonly terminal: Terminal;
  readonly env: NodeJS.ProcessEnv;
  #config: LoadedCliConfig | undefined;
  #client: Promise<Client> | undefined;
  /** Each factory's settings on defaults (no `providers` section); undefined when it cannot run on them. */
  #defaultSettings: Map<ProviderFactory, Record<string, string> | undefined> | undefined;

  constructor(
    readonly options: GlobalOptions,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = env;
    this.terminal = createTerminal({ color: options.color });
  }

  async loadConfig(): Promise<LoadedCliConfig> {
    if (!this.#config) {
      const { loadConfig } = await import('@infermux/core');
      // `INFERMUX_CONFIG` lets scripts and CI point at a config without a flag.
      const file = this.options.config ?? (this.env.INFERMUX_CONFIG || undefined);
      this.#config = loadConfig({ file });
    }
    return this.#config;
  }

  /**
   * The adapters' factories. With no `providers` section every factory is built on its
   * defaults, so only those whose settings need nothing, or get what they need from their env
   * variables (the `openai` preset with `OPENAI_API_KEY`), take part; a configured entry can
   * still name any type.
   */
  async factories(): Promise<ProviderFactory[]> {
    const [{ loadProviderFactories }, { config }, { providerSettingsFromEnv }] = await Promise.all([
      import('./provider-catalog'),
      this.loadConfig(),
      import('@infermux/core'),
    ]);
    const factories = await loadProviderFactories();
    if (config.providers) return factories;
    this.#defaultSettings ??= new Map(
      factories.map((factory) => {
        // A factory that needs nothing reads its env variables itself, on use.
        if (factory.settingsSchema.safeParse({}).success) return [factory, {}];
        const fromEnv = providerSettingsFromEnv(factory, this.env);
        return [factory, factory.settingsSchema.safeParse(fromEnv).success ? fromEnv : undefined];
      }),
    );
    const defaults = this.#defaultSettings;
    return factories.filter((factory) => defaults.get(factory) !== undefined);
  }

  /**
   * The client for this run, built once from the config through the adapters' factories
   * (routes, retries, limits and prices come from the same file). `overrides` adds what a
   * file cannot hold (event listeners, a per-command retry budget).
   */
  client(overrides: Partial<Omit<ClientOptions, 'providers'>> = {}): Promise<Client> {
    this.#client ??= (async () => {
      const [{ createClientFromConfig }, { config }, factories] = await Promise.all([
        import('@infermux/core'),
        this.loadConfig(),
        this.factories(),
      ]);
      const providers =
        config.providers ??
        Object.fromEntries(factories.map((factory) => [factory.type, this.#defaultSettings?.get(factory) ?? {}]));
      return createClientFromConfig({ ...config, providers }, factories, {
        env: this.env,
        // The CLI is run by the person who owns the files: `@path` and plain paths are fine.
        overrides: { allowFilePaths: true, ...overrides },
      });
    })();
    return this.#client;
  }
}
