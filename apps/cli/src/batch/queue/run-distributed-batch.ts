import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { exitCodes } from '../../exit-codes';
import type { CliContext } from '../../runtime/cli-context';
import type { Terminal } from '../../runtime/terminal';
import { type BatchCounts, createBatchProgress } from '../batch-progress';
import { idKey } from '../completed-ids';
import { peekId } from '../parse-batch-line';
import { readLines } from '../read-lines';
import {
  type BatchKeys,
  type BatchSpec,
  batchIdFor,
  batchKeys,
  connectRedis,
  DEFAULT_PREFIX,
  loadQueueLibraries,
  QUEUE_NAME,
  type QueuedLine,
  queueJobId,
} from './batch-queue';
import { RedisJobJournal } from './redis-job-journal';

export interface DistributedBatchOptions {
  queueUrl: string;
  prefix?: string;
  input: string;
  output: string;
  errors: string;
  label: string;
  spec: BatchSpec;
  /** Follow progress and write the files when every line is recorded (`--no-wait`: enqueue and exit). */
  wait: boolean;
  resubmitUnknown: boolean;
  progress: boolean;
}

const ENQUEUE_CHUNK = 1000;
const READ_CHUNK = 1000;
const FOLLOW_INTERVAL_MS = 500;

/**
 * `infermux batch … --queue redis://…`: the lines not yet recorded go on the BullMQ queue (one job
 * per item, its id derived from the item id, so a rerun never queues a line twice while it waits),
 * `infermux worker` processes run them, and this command follows progress and writes the output
 * when every line has a result or an error. Rerunning the same command resumes: recorded lines are
 * kept, failed ones are queued again.
 */
export async function runDistributedBatch(context: CliContext, options: DistributedBatchOptions): Promise<number> {
  const terminal = context.terminal;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const batchId = batchIdFor(options.spec, options.output);
  const keys = batchKeys(prefix, batchId);
  const redis = await connectRedis(options.queueUrl);
  const { bullmq } = await loadQueueLibraries();
  const queue = new bullmq.Queue<QueuedLine>(QUEUE_NAME, {
    connection: redis.duplicate({ lazyConnect: false }),
    prefix,
  });
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    await redis.set(keys.spec, JSON.stringify(options.spec));
    // Failed lines are retried by a rerun, as in a local batch.
    await redis.del(keys.errors);
    if (options.resubmitUnknown) await new RedisJobJournal(redis, keys.jobs).releaseUnknown();
    const { total, queued } = await enqueueLines(redis, queue, { ...options, batchId, keys });
    terminal.stderr.write(
      `batch ${batchId}: ${total} lines, ${total - queued} already recorded, ${queued} queued on ${QUEUE_NAME}\n`,
    );
    if (!options.wait) {
      terminal.stderr.write(
        'Start workers with: infermux worker --queue <url>; rerun this command to follow and collect.\n',
      );
      return exitCodes.ok;
    }
    const counts = await follow(redis, keys, total, options, terminal, controller.signal);
    if (!counts) {
      terminal.stderr.write('Stopped following; the workers keep going. Rerun the same command to follow again.\n');
      return exitCodes.interrupted;
    }
    terminal.stderr.write(`batch: ${counts.succeeded} ok, ${counts.failed} failed; wrote ${options.label}\n`);
    if (counts.failed > 0) {
      terminal.stderr.write(
        `${counts.failed} lines failed; see the errors file. Rerun the same command to retry them.\n`,
      );
      return exitCodes.partialBatch;
    }
    return exitCodes.ok;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    await queue.close();
    redis.disconnect();
  }
}

