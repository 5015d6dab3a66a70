import { type ProviderV1, parseModelRef, type RouteConfig } from '@infermux/core';
import type { Logger } from 'pino';

/** One entry of `GET /v1/models`, in OpenAI's shape. */
export interface ListedModel {
  id: string;
  object: 'model';
  /** Unix seconds: the upstream's date for a catalogue model, the gateway's start for configured names. */
  created: number;
  owned_by: string;
}

interface Catalogue {
  models: ListedModel[];
  /** When to ask the upstream again (ms since the epoch). */
  refreshAt: number;
  loading: Promise<void> | undefined;
}

export interface ModelListOptions {
  routes: Readonly<Record<string, RouteConfig>>;
  providers: readonly ProviderV1[];
  startedAt: number;
  logger: Logger;
  /** How long a provider's catalogue is reused. */
  ttlMs?: number;
  /** After a failed load, how long before the next attempt (the last good list, if any, is served meanwhile). */
  retryMs?: number;
  /** A catalogue that has not answered in this long is left out of this answer (and loaded on). */
  timeoutMs?: number;
}

function ownerOf(model: string): string {
  try {
    return parseModelRef(model).provider ?? 'infermux';
  } catch {
    return 'infermux';
  }
}

/**
 * What the gateway can serve, for `GET /v1/models`: the configured route names, the models their targets
 * name, and the models of each provider that has a catalogue (`listModels`: an OpenAI-compatible upstream's
 * `/v1/models`, the HF router's), as `provider:id` — the reference a call uses. Catalogues are cached; one
 * that fails or is slow never fails the list, it is only missing from it (and logged).
 */
export class GatewayModelList {
  private readonly configured: ListedModel[];
  private readonly catalogues = new Map<ProviderV1, Catalogue>();
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ModelListOptions) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.retryMs = options.retryMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    const created = Math.floor(options.startedAt / 1000);
    const seen = new Set<string>();
    this.configured = [];
    const add = (id: string, owner: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      this.configured.push({ id, object: 'model', created, owned_by: owner });
    };
    for (const name of Object.keys(options.routes)) add(name, 'infermux');
    for (const route of Object.values(options.routes))
      for (const target of route.targets) add(target.model, target.provider ?? ownerOf(target.model));
    for (const provider of options.providers)
      if (provider.listModels) this.catalogues.set(provider, { models: [], refreshAt: 0, loading: undefined });
  }

  async list(): Promise<ListedModel[]> {
    const now = Date.now();
    const pending: Promise<void>[] = [];
    for (const [provider, catalogue] of this.catalogues) {
      if (catalogue.refreshAt <= now) catalogue.loading ??= this.load(provider, catalogue);
      if (catalogue.loading) pending.push(catalogue.loading);
    }
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.timeoutMs);
      });
      await Promise.race([Promise.all(pending), timeout]);
      clearTimeout(timer);
    }
    const seen = new Set(this.configured.map((model) => model.id));
    const listed = [...this.configured];
    for (const catalogue of this.catalogues.values())
      for (const model of catalogue.models) {
        if (seen.has(model.id)) continue;
        seen.add(model.id);
        listed.push(model);
      }
    return listed;
  }

  private async load(provider: ProviderV1, catalogue: Catalogue): Promise<void> {
    const fallbackCreated = Math.floor(this.options.startedAt / 1000);
    try {
      const models = await (provider.listModels as NonNullable<ProviderV1['listModels']>)({
        signal: AbortSignal.timeout(Math.max(this.timeoutMs, 30_000)),
      });
      catalogue.models = models.map((model) => ({
        id: `${provider.name}:${model.id}`,
        object: 'model',
        created: model.created ?? fallbackCreated,
        owned_by: model.ownedBy ?? provider.name,
      }));
      catalogue.refreshAt = Date.now() + this.ttlMs;
    } catch (error) {
      catalogue.refreshAt = Date.now() + this.retryMs;
      this.options.logger.warn(
        { provider: provider.name, err: error },
        'listing the provider’s models failed; /v1/models leaves them out for now',
      );
    } finally {
      catalogue.loading = undefined;
    }
  }
}
