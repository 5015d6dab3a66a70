import { InfermuxError } from '@infermux/core';
import { rejectionOf } from '@infermux/testkit';

/** Awaits a promise that must reject with an InfermuxError, and returns the error. */
export function rejection(promise: Promise<unknown>): Promise<InfermuxError> {
  return rejectionOf(promise, InfermuxError.isInstance);
}

export const testKey = 'sk-evo-test0123456789abcdef';
