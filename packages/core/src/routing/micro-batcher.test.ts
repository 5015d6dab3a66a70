import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('coalesces concurrent requests with the same key within the window, per-item results and errors', async () => {
    const calls: Array<{ key: string; inputs: string[] }> = [];
    const batcher = new MicroBatcher<string, string>({
      windowMs: 10,
      maxBatchSize: 3,
      run: async (key, inputs) => {
        calls.push({ key, inputs });
        return inputs.map((input) =>
          input === 'bad' ? new Error(`bad input ${input}`) : `${key}:${input.toUpperCase()}`,
        );
      },
    });
    const a = batcher.submit('m1', 'a');
    const b = batcher.submit('m1', 'bad');
    const c = batcher.submit('m2', 'c');
    const bResult = b.catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(10);
    expect(await a).toBe('m1:A');
    expect(await bResult).toBe('bad input bad');
    expect(await c).toBe('m2:C');
    expect(calls).toEqual([
      { key: 'm1', inputs: ['a', 'bad'] },
      { key: 'm2', inputs: ['c'] },
    ]);
  });

  it('sends a full batch at once without waiting for the window', async () => {
    const run = vi.fn(async (_key: string, inputs: number[]) => inputs.map((input) => input * 2));
    const batcher = new MicroBatcher<number, number>({ windowMs: 1_000, maxBatchSize: 2, run });
    const results = Promise.all([batcher.submit('k', 1), batcher.submit('k', 2)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
    expect(await results).toEqual([2, 4]);
  });
});
