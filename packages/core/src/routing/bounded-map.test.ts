import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map';

const keys = (map: BoundedMap<string, { busy: boolean }>): string[] => [...map.entries()].map(([key]) => key);

describe('BoundedMap', () => {
  it('evicts the least recently used entry past its capacity, a read counting as a use', () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, { busy: boolean }>({
      capacity: 3,
      evictable: (value) => !value.busy,
      onEvict: (key) => evicted.push(key),
    });
    for (const key of ['a', 'b', 'c']) map.set(key, { busy: false });
    map.get('a');
    map.set('d', { busy: false });
    expect(evicted).toEqual(['b']);
    expect(keys(map)).toEqual(['c', 'a', 'd']);
    expect(map.peek('c')).toBeDefined();
    map.set('e', { busy: false });
    expect(evicted).toEqual(['b', 'c']);
  });

  it('keeps entries that are not evictable up to the hard capacity, then evicts the least recent non-permanent one', () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, { busy: boolean }>({
      capacity: 2,
      hardCapacity: 4,
      evictable: (value) => !value.busy,
      permanent: (key) => key === 'pinned',
      onEvict: (key) => evicted.push(key),
    });
    map.set('pinned', { busy: true });
    for (const key of ['x', 'y', 'z']) map.set(key, { busy: true });
    expect(map.size).toBe(4);
    expect(evicted).toEqual([]);
    map.set('w', { busy: true });
    expect(map.size).toBe(4);
    expect(evicted).toEqual(['x']);
    expect(map.peek('pinned')).toBeDefined();
  });

  it('drifts back under its capacity once busy entries become evictable', () => {
    const values = new Map<string, { busy: boolean }>();
    const map = new BoundedMap<string, { busy: boolean }>({ capacity: 2, evictable: (value) => !value.busy });
    for (const key of ['a', 'b', 'c', 'd']) {
      const value = { busy: true };
      values.set(key, value);
      map.set(key, value);
    }
    expect(map.size).toBe(4);
    for (const value of values.values()) value.busy = false;
    map.set('e', { busy: false });
    expect(map.size).toBe(3);
    map.set('f', { busy: false });
    expect(map.size).toBe(2);
  });
});
