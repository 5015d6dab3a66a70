import { type Client, getTask, InfermuxError, isTaskId } from '@infermux/core';
import type { Redis } from 'ioredis';
import { errorRecord } from '../batch-item-error';
import { idKey } from '../completed-ids';
import { parseBatchLine, peekId } from '../parse-batch-line';
import { type BatchItemRunner, runBatchItem } from '../run-batch-item';
import { type BatchKeys, batchKeys, batchSpecSchema, type QueuedLine } from './batch-queue';
import { RedisJobJournal } from './redis-job-journal';

interface LoadedBatch {
  keys: BatchKeys;
  runner: BatchItemRunner;
  spec: ReturnType<typeof batchSpecSchema.parse>;
}

/**
 * Runs queued lines on a worker. An item is recorded once: its result with HSETNX in the batch's
 * results hash (the first answer wins, so a line run twice — a worker killed after calling
 * upstream and before acking — is still one record), or its error in the errors hash.
 */
export class QueuedLineProcessor {
  readonly #batches = new Map<string, Promise<LoadedBatch>>();

  constructor(
    private readonly redis: Redis,
    private readonly client: Client,
    private readonly prefix: string,
  ) {}

  async process(data: QueuedLine): Promise<'ok' | 'failed' | 'skipped'> {
    const batch = await this.#load(data.batch);
    const line = { number: data.line, text: data.text };
    const key = idKey(peekId(line));
    const [done, failed] = await this.redis
      .multi()
      .hexists(batch.keys.results, key)
      .hexists(batch.keys.errors, key)
      .exec()
      .then((replies) => (replies ?? []).map(([, value]) => value === 1));
    if (done || failed) return 'skipped';
    try {
      const item = await parseBatchLine(line, {
        task: batch.runner.task,
        parameters: batch.spec.parameters,
        parameterBase: batch.spec.parameterBase,
        cwd: process.cwd(),
      });
      const outcome = await runBatchItem(batch.runner, item);
      await this.redis.hsetnx(batch.keys.results, key, JSON.stringify(outcome.record));
      return 'ok';
    } catch (thrown) {
      const error = InfermuxError.from(thrown, { code: 'gateway_internal' });
      await this.redis.hsetnx(batch.keys.errors, key, JSON.stringify(errorRecord(peekId(line), line.number, error)));
      return 'failed';
    }
  }

  #load(batchId: string): Promise<LoadedBatch> {
    let loaded = this.#batches.get(batchId);
    if (!loaded) {
      loaded = this.#read(batchId);
      this.#batches.set(batchId, loaded);
      loaded.catch(() => this.#batches.delete(batchId));
    }
    return loaded;
  }

  async #read(batchId: string): Promise<LoadedBatch> {
    const keys = batchKeys(this.prefix, batchId);
    const stored = await this.redis.get(keys.spec);
    if (stored === null)
      throw new InfermuxError({ code: 'gateway_not_found', message: `Batch ${batchId} has no spec in Redis` });
    const spec = batchSpecSchema.parse(JSON.parse(stored));
    if (!isTaskId(spec.task))
      throw new InfermuxError({
        code: 'caller_unknown_task',
        message: `Batch ${batchId}: unknown task "${spec.task}"`,
      });
    const task = getTask(spec.task);
    return {
      keys,
      spec,
      runner: {
        client: this.client,
        task,
        model: spec.model,
        provider: spec.provider,
        journal: task.async ? new RedisJobJournal(this.redis, keys.jobs) : undefined,
        pollIntervalMs: spec.pollIntervalMs,
      },
    };
  }
}
