import { InfermuxError } from '../errors/infermux-error';
import type { TaskId } from '../tasks/task-registry';
import type { ProviderV1 } from './provider';

/** Providers by name. Apps and the client look providers up here, never by `if (name === …)`. */
export class ProviderRegistry {
  readonly #providers = new Map<string, ProviderV1>();
  #version = 0;

  constructor(providers: Iterable<ProviderV1> = []) {
    for (const provider of providers) this.register(provider);
  }

  register(provider: ProviderV1): this {
    if (provider.specificationVersion !== 'v1') {
      throw new InfermuxError({
        code: 'gateway_internal',
        message: `Provider "${provider.name}" implements specification ${String(provider.specificationVersion)}; this version of infermux supports v1`,
      });
    }
    this.#providers.set(provider.name, provider);
    this.#version += 1;
    return this;
  }

  /** Changes on every `register`: lets callers cache what they derive from the registry. */
  get version(): number {
    return this.#version;
  }

  get(name: string): ProviderV1 {
    const provider = this.#providers.get(name);
    if (!provider) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `Unknown provider "${name}". Configured providers: ${this.names().join(', ') || '(none)'}.`,
        details: { field: 'provider', value: name },
      });
    }
    return provider;
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  names(): string[] {
    return [...this.#providers.keys()];
  }

  list(): ProviderV1[] {
    return [...this.#providers.values()];
  }

  /** Providers that serve a task, in registration order. */
  forTask(task: TaskId): ProviderV1[] {
    return this.list().filter((provider) => provider.tasks[task] !== undefined);
  }
}
