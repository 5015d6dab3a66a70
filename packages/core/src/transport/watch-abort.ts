/** Work to end when a signal aborts. */
export interface Abortable {
  abort(reason: unknown): void;
}

const watched = new WeakMap<AbortSignal, Set<Abortable>>();

function abortAll(this: AbortSignal): void {
  const targets = watched.get(this);
  if (!targets) return;
  watched.delete(this);
  for (const target of targets) target.abort(this.reason);
}

/**
 * Ends `target` (`target.abort(signal.reason)`) when `signal` aborts, until `unwatchAbort`.
 * One real listener per signal, however many calls watch it: on Node 20, creating an AbortSignal
 * and adding and removing an EventTarget listener cost more than a whole upstream call's own
 * bookkeeping, and callers that keep one signal for many calls (a batch, a gateway connection)
 * would otherwise pay that on every call. The caller checks `signal.aborted` first.
 */
export function watchAbort(signal: AbortSignal, target: Abortable): void {
  let targets = watched.get(signal);
  if (!targets) {
    targets = new Set();
    watched.set(signal, targets);
    signal.addEventListener('abort', abortAll, { once: true });
  }
  targets.add(target);
}

export function unwatchAbort(signal: AbortSignal, target: Abortable): void {
  watched.get(signal)?.delete(target);
}
