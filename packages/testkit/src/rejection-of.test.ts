import { describe, expect, it } from 'vitest';
import { rejectionOf } from './rejection-of';

class KnownError extends Error {}
const isKnown = (error: unknown): error is KnownError => error instanceof KnownError;

describe('rejectionOf', () => {
  it('returns what the promise rejected with', async () => {
    const error = new Error('no');
    expect(await rejectionOf(Promise.reject(error))).toBe(error);
  });

  it('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow('expected the promise to reject, but it resolved');
  });

  it('with a type guard: returns a rejection that passes it, fails on any other', async () => {
    const known = new KnownError('known');
    expect(await rejectionOf(Promise.reject(known), isKnown)).toBe(known);
    await expect(rejectionOf(Promise.reject(new Error('other')), isKnown)).rejects.toThrow(
      'expected the promise to reject with another kind of error, got Error: other',
    );
  });
});
