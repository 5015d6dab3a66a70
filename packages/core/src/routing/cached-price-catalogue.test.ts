import { describe, expect, it } from 'vitest';
import type { CataloguePrice } from '../provider/provider-pricing';
import { CachedPriceCatalogue } from './cached-price-catalogue';

function entry(input: number): CataloguePrice[] {
  return [{ model: 'org/m', variant: 'p', price: { inputPerMillionTokens: input } }];
}

describe('CachedPriceCatalogue', () => {
  it('refreshes in the background once past its TTL, and a failed refresh keeps the last good copy', async () => {
    let now = 0;
    const answers: Array<CataloguePrice[] | Error> = [entry(1), new Error('down'), entry(3)];
    let loads = 0;
    const errors: unknown[] = [];
    const catalogue = new CachedPriceCatalogue({
      name: 'list',
      ttlMs: 60_000,
      now: () => now,
      onError: (error) => errors.push(error),
      load: async () => {
        const answer = answers[loads++] as CataloguePrice[] | Error;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    await catalogue.refresh();
    expect(catalogue.price({ id: 'org/m', variant: 'p' })).toEqual({ inputPerMillionTokens: 1 });
    expect(catalogue.fetchedAt).toBe('1970-01-01T00:00:00.000Z');
    now = 59_999;
    catalogue.price({ id: 'org/m', variant: 'p' });
    expect(loads).toBe(1);
    // Past the TTL: the lookup answers from the copy it has and starts a refresh, which fails.
    now = 60_000;
    expect(catalogue.price({ id: 'org/m', variant: 'p' })).toEqual({ inputPerMillionTokens: 1 });
    await catalogue.refresh();
    expect(loads).toBe(2);
    expect(errors).toHaveLength(1);
    expect(catalogue.lastError).toBeInstanceOf(Error);
    expect(catalogue.price({ id: 'org/m', variant: 'p' })).toEqual({ inputPerMillionTokens: 1 });
    // A failing list is not asked again at once...
    now = 60_010;
    catalogue.price({ id: 'org/m', variant: 'p' });
    expect(loads).toBe(2);
    // ...but is after a while, and the new copy replaces the old.
    now = 95_000;
    catalogue.price({ id: 'org/m', variant: 'p' });
    await catalogue.refresh();
    expect(loads).toBe(3);
    expect(catalogue.price({ id: 'org/m', variant: 'p' })).toEqual({ inputPerMillionTokens: 3 });
    expect(catalogue.lastError).toBeUndefined();
    expect(catalogue.price({ id: 'org/m', variant: 'other' })).toBeUndefined();
  });

  it('shares one load between concurrent refreshes; force reloads a fresh copy', async () => {
    let loads = 0;
    const catalogue = new CachedPriceCatalogue({
      name: 'list',
      ttlMs: 60_000,
      load: async () => {
        loads++;
        return entry(loads);
      },
    });
    await Promise.all([catalogue.refresh(), catalogue.refresh(), catalogue.refresh()]);
    expect(loads).toBe(1);
    await catalogue.refresh({ force: true });
    expect(loads).toBe(2);
    expect(catalogue.list()).toEqual(entry(2));
  });
});
