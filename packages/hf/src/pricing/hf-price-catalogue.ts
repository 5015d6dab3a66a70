import { CachedPriceCatalogue, type ModelRef, type Transport } from '@infermux/core';
import { buildHeaders, getJson } from '@infermux/core/provider-utils';
import { hfErrorFromResponse } from '../hf-errors';
import { HF_INFERENCE_VARIANT } from '../tasks/chat-completion';
import { routerModelPrices } from './router-model-prices';

/** Router policies, not providers: which provider (and so which price) serves the call is not known in advance. */
const POLICY_VARIANTS = new Set(['fastest', 'cheapest', 'preferred', HF_INFERENCE_VARIANT]);

export interface HfPriceCatalogueOptions {
  provider: string;
  transport: Transport;
  routerURL: () => string;
  token: () => string | undefined;
  headers: () => Record<string, string> | undefined;
  ttlMs: number;
}

/**
 * The HF router's model list as a price catalogue: a chat call routed to a named provider
 * (`org/name:novita`) is priced at that provider's listed token prices.
 */
export function createHfPriceCatalogue(options: HfPriceCatalogueOptions): CachedPriceCatalogue {
  const { provider } = options;
  return new CachedPriceCatalogue({
    name: `${provider}-router-models`,
    ttlMs: options.ttlMs,
    covers: (model: ModelRef) => model.variant !== undefined && !POLICY_VARIANTS.has(model.variant),
    async load(signal) {
      const token = options.token();
      const url = `${options.routerURL()}/v1/models`;
      const response = await getJson({
        transport: options.transport,
        provider,
        url,
        headers: buildHeaders({ settings: options.headers(), apiKey: token }),
        signal,
        errorFromResponse: (answer) =>
          hfErrorFromResponse(answer, { provider, modelId: '(model list)', sentToken: token !== undefined }),
      });
      return routerModelPrices(await response.json(), provider);
    },
  });
}
