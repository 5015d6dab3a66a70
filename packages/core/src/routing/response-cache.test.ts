import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheKey } from './cache-key';
import { MemoryCacheStorage } from './response-cache';

describe('MemoryCacheStorage (LRU + TTL)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('evicts the least recently used entry and expires entries after their TTL', async () => {
    const cache = new MemoryCacheStorage<string>(2);
    await cache.set('a', 'A', 1_000);
    await cache.set('b', 'B', 1_000);
    expect(await cache.get('a')).toBe('A'); // a is now the most recent
    await cache.set('c', 'C', 1_000);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('A');
    vi.advanceTimersByTime(1_000);
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});

describe('cacheKey', () => {
  it('ignores key order and undefined fields, but not values, models or binary content', async () => {
    const base = await cacheKey({
      task: 'text-classification',
      model: 'hf:m@main',
      input: { inputs: 'x', parameters: { top_k: 2, function_to_apply: 'softmax' } },
    });
    expect(
      await cacheKey({
        task: 'text-classification',
        model: 'hf:m@main',
        input: { parameters: { function_to_apply: 'softmax', top_k: 2 }, inputs: 'x', extra: undefined },
      }),
    ).toBe(base);
    expect(
      await cacheKey({
        task: 'text-classification',
        model: 'hf:m@main',
        input: { inputs: 'y', parameters: { top_k: 2, function_to_apply: 'softmax' } },
      }),
    ).not.toBe(base);
    expect(
      await cacheKey({
        task: 'text-classification',
        model: 'hf:m@v2',
        input: { inputs: 'x', parameters: { top_k: 2, function_to_apply: 'softmax' } },
      }),
    ).not.toBe(base);
    const blobA = await cacheKey({
      task: 'image-classification',
      model: 'm',
      input: { inputs: new Blob([new Uint8Array([1, 2, 3])]) },
    });
    const blobB = await cacheKey({
      task: 'image-classification',
      model: 'm',
      input: { inputs: new Blob([new Uint8Array([1, 2, 4])]) },
    });
    expect(blobA).not.toBe(blobB);
  });
});
