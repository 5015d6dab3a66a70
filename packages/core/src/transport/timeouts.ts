/** Separate time limits for each phase of one upstream attempt (milliseconds). */
export interface Timeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** From sending the request to the response headers (time to first byte). */
  firstByteMs: number;
  /** Longest silence between two body chunks (streams, slow bodies). */
  idleMs: number;
  /** The whole attempt, body included. */
  totalMs: number;
  /**
   * Streams: from the start of an attempt to its first content (text, tool call, finish), enforced by
   * the routed call, not the transport. Unlike `idleMs` it ends only the wait for the first token,
   * so a slow start fails over before anything reached the caller without cutting later pauses. None by default.
   */
  firstTokenMs?: number;
}

export const defaultTimeouts: Timeouts = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
};

export function resolveTimeouts(...layers: Array<Partial<Timeouts> | undefined>): Timeouts {
  const result = { ...defaultTimeouts };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(result) as Array<keyof Timeouts>) {
      const value = layer[key];
      if (value !== undefined) result[key] = value;
    }
  }
  return result;
}

/**
 * A route's deadline as an attempt sees it (in the attempt's `timeouts`). The router owns it; core's
 * transport ends a call there with the one timer it arms anyway (so a plain call needs no router
 * timer and no controller of its own), says so when it takes it on (`enforcedBy`), and reports a
 * call it cut in its error (`provider_timeout` with `details.phase: 'deadline'`). A provider that
 * reaches its upstream another way must honour `at` as it honours `signal`.
 */
export interface Deadline {
  /** Date.now() time; the router lifts it (Infinity) once a stream has been handed on. */
  readonly at: number;
  /**
   * Core's transport reports that `call` now enforces the deadline: the router then arms no timer of
   * its own for the target, and ends a stream it handed on through `call`.
   */
  enforcedBy(call: { abort(reason: unknown): void }): void;
}

/** One attempt's time limits: the phases' limits, and the route's deadline when routed. */
export type AttemptTimeouts = Partial<Timeouts> & { deadline?: Deadline };
