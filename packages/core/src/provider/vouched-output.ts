/**
 * Outputs an adapter built itself from an upstream body it already validated, in a shape that
 * satisfies the task's output schema by construction (every required field set, with its type).
 * Core skips re-validating those: on a busy gateway a second zod pass over every response is a
 * measurable share of the CPU, and it can only fail on a bug in the adapter's own mapping (which
 * the adapter's tests check against the task schema). Anything not vouched for is validated.
 */
const vouched = new WeakSet<object>();

/** Marks `output` as produced by the adapter's own mapping (see above); returns it unchanged. */
export function vouchForOutput<T extends object>(output: T): T {
  vouched.add(output);
  return output;
}

export function isVouchedOutput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && vouched.has(value);
}
