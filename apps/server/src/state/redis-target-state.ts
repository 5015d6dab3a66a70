import type { TargetStateChange, TargetStateSync } from '@infermux/core';
import { z } from 'zod';
import type { RedisState } from './redis-state';

const changeSchema = z.object({
  origin: z.string(),
  target: z.string(),
  breaker: z
    .union([z.object({ state: z.literal('open'), reopensAt: z.number() }), z.object({ state: z.literal('closed') })])
    .optional(),
  coolingUntil: z.number().optional(),
});

/**
 * Breaker transitions and Retry-After cool-downs shared through Redis: each change is stored under a key that
 * expires when it no longer matters (an open breaker at its reopening time, a cool-down at its end) and
 * published on a channel in the same round trip. Every replica applies what the others publish as it arrives
 * (milliseconds), and one that starts (or sees Redis return) reads the stored state first.
 */
export class RedisTargetStateSync implements TargetStateSync {
  constructor(private readonly state: RedisState) {}

  get #channel(): string {
    return this.state.key('targets');
  }

  publish(change: TargetStateChange): void {
    const message = JSON.stringify({ origin: this.state.origin, ...change });
    const now = Date.now();
    const pipeline = this.state.commands.pipeline();
    if (change.breaker?.state === 'open') {
      const ttl = change.breaker.reopensAt - now;
      if (ttl > 0) pipeline.set(this.state.key('breaker', change.target), message, 'PX', ttl);
    } else if (change.breaker?.state === 'closed') pipeline.del(this.state.key('breaker', change.target));
    if (change.coolingUntil !== undefined && change.coolingUntil > now)
      pipeline.set(this.state.key('cool', change.target), message, 'PX', change.coolingUntil - now);
    pipeline.publish(this.#channel, message);
    // Fire and forget: a lost change leaves each replica to learn on its own, as without sharing.
    void this.state.run(() => pipeline.exec()).catch(() => this.state.availability.fallback('breakers', 'skipped'));
  }

  /** Keys matching `pattern`, by SCAN (KEYS would block a shared Redis while it walks every key). */
  async #scan(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.state.run((redis) => redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  subscribe(listener: (change: TargetStateChange) => void): void {
    const apply = (message: string) => {
      let parsed: z.infer<typeof changeSchema>;
      try {
        parsed = changeSchema.parse(JSON.parse(message));
      } catch {
        return;
      }
      if (parsed.origin === this.state.origin) return;
      const { origin: _origin, ...change } = parsed;
      listener(change as TargetStateChange);
    };
    const readStored = async () => {
      try {
        const keys = [
          ...(await this.#scan(this.state.key('breaker', '*'))),
          ...(await this.#scan(this.state.key('cool', '*'))),
        ];
        if (keys.length === 0) return;
        const values = await this.state.run((redis) => redis.mget(...keys));
        for (const value of values) if (value) apply(value);
      } catch {
        // Redis is down: nothing stored to read; the recovery hook reads it when it returns.
      }
    };
    void this.state.listen(this.#channel, apply).then(readStored);
    this.state.availability.onRecovered(() => void readStored());
  }
}
