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
