/** Work to end when a signal aborts. */
export interface Abortable {
  abort(reason: unknown): void;
}

/**
 * What a signal's one listener ends, kept on the signal: absent while no listener is registered, null
 * while it is but nothing watches, the one watcher (the common case: one upstream call at a time), or a
 * Set of them (hedged attempts). Not a WeakMap of Sets: a Set add and delete per call churns its table.
 */
const watchers = Symbol('abortWatchers');
type Watched = AbortSignal & { [watchers]?: Abortable | Set<Abortable> | null };

function abortAll(this: Watched): void {
  const targets = this[watchers];
  this[watchers] = undefined;
  if (!targets) return;
  if (targets instanceof Set) for (const target of targets) target.abort(this.reason);
  else targets.abort(this.reason);
}

/**
 * Ends `target` (`target.abort(signal.reason)`) when `signal` aborts, until `unwatchAbort`.
 * One real listener per signal, however many calls watch it: on Node 20, creating an AbortSignal
 * and adding and removing an EventTarget listener cost more than a whole upstream call's own
 * bookkeeping, and callers that keep one signal for many calls (a batch, a gateway connection)
 * would otherwise pay that on every call. The caller checks `signal.aborted` first.
 */
export function watchAbort(signal: AbortSignal, target: Abortable): void {
  const watched = signal as Watched;
  const current = watched[watchers];
  if (current === undefined) {
    watched[watchers] = target;
    signal.addEventListener('abort', abortAll, { once: true });
  } else if (current === null) watched[watchers] = target;
  else if (current instanceof Set) current.add(target);
  else if (current !== target) watched[watchers] = new Set([current, target]);
}

export function unwatchAbort(signal: AbortSignal, target: Abortable): void {
  const watched = signal as Watched;
  const current = watched[watchers];
  if (current === target) watched[watchers] = null;
  else if (current instanceof Set) current.delete(target);
}
