import { InfermuxError } from '../errors/infermux-error';

/** Waits `ms`, or rejects with `caller_aborted` as soon as `signal` aborts (the timer is cleared). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal | undefined): InfermuxError {
  return new InfermuxError({ code: 'caller_aborted', message: 'The request was aborted by the caller', cause: signal?.reason });
}
