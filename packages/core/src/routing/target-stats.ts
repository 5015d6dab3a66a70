import { BoundedMap } from './bounded-map';
import type { RouteTarget } from './route';

const SAMPLE_WINDOW = 64;
const EWMA_WEIGHT = 0.3;

/** What the router has learnt about one target: load, latency, and whether it asked for a pause. */
export class TargetStats {
  outstanding = 0;
  /** Exponentially weighted moving average of successful latency (ms); undefined before the first sample. */
  ewmaMs: number | undefined;
  /** Epoch ms before which the target is out of rotation (it answered 429/503 with Retry-After). */
  coolingUntil = 0;
  /**
   * The last attempt reached core's transport, which took on the route's deadline: the router then
   * needs no timer or controller of its own for the next one.
   */
  transportDeadline = false;
  #samples: number[] = [];

  recordLatency(ms: number): void {
    this.ewmaMs = this.ewmaMs === undefined ? ms : EWMA_WEIGHT * ms + (1 - EWMA_WEIGHT) * this.ewmaMs;
    this.#samples.push(ms);
    if (this.#samples.length > SAMPLE_WINDOW) this.#samples.shift();
  }

  /** 95th percentile of recent latencies, once there are enough samples to mean something. */
  p95(minimumSamples = 5): number | undefined {
    if (this.#samples.length < minimumSamples) return undefined;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  }
}

/** Past this many targets, stats of idle ones are forgotten (callers may name any model). */
export const MAX_TRACKED_TARGETS = 10_000;

/** A target with nothing in flight and no Retry-After pause: forgetting its stats loses only latency history. */
export const isIdle = (stats: TargetStats): boolean => stats.outstanding === 0 && stats.coolingUntil <= Date.now();

export class TargetStatsRegistry {
  readonly #stats = new BoundedMap<string, TargetStats>({ capacity: MAX_TRACKED_TARGETS, evictable: isIdle });

  /** The target's stats without creating or refreshing them. */
  peek(key: string): TargetStats | undefined {
    return this.#stats.peek(key);
  }

  get(target: Pick<RouteTarget, 'key'>): TargetStats {
    let stats = this.#stats.get(target.key);
    if (!stats) {
      stats = new TargetStats();
      this.#stats.set(target.key, stats);
    }
    return stats;
  }

  delete(key: string): void {
    this.#stats.delete(key);
  }

  entries(): Array<[string, TargetStats]> {
    return [...this.#stats.entries()];
  }
}
