/**
 * What one process learnt about a target that the others should know at once: its breaker opened (until
 * `reopensAt`) or closed again, or it asked for a pause (Retry-After: `coolingUntil`). Keyed by the target's
 * key (`provider:model`). Times are epoch ms, so processes need roughly synchronised clocks (NTP).
 */
export interface TargetStateChange {
  target: string;
  breaker?: { state: 'open'; reopensAt: number } | { state: 'closed' };
  coolingUntil?: number;
}

/**
 * Shares breaker transitions and cool-downs between processes (the gateway's Redis pub/sub). `publish` is fire
 * and forget: a lost message leaves each process to learn on its own, as it would without sharing. `subscribe`
 * hears other processes' changes, the current state first when the implementation keeps one.
 */
export interface TargetStateSync {
  publish(change: TargetStateChange): void;
  subscribe(listener: (change: TargetStateChange) => void): void;
}
