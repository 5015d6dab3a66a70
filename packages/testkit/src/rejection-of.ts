/** Awaits a promise that must reject and returns what it rejected with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown>;
/** …and fails the test unless the rejection passes `is` (e.g. `InfermuxError.isInstance`), typed by it. */
export async function rejectionOf<E>(promise: Promise<unknown>, is: (error: unknown) => error is E): Promise<E>;
export async function rejectionOf(promise: Promise<unknown>, is?: (error: unknown) => boolean): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    if (is && !is(error))
      throw new Error(`expected the promise to reject with another kind of error, got ${String(error)}`);
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
