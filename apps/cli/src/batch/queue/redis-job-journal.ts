import type { Redis } from 'ioredis';
import { formatJobReference, parseJobReference } from '../../jobs/job-reference';
import type { JobEntry, JobJournal } from '../job-journal';

/**
 * The distributed batch's job journal: a Redis hash, item id → entry. `claim` is one HSETNX, so
 * of two workers handed the same item (a BullMQ retry after a stalled worker) only one submits;
 * the other waits on the job id the first recorded, or reports the submission as unknown.
 */
export class RedisJobJournal implements JobJournal {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async claim(itemKey: string): Promise<JobEntry | undefined> {
    if ((await this.redis.hsetnx(this.key, itemKey, JSON.stringify({ state: 'submitting' }))) === 1) return undefined;
    const stored = await this.redis.hget(this.key, itemKey);
    const entry = JSON.parse(stored ?? '{"state":"submitting"}') as { state: string; job?: string };
    return entry.state === 'submitted' && entry.job
      ? { state: 'submitted', job: parseJobReference(entry.job) }
      : { state: 'submitting' };
  }

  async submitted(itemKey: string, job: Parameters<JobJournal['submitted']>[1]): Promise<void> {
    await this.redis.hset(this.key, itemKey, JSON.stringify({ state: 'submitted', job: formatJobReference(job) }));
  }

  async release(itemKey: string): Promise<void> {
    await this.redis.hdel(this.key, itemKey);
  }

  /** Forgets every submission whose outcome is unknown (`--resubmit-unknown`); returns how many. */
  async releaseUnknown(): Promise<number> {
    let released = 0;
    let cursor = '0';
    do {
      const [next, fields] = await this.redis.hscan(this.key, cursor, 'COUNT', 1000);
      cursor = next;
      for (let index = 0; index < fields.length; index += 2) {
        if (JSON.parse(fields[index + 1] as string).state === 'submitting') {
          released += await this.redis.hdel(this.key, fields[index] as string);
        }
      }
    } while (cursor !== '0');
    return released;
  }
}
