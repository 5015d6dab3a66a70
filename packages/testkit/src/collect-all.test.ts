import { describe, expect, it } from 'vitest';
import { collectAll } from './collect-all';

describe('collectAll', () => {
  it('reads an async iterable to its end, in order', async () => {
    async function* parts() {
      yield 'a';
      yield 'b';
      yield 'c';
    }
    expect(await collectAll(parts())).toEqual(['a', 'b', 'c']);
  });
});
