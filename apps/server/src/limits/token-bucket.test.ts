import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket (per-minute limits)', () => {
  it('admits up to capacity, then says how long until the next unit', () => {
    const bucket = new TokenBucket(60, 0); // one per second
    for (let index = 0; index < 60; index++) expect(bucket.take(1, 0)).toBe(0);
    expect(bucket.take(1, 0)).toBe(1000);
    expect(bucket.take(1, 1000)).toBe(0);
  });
});
