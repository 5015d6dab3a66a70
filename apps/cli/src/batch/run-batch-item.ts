import {
  type Client,
  InfermuxError,
  type JobStatus,
  type TaskDefinition,
  type TaskId,
  waitForJob,
} from '@infermux/core';
import type { JobReference } from '../jobs/job-reference';
import { hasBinaryValues, toJsonSafe } from '../output/binary-fields';
import { retriesOf } from './batch-item-error';
import { idKey } from './completed-ids';
import { downloadItemFiles } from './download-item-files';
import { type JobJournal, refusedBeforeCreation, unknownSubmission } from './job-journal';
import type { ParsedLine } from './parse-batch-line';

/** Video jobs can queue for a long time; an item that waits longer fails and a rerun waits again. */
const JOB_DEADLINE_MS = 2 * 60 * 60_000;

/** How every item of one batch runs: the same for a local batch and a distributed worker. */
export interface BatchItemRunner {
  client: Client;
  task: TaskDefinition;
  model: string;
  provider?: string;
  /** Async tasks only: where submitted job ids are recorded before waiting. */
  journal?: JobJournal;
  /** First wait between job status polls (ms); core's cadence when unset. */
  pollIntervalMs?: number;
  /** Async tasks only: download each job's result files into this directory. */
  downloadDirectory?: string;
}

export interface ItemOutcome {
  record: Record<string, unknown>;
  retries: number;
}

/** Runs one item to its output record; throws its InfermuxError when it fails. */
export async function runBatchItem(runner: BatchItemRunner, item: ParsedLine): Promise<ItemOutcome> {
  const started = performance.now();
  if (runner.task.async) return runJobItem(runner, item, started);
  // Retries (429, 5xx, network) happen inside the client, per its retry policy (--retries).
  const result = await runner.client.run(runner.task.id as TaskId, {
    model: runner.model,
    input: item.input as never,
    provider: runner.provider,
    // No per-request signal: on Ctrl-C the lines in flight finish and are recorded
    // (a second Ctrl-C exits at once). It also spares every request an abort listener.
  });
  return {
    retries: retriesOf(result.attempts),
    record: {
      id: item.id,
      output: hasBinaryValues(result.output) ? toJsonSafe(result.output) : result.output,
      provider: result.provider,
      model: result.model,
      usage: result.usage,
      ...(result.cost ? { cost: result.cost } : {}),
      ...(result.warnings.length ? { warnings: result.warnings } : {}),
      ms: Math.round(performance.now() - started),
    },
  };
}

/**
 * An async item: its job is submitted at most once, ever. The journal's claim decides between
 * submitting, waiting on the job an earlier run (or another worker) submitted, and refusing
 * when an earlier submission's outcome is unknown.
 */
async function runJobItem(runner: BatchItemRunner, item: ParsedLine, started: number): Promise<ItemOutcome> {
  const { client, journal } = runner;
  const task = runner.task.id as TaskId;
  if (!journal) throw new Error('an async batch needs a job journal');
  const key = idKey(item.id);
  const entry = await journal.claim(key);
  if (entry?.state === 'submitting') throw unknownSubmission(key);
  let job: JobReference;
  let initial: (JobStatus & { provider: string }) | undefined;
  if (entry?.state === 'submitted') {
    job = entry.job;
  } else {
    try {
      initial = await client.submit(task, {
        model: runner.model,
        input: item.input as never,
        provider: runner.provider,
      });
    } catch (thrown) {
      const error = InfermuxError.from(thrown, { code: 'gateway_internal' });
      if (refusedBeforeCreation(error)) await journal.release(key);
      throw error;
    }
    job = { provider: initial.provider, task, jobId: initial.jobId };
    await journal.submitted(key, job);
  }
  let last: JobStatus | undefined;
  let status: JobStatus & { provider: string };
  try {
    status = await waitForJob(client, task, initial ?? { provider: job.provider, jobId: job.jobId }, {
      deadlineMs: JOB_DEADLINE_MS,
      ...(runner.pollIntervalMs !== undefined
        ? {
            intervalMs: runner.pollIntervalMs,
            maxIntervalMs: Math.max(runner.pollIntervalMs, Math.min(15_000, runner.pollIntervalMs * 10)),
          }
        : {}),
      onProgress: (seen) => {
        last = seen;
      },
    });
  } catch (thrown) {
    // Only a job that ended upstream is forgotten (a rerun submits a new one); after a timeout
    // or failed polls it may still finish, so a rerun waits on the same job.
    if (last?.state === 'failed' || last?.state === 'canceled') await journal.release(key);
    throw thrown;
  }
  const files = runner.downloadDirectory
    ? await downloadItemFiles(status.output, { id: item.id, directory: runner.downloadDirectory, task })
    : undefined;
  return {
    retries: 0,
    record: {
      id: item.id,
      output: status.output,
      provider: status.provider,
      job: `${job.provider}:${task}:${job.jobId}`,
      ...(status.model ? { model: status.model } : {}),
      usage: status.usage ?? {},
      ...(files ? { files } : {}),
      ms: Math.round(performance.now() - started),
    },
  };
}
