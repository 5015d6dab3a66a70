import type { DefaultPriceTable } from '@infermux/core';

/**
 * Prices shipped with the adapter for what the router's model list does not give: hf-inference bills
 * compute time × the hardware's price per second (wire/hf §10). Hugging Face publishes no per-hardware
 * table; the one rate on its pricing page is an example. Every other hardware class (`cpu`, TGI and TEI's
 * default `gpu+optimized`) stays unknown unless `prices.models` sets `perComputeSecond`.
 */
export const hfDefaultPrices: DefaultPriceTable = {
  version: 'hf-defaults-2026-12-07',
  entries: [
    {
      model: '*',
      computeType: 'gpu',
      // Non-chat tasks (no variant) and `:hf-inference` chat run on HF's own servers.
      variants: ['', 'hf-inference'],
      price: { currency: 'USD', perComputeSecond: 0.00012 },
      sourceUrl: 'https://huggingface.co/docs/inference-providers/pricing',
      date: '2026-12-07',
      note: 'The pricing page\'s worked example ("a GPU at $0.00012/s": FLUX.1-dev, 10 s → $0.0012); no per-hardware table is published, so that every GPU bills this rate is unverified.',
    },
  ],
};
