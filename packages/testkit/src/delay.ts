/**
 * Node's timers overflow to 1 ms above this value (with a warning), so a "wait forever" of
 * `Infinity` ms would fire almost at once. Clamping keeps very large delays as real stalls.
 */
const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * Resolves after `ms` milliseconds. When `signal` aborts first, the timer is cleared (nothing keeps
 * the process alive) and the promise rejects with the signal's reason.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(Math.max(ms, 0), LONGEST_TIMER_MS),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
