import { describe, expect, it } from 'vitest';
import type { Meter } from './admission-store';
import { InMemoryAdmissionStore } from './in-memory-admission-store';

const tpm: Meter = { id: 'tpm:k', limit: 600, refillMs: 60_000 }; // 10 a second

describe('InMemoryAdmissionStore', () => {
  it('reserves all claims or none', async () => {
    const store = new InMemoryAdmissionStore();
    const budget: Meter = { id: 'budget:k', limit: 1, period: 0 };
    expect(
      await store.reserve(
        [
          { meter: tpm, amount: 100 },
          { meter: budget, amount: 2 },
        ],
        0,
      ),
    ).toMatchObject({
      claim: { meter: budget },
    });
    expect(await store.used(tpm, 0)).toBe(0);
  });

  it('settling releases or charges the difference; usage over the limit is a debt paid back by refill', async () => {
    const store = new InMemoryAdmissionStore();
    const claims = [{ meter: tpm, amount: 500 }];
    expect(await store.reserve(claims, 0)).toBeUndefined();
    expect(await store.reserve([{ meter: tpm, amount: 200 }], 0)).toMatchObject({ used: 500, waitMs: 10_000 });
    await store.settle(claims, [700], 0);
    expect(await store.used(tpm, 0)).toBe(700);
    expect(await store.reserve([{ meter: tpm, amount: 1 }], 0)).toMatchObject({ waitMs: 10_100 });
    expect(await store.reserve([{ meter: tpm, amount: 1 }], 10_100)).toBeUndefined();
  });

  it('a new period starts from its initial usage', async () => {
    const store = new InMemoryAdmissionStore();
    const day1: Meter = { id: 'budget:k', limit: 1, period: 1, initial: async () => 0.9 };
    expect(await store.reserve([{ meter: day1, amount: 0.2 }], 0)).toBeDefined();
    const day2: Meter = { ...day1, period: 2, initial: async () => 0 };
    expect(await store.reserve([{ meter: day2, amount: 0.2 }], 0)).toBeUndefined();
  });
});
