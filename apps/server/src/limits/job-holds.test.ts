import type { Cost } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import type { GatewayKey } from '../keys/gateway-key';
import type { UsageLedger } from '../ledger/usage-ledger';
import { InMemoryAdmissionStore } from './in-memory-admission-store';
import { KeyAdmission } from './key-admission';

const DAY = 24 * 60 * 60 * 1000;
const cost = (amount: number, basis: 'quote' | 'final'): Cost => ({
  amount,
  currency: 'USD',
  source: 'default',
  priceVersion: 'test',
  basis,
});
const ledger = { flush: () => undefined, spentSince: () => 0 } as unknown as UsageLedger;

function setup(period: 'total' | 'day' = 'total') {
  const store = new InMemoryAdmissionStore();
  const admission = new KeyAdmission(store, {}, ledger);
  const key = { id: 'k1', name: 'jobs', budget: { amount: 1, period } } as GatewayKey;
  const spent = (now = Date.now()) =>
    store.used({ id: 'budget:k1', limit: 1, period: period === 'total' ? 0 : Math.floor(now / DAY) * DAY }, now);
  /** A submission as the gateway books it: reserve, settle to the quote, hold it. */
  const submit = async (jobId: string, quote: number, now = Date.now()) => {
    const reservation = await admission.reserve(key, { tokens: 0, cost: quote }, now);
    await admission.settle(reservation, { tokens: 0, cost: quote }, now);
    admission.jobs.hold(jobId, key, quote, now);
  };
  return { admission, key, spent, submit };
}

describe('JobHolds', () => {
  it('replaces a held quote with the final charge once a status shows the job settled, once', async () => {
    const { admission, spent, submit } = setup();
    await submit('job-a', 0.4);
    await submit('job-b', 0.4);
    expect(await spent()).toBeCloseTo(0.8);
    await admission.jobs.observe('job-a', { state: 'running', cost: null });
    expect(admission.jobs.holds('job-a')).toBe(true);
    const final = cost(0.1, 'final');
    await admission.jobs.observe('job-a', { state: 'succeeded', cost: final });
    expect(await spent()).toBeCloseTo(0.5);
    // Polled again, or by someone else: nothing is settled twice.
    await admission.jobs.observe('job-a', { state: 'succeeded', cost: final });
    expect(await spent()).toBeCloseTo(0.5);
    expect(admission.jobs.holds('job-a')).toBe(false);
  });

  it('keeps the quote when the job settles with no final charge (failed, cancelled, or only a quote reported)', async () => {
    const { admission, spent, submit } = setup();
    await submit('job-a', 0.3);
    await submit('job-b', 0.3);
    await submit('job-c', 0.3);
    await admission.jobs.observe('job-a', { state: 'failed', cost: null });
    await admission.jobs.observe('job-b', { state: 'canceled' });
    const quote = cost(0.3, 'quote');
    await admission.jobs.observe('job-c', { state: 'succeeded', cost: quote });
    expect(await spent()).toBeCloseTo(0.9);
    for (const job of ['job-a', 'job-b', 'job-c']) expect(admission.jobs.holds(job)).toBe(false);
  });

  it('a hold from a budget period that has ended settles nothing into the new one', async () => {
    const { admission, spent, submit } = setup('day');
    const yesterday = Date.now() - DAY;
    await submit('job-a', 0.5, yesterday);
    const final = cost(0.1, 'final');
    await admission.jobs.observe('job-a', { state: 'succeeded', cost: final });
    expect(await spent()).toBe(0);
  });

  it('lets one submission per model learn its quote while the others wait for it', async () => {
    const { admission } = setup();
    const first = await admission.jobs.learnQuote('evolink:image');
    expect(first).toBeTypeOf('function');
    let secondStarted = false;
    const second = admission.jobs.learnQuote('evolink:image').then((end) => {
      secondStarted = true;
      return end;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondStarted).toBe(false);
    admission.jobs.recordQuote('evolink:image', 0.25);
    first?.();
    // The quote is in: the second needs no turn of its own and reserves the quote.
    expect(await second).toBeUndefined();
    expect(admission.jobs.quoteFor('evolink:image')).toBe(0.25);
  });
});
