import { describe, expect, it } from 'vitest';
import { InFlightList } from './in-flight-list';

describe('InFlightList', () => {
  it('counts and lists what is in flight, in any order of leaving', () => {
    const list = new InFlightList<string>();
    const leaveA = list.add('a');
    const leaveB = list.add('b');
    const leaveC = list.add('c');
    expect(list.size).toBe(3);
    leaveB();
    expect([...list].sort()).toEqual(['a', 'c']);
    leaveC();
    leaveA();
    expect(list.size).toBe(0);
    expect([...list]).toEqual([]);
    list.add('d');
    expect([...list]).toEqual(['d']);
  });

  it('ignores a second leave of the same entry', () => {
    const list = new InFlightList<number>();
    const leave = list.add(1);
    list.add(2);
    leave();
    leave();
    expect(list.size).toBe(1);
    expect([...list]).toEqual([2]);
  });

  it('lets an item leave while the list is being walked (the shutdown cut)', () => {
    const list = new InFlightList<number>();
    const leaves = new Map<number, () => void>();
    for (const item of [1, 2, 3]) leaves.set(item, list.add(item));
    const seen: number[] = [];
    for (const item of list) {
      seen.push(item);
      leaves.get(item)?.();
    }
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(list.size).toBe(0);
  });
});
