import { InfermuxError } from '@infermux/core';

/** Awaits a promise that must reject with an InfermuxError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<InfermuxError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!InfermuxError.isInstance(error)) throw new Error(`expected an InfermuxError, got ${String(error)}`);
  return error;
}

export const testKey = 'sk-evo-test0123456789abcdef';
