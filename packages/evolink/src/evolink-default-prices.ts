import type { DefaultPriceTable } from '@infermux/core';

/**
 * EvoLink charges credits (a task's `usage.credits_reserved`, wire/evolink §6); this converts them to USD.
 * The rate is inferred, not published: the quickstarts' one example with both numbers shows
 * `credits_reserved: 252` beside `estimated_cost: 0.252`, i.e. $0.001 a credit if that cost is in USD.
 * Override with `prices.models["evolink:*"] = { perCredit: … }` (your account's rate) when it differs.
 * Chat answers carry tokens only and no per-model token price is published on the wire: chat stays
 * unknown unless configured.
 */
export const evolinkDefaultPrices: DefaultPriceTable = {
  version: 'evolink-defaults-2026-12-07',
  entries: [
    {
      model: '*',
      reports: ['credits', 'creditsReserved'],
      price: { currency: 'USD', perCredit: 0.001 },
      sourceUrl: 'https://docs.evolink.ai/ko/quickstart',
      date: '2026-12-07',
      note: 'Inferred from one example (credits_reserved 252, estimated_cost 0.252, gpt-4o-image; also ja/ and cn/quickstart); the unit of estimated_cost is not stated, so the credit→USD rate is unverified. Applies to credits only: a call that reports none (chat) is not priced by it.',
    },
  ],
};
