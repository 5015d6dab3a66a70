/**
 * The one exception to core validating every provider output against its task's schema: outputs an
 * adapter built itself from an upstream body it already validated, in a shape that satisfies the
 * output schema by construction (every required field set, with its type), marked here. A second
 * zod pass over those could only fail on a bug in the adapter's mapping, which the adapter's tests
 * check against the task schema. Kept because `pnpm bench` measured that pass as a visible share of
 * the gateway's CPU per answer. Anything not vouched for is validated (`validateOutput` in
 * client/routed-call.ts).
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
