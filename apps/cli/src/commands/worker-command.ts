import { InfermuxError } from '@infermux/core';
import {
  connectRedis,
  DEFAULT_PREFIX,
  loadQueueLibraries,
  QUEUE_NAME,
  queuedLineSchema,
} from '../batch/queue/batch-queue';
import { QueuedLineProcessor } from '../batch/queue/process-queued-line';
import { exitCodes } from '../exit-codes';
import type { CliContext } from '../runtime/cli-context';
import { wholeNumberFlag } from '../runtime/whole-number-flag';

export interface WorkerFlags {
  queue?: string;
  queuePrefix?: string;
  concurrency: string;
  stalledMs: string;
}

/**
 * `infermux worker --queue redis://…`: runs lines of distributed batches (`infermux batch --queue`)
 * until SIGINT/SIGTERM. Any number of workers, on any machine sharing the Redis and the config.
 */
export async function workerCommand(context: CliContext, flags: WorkerFlags): Promise<number> {
  const url = flags.queue ?? context.env.REDIS_URL;
  if (!url)
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: '--queue <redis-url> is required (or set REDIS_URL)',
      details: { field: '--queue' },
    });
  const concurrency = wholeNumberFlag(flags.concurrency, '--concurrency', 1);
  // A killed worker's lines go back to the queue once their lock expires: this bounds that delay.
  const stalledMs = wholeNumberFlag(flags.stalledMs, '--stalled-ms', 1000);
  const prefix = flags.queuePrefix ?? DEFAULT_PREFIX;
  const redis = await connectRedis(url);
  const { bullmq } = await loadQueueLibraries();
  // As in a local batch, the lines in flight go upstream as native lists where the provider takes them
  // (one call per up to `concurrency` lines). Each line is still recorded on its own (HSETNX), so a
  // grouped call changes nothing of exactly-once: a line run twice is still one record.
  const client = await context.client({ microBatch: { windowMs: 2, maxBatchSize: concurrency } });
  const processor = new QueuedLineProcessor(redis, client, prefix);
  const terminal = context.terminal;
  const counts = { ok: 0, failed: 0, skipped: 0 };
  const worker = new bullmq.Worker(
    QUEUE_NAME,
    async (job) => {
      counts[await processor.process(queuedLineSchema.parse(job.data))] += 1;
    },
    {
      connection: redis.duplicate({ lazyConnect: false }),
      prefix,
      concurrency,
      lockDuration: stalledMs,
      stalledInterval: stalledMs,
      // A line only stalls when its worker died; it is run again however often that happens.
      maxStalledCount: 1000,
    },
  );
  worker.on('error', (error) => terminal.stderr.write(`worker: ${error.message}\n`));
  terminal.stderr.write(`worker: processing ${QUEUE_NAME} on ${new URL(url).host} (concurrency ${concurrency})\n`);
  const report = setInterval(
    () => terminal.stderr.write(`worker: ${counts.ok} ok, ${counts.failed} failed, ${counts.skipped} skipped\n`),
    10_000,
  );
  report.unref();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  terminal.stderr.write('worker: finishing the lines in flight…\n');
  await worker.close();
  clearInterval(report);
  redis.disconnect();
  terminal.stderr.write(`worker: ${counts.ok} ok, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  return exitCodes.ok;
}
