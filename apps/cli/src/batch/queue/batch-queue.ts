import { createHash } from 'node:crypto';
import { InfermuxError } from '@infermux/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** One BullMQ queue carries every batch; a job names its batch, whose spec is read from Redis. */
export const QUEUE_NAME = 'infermux-batch';
export const DEFAULT_PREFIX = 'infermux';

/** What a worker needs to run any line of a batch (stored once per batch, not per job). */
export const batchSpecSchema = z.object({
  task: z.string(),
  model: z.string(),
  provider: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()),
  parameterBase: z.array(z.string()),
  pollIntervalMs: z.number().nonnegative().optional(),
});
export type BatchSpec = z.infer<typeof batchSpecSchema>;

export const queuedLineSchema = z.object({ batch: z.string(), line: z.number().int().positive(), text: z.string() });
export type QueuedLine = z.infer<typeof queuedLineSchema>;

/** The Redis keys of one batch: results and errors by item id (HSETNX: first answer wins), the job journal. */
export function batchKeys(prefix: string, batchId: string) {
  const base = `${prefix}:batch:${batchId}`;
  return { spec: `${base}:spec`, results: `${base}:results`, errors: `${base}:errors`, jobs: `${base}:jobs` };
}
export type BatchKeys = ReturnType<typeof batchKeys>;

/** Rerunning the same command (same task, model and output) addresses the same batch. */
export function batchIdFor(spec: BatchSpec, output: string): string {
  return createHash('sha256')
    .update(JSON.stringify([spec.task, spec.model, spec.provider ?? '', output]))
    .digest('hex')
    .slice(0, 16);
}

/** BullMQ job ids may not contain ':'; a hash of the item id keeps one job per item per batch. */
export function queueJobId(batchId: string, itemKey: string): string {
  return `${batchId}-${createHash('sha1').update(itemKey).digest('hex').slice(0, 24)}`;
}

/**
 * BullMQ and ioredis are loaded only by `--queue` and `worker`: plain `infermux run` or a local
 * batch never pays for them.
 */
export async function loadQueueLibraries(): Promise<{
  bullmq: typeof import('bullmq');
  Redis: typeof import('ioredis').Redis;
}> {
  const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
  return { bullmq, Redis: ioredis.Redis };
}

/** A connection BullMQ can share (blocking commands need `maxRetriesPerRequest: null`); fails fast when Redis is down. */
export async function connectRedis(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: '--queue: expected a Redis URL (redis://host:port or rediss://…)',
      details: { field: '--queue' },
    });
  const { Redis } = await loadQueueLibraries();
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, enableOfflineQueue: true });
  redis.on('error', () => undefined); // reported by the failed command below, and reconnects on its own after
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new InfermuxError({
      code: 'provider_unavailable',
      message: `Cannot reach Redis at ${parsed.host} (${(error as Error).message})`,
      details: { field: '--queue' },
      cause: error,
    });
  }
  return redis;
}
