import { unwatchAbort, watchAbort } from '../transport/watch-abort';

export interface LinkedSignal {
  /** Aborts when any source aborts (with that source's reason), or when `abort` is called. */
  signal: AbortSignal;
  /** Aborts the linked signal itself (a deadline, a lost hedge) without touching the sources. */
  abort(reason?: unknown): void;
  /** Detaches from the sources; call once the linked work is over. */
  dispose(): void;
}

const noop = (): void => undefined;

/**
 * Like `AbortSignal.any`, but detachable. Node 20's `AbortSignal.any` keeps every composite
 * alive for as long as a source lives (nodejs/node#55351), so a long-lived caller signal would
 * leak one composite per request; here the listeners are removed when the work ends.
 * The link owns its controller, so a caller that also needs to abort on its own (a deadline
 * timer) uses `abort` instead of creating a second controller to link in: controllers and
 * `abort` listeners are a measurable share of a request's CPU on a busy gateway.
 */
export function linkSignals(sources: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const abort = (reason?: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  let present: AbortSignal[] | undefined;
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      return { signal: controller.signal, abort, dispose: noop };
    }
    present ??= [];
    present.push(source);
  }
  if (present === undefined) return { signal: controller.signal, abort, dispose: noop };
  const followed = present;
  const link = {
    abort(reason: unknown): void {
      abort(reason);
      dispose();
    },
  };
  for (const source of followed) watchAbort(source, link);
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const source of followed) unwatchAbort(source, link);
  };
  return { signal: controller.signal, abort, dispose };
}
