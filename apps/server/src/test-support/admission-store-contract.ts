import { expect, it } from 'vitest';
import type { AdmissionStore, Meter } from '../limits/admission-store';

/**
 * What every `AdmissionStore` must do, run against each implementation (in memory, Redis). `newStore` gives a
 * store with nothing booked; `unique` makes meter ids that no earlier run (or other test) shares.
 */
export function admissionStoreContract(newStore: () => AdmissionStore, unique: (id: string) => string): void {
  const tpm = (): Meter => ({ id: unique('tpm:k'), limit: 600, refillMs: 60_000 }); // 10 a second

  it('reserves all claims or none', async () => {
    const store = newStore();
    const tokens = tpm();
    const budget: Meter = { id: unique('budget:k'), limit: 1, period: 0 };
    expect(
      await store.reserve(
        [
          { meter: tokens, amount: 100 },
          { meter: budget, amount: 2 },
        ],
        0,
      ),
    ).toMatchObject({ claim: { meter: budget } });
    expect(await store.used(tokens, 0)).toBe(0);
  });

  it('settling releases or charges the difference; usage over the limit is a debt paid back by refill', async () => {
    const store = newStore();
    const tokens = tpm();
    const claims = [{ meter: tokens, amount: 500 }];
    expect(await store.reserve(claims, 0)).toBeUndefined();
    expect(await store.reserve([{ meter: tokens, amount: 200 }], 0)).toMatchObject({ used: 500, waitMs: 10_000 });
    await store.settle(claims, [700], 0);
    expect(await store.used(tokens, 0)).toBe(700);
    expect(await store.reserve([{ meter: tokens, amount: 1 }], 0)).toMatchObject({ waitMs: 10_100 });
    expect(await store.reserve([{ meter: tokens, amount: 1 }], 10_100)).toBeUndefined();
  });

  it('a new period starts from its initial usage, asked once per period', async () => {
    const store = newStore();
    let asked = 0;
    const id = unique('budget:k');
    const day1: Meter = {
      id,
      limit: 1,
      period: 1,
      initial: () => {
        asked++;
        return 0.9;
      },
    };
    expect(await store.reserve([{ meter: day1, amount: 0.2 }], 0)).toBeDefined();
    expect(await store.reserve([{ meter: day1, amount: 0.05 }], 0)).toBeUndefined();
    expect(await store.used(day1, 0)).toBeCloseTo(0.95, 10);
    expect(asked).toBe(1);
    const day2: Meter = { ...day1, period: 2, initial: () => 0 };
    expect(await store.reserve([{ meter: day2, amount: 0.2 }], 0)).toBeUndefined();
  });

  it('a full budget refuses even a zero claim; fractional amounts keep their precision', async () => {
    const store = newStore();
    const budget: Meter = { id: unique('budget:k'), limit: 0.5, period: 0 };
    expect(await store.reserve([{ meter: budget, amount: 0.1 }], 0)).toBeUndefined();
    expect(await store.reserve([{ meter: budget, amount: 0.4 + 1e-12 }], 0)).toMatchObject({ used: 0.1 });
    expect(await store.reserve([{ meter: budget, amount: 0.4 }], 0)).toBeUndefined();
    expect(await store.used(budget, 0)).toBe(0.5);
    expect(await store.reserve([{ meter: budget, amount: 0 }], 0)).toMatchObject({ waitMs: undefined });
  });

  it('concurrent reservations never book past the limit', async () => {
    const store = newStore();
    const rpm: Meter = { id: unique('rpm:k'), limit: 7, refillMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 50 }, () => store.reserve([{ meter: rpm, amount: 1 }], 0)));
    expect(results.filter((refusal) => refusal === undefined)).toHaveLength(7);
  });
}
