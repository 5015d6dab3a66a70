import { type CataloguePrice, parseWith } from '@infermux/core';
import { z } from 'zod';

/**
 * `GET {router}/v1/models` (wire/hf §10): per model, its providers, each with an optional
 * `pricing: {input, output}` in USD per million tokens. Tolerant: extra fields pass, a provider
 * without pricing is skipped (that model on that provider stays unpriced by the catalogue).
 */
const routerModelsSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      providers: z
        .array(
          z.looseObject({
            provider: z.string(),
            pricing: z.looseObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }).nullish(),
          }),
        )
        .nullish(),
    }),
  ),
});

/** The router's model list → catalogue prices keyed by model and provider (the model reference's `:variant`). */
export function routerModelPrices(body: unknown, provider: string): CataloguePrice[] {
  const { data } = parseWith(routerModelsSchema, body, `${provider}: the router's model list (GET /v1/models)`, {
    provider,
    code: 'provider_bad_response',
  });
  const prices: CataloguePrice[] = [];
  for (const model of data) {
    for (const offer of model.providers ?? []) {
      if (!offer.pricing) continue;
      prices.push({
        model: model.id,
        variant: offer.provider,
        price: {
          currency: 'USD',
          inputPerMillionTokens: offer.pricing.input,
          outputPerMillionTokens: offer.pricing.output,
        },
      });
    }
  }
  return prices;
}
