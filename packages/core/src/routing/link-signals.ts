export interface LinkedSignal {
  /** Aborts when any source aborts (with that source's reason). */
  signal: AbortSignal;
  /** Detaches from the sources; call once the linked work is over. */
  dispose(): void;
}

/**
 * Like `AbortSignal.any`, but detachable. Node 20's `AbortSignal.any` keeps every composite
 * alive for as long as a source lives (nodejs/node#55351), so a long-lived caller signal would
 * leak one composite per request; here the listeners are removed when the work ends.
 */
export function linkSignals(sources: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const present = sources.filter((source): source is AbortSignal => source !== undefined);
  const aborted = present.find((source) => source.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const listeners = present.map((source) => {
    const listener = () => {
      controller.abort(source.reason);
      dispose();
    };
    source.addEventListener('abort', listener, { once: true });
    return { source, listener };
  });
  const dispose = () => {
    for (const { source, listener } of listeners) source.removeEventListener('abort', listener);
  };
  return { signal: controller.signal, dispose };
}
