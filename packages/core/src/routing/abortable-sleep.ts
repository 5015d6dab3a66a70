import { InfermuxError } from '../errors/infermux-error';
import { abortableSleep as sleep } from '../jobs/abortable-sleep';

/** Waits `ms`, or rejects with `caller_aborted` as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(
    ms,
    signal,
    () =>
      new InfermuxError({
        code: 'caller_aborted',
        message: 'The request was aborted by the caller',
        cause: signal?.reason,
      }),
  );
}
