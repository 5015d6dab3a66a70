import { describe, expect, it } from 'vitest';
import { usageFromHeaders } from './usage-from-headers';

describe('usageFromHeaders', () => {
  it('reads x-compute-time as seconds from TGI and api-inference-community, with the hardware', () => {
    expect(
      usageFromHeaders({ 'x-compute-time': '0.250', 'x-compute-type': 'gpu', 'x-compute-characters': '12' }),
    ).toEqual({ computeSeconds: 0.25, computeType: 'gpu', characters: 12 });
  });

  it('reads TEI’s whole milliseconds as seconds when TEI’s own headers identify it', () => {
    expect(
      usageFromHeaders({ 'x-compute-time': '42', 'x-compute-tokens': '7', 'x-compute-type': 'gpu+optimized' }),
    ).toEqual({ computeSeconds: 0.042, computeType: 'gpu+optimized' });
    expect(usageFromHeaders({ 'x-compute-time': '1500', 'x-tokenization-time': '1' }).computeSeconds).toBe(1.5);
  });
});
