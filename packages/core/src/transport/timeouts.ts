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
 * A route's deadline, shared by the router with every attempt (in the attempt's `timeouts`). Core's
 * transport ends a call there with the one timer it arms anyway, so a plain call needs no router
 * timer and no controller of its own; a provider that reaches its upstream another way must
 * honour it as it honours `signal`.
 */
export interface Deadline {
  /** Date.now() time; the router lifts it (Infinity) once a stream has been handed on. */
  at: number;
  /** Set by whoever ends a call at the deadline (the transport), so the router names it `gateway_timeout`. */
  expired: boolean;
  /** Set by the transport when it takes on the deadline, so the router arms no backstop timer. */
  enforced: boolean;
  /**
   * Set by the transport: the call it is running under this deadline, so the router can end a
   * stream it handed on (its consumer stopped early) without a controller of its own.
   */
  upstream?: { abort(reason: unknown): void };
}

/** One attempt's time limits: the phases' limits, and the route's deadline when routed. */
export type AttemptTimeouts = Partial<Timeouts> & { deadline?: Deadline };
