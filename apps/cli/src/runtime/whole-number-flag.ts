import { InfermuxError } from '@infermux/core';

/** A flag that takes a whole number (`-j 8`, `--retries 0`); anything else is a usage error naming the flag. */
export function wholeNumberFlag(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${flag} ${text}: expected a whole number ≥ ${min}`,
      details: { field: flag },
    });
  }
  return value;
}