async function enqueueLines(
  redis: Redis,
  queue: { addBulk(jobs: Array<{ name: string; data: QueuedLine; opts: Record<string, unknown> }>): Promise<unknown> },
  options: DistributedBatchOptions & { batchId: string; keys: BatchKeys },
): Promise<{ total: number; queued: number }> {
  const recorded = new Set(await redis.hkeys(options.keys.results));
  const seen = new Set<string>();
  let pending: Array<{ name: string; data: QueuedLine; opts: Record<string, unknown> }> = [];
  let queued = 0;
  for await (const line of readLines(options.input)) {
    const key = idKey(peekId(line));
    // A repeated id is one item (the first line with it), as the output holds each id once.
    if (seen.has(key)) continue;
    seen.add(key);
    if (recorded.has(key)) continue;
    pending.push({
      name: 'line',
      data: { batch: options.batchId, line: line.number, text: line.text },
      opts: {
        jobId: queueJobId(options.batchId, key),
        // A line's own failure is recorded, not thrown: these retries cover Redis hiccups on a worker.
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    });
    if (pending.length >= ENQUEUE_CHUNK) {
      queued += pending.length;
      await queue.addBulk(pending);
      pending = [];
    }
  }
  queued += pending.length;
  if (pending.length) await queue.addBulk(pending);
  return { total: seen.size, queued };
}

/** Polls the results and errors hashes until every line is recorded, then writes the files. */
async function follow(
  redis: Redis,
  keys: BatchKeys,
  total: number,
  options: DistributedBatchOptions,
  terminal: Terminal,
  signal: AbortSignal,
): Promise<BatchCounts | undefined> {
  const counts: BatchCounts = { done: 0, succeeded: 0, failed: 0, skipped: 0, retries: 0 };
  const progress = await createBatchProgress(terminal, { total, bar: options.progress });
  try {
    while (!signal.aborted) {
      const [succeeded, failed] = await Promise.all([redis.hlen(keys.results), redis.hlen(keys.errors)]);
      counts.succeeded = succeeded;
      counts.failed = failed;
      counts.done = succeeded + failed;
      progress.tick(counts);
      // The counts can overlap (a line both failed and, run again, succeeded): the write checks each id.
      if (counts.done >= total) {
        const written = await writeOutputs(redis, keys, options);
        if (written) return written;
      }
      await sleep(FOLLOW_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
    }
    return undefined;
  } finally {
    progress.stop(counts);
  }
}

/**
 * Writes the output and errors files in input order, each id once (its result if it has one,
 * else its error), to temporary files renamed into place. Returns undefined, writing nothing,
 * while some line is still unrecorded.
 */
async function writeOutputs(
  redis: Redis,
  keys: BatchKeys,
  options: DistributedBatchOptions,
): Promise<BatchCounts | undefined> {
  const outputTemporary = `${options.output}.partial`;
  const errorsTemporary = `${options.errors}.partial`;
  const results = createWriteStream(outputTemporary);
  const errors = createWriteStream(errorsTemporary);
  const counts: BatchCounts = { done: 0, succeeded: 0, failed: 0, skipped: 0, retries: 0 };
  const seen = new Set<string>();
  let chunk: string[] = [];
  let complete = true;
  const flush = async () => {
    const [found, failures] = await Promise.all([
      redis.hmget(keys.results, ...chunk),
      redis.hmget(keys.errors, ...chunk),
    ]);
    for (const [index, record] of found.entries()) {
      const failure = failures[index];
      if (record !== null) {
        results.write(`${record}\n`);
        counts.succeeded += 1;
      } else if (failure !== null && failure !== undefined) {
        errors.write(`${failure}\n`);
        counts.failed += 1;
      } else complete = false;
    }
    chunk = [];
  };
  for await (const line of readLines(options.input)) {
    const key = idKey(peekId(line));
    if (seen.has(key)) continue;
    seen.add(key);
    chunk.push(key);
    if (chunk.length >= READ_CHUNK) await flush();
    if (!complete) break;
  }
  if (complete && chunk.length) await flush();
  await Promise.all([closeStream(results), closeStream(errors)]);
  if (!complete) {
    await Promise.all([rm(outputTemporary), rm(errorsTemporary)]);
    return undefined;
  }
  await rename(errorsTemporary, options.errors);
  await rename(outputTemporary, options.output);
  counts.done = counts.succeeded + counts.failed;
  return counts;
}

function closeStream(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
