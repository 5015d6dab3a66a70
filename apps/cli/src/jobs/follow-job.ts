import { type Client, type JobStatus, waitForJob } from '@infermux/core';
import type { Terminal } from '../runtime/terminal';
import { formatJobReference, type JobReference } from './job-reference';
import { JobStatusLine } from './status-line';

/** Video jobs can queue for a long time; `infermux job wait` picks up after this anyway. */
const WAIT_DEADLINE_MS = 2 * 60 * 60_000;

export interface FollowOptions {
  terminal: Terminal;
  signal?: AbortSignal;
  /** First wait between polls (core's poll timing grows it from there). */
  intervalMs?: number;
  /** The first status, when the job was just submitted. */
  initial?: JobStatus;
}

/**
 * Waits for a job through core's poll loop, showing state, progress and elapsed time.
 * Resolves with the succeeded status; a failed or canceled job rejects with its error,
 * an abort with `caller_aborted` (the job keeps running upstream).
 */
export async function followJob(client: Client, reference: JobReference, options: FollowOptions): Promise<JobStatus> {
  const line = new JobStatusLine(options.terminal, formatJobReference(reference));
  try {
    return await waitForJob(
      client,
      reference.task,
      options.initial
        ? { ...options.initial, provider: reference.provider }
        : { provider: reference.provider, jobId: reference.jobId },
      {
        signal: options.signal,
        deadlineMs: WAIT_DEADLINE_MS,
        ...(options.intervalMs !== undefined
          ? {
              intervalMs: options.intervalMs,
              maxIntervalMs: Math.max(options.intervalMs, Math.min(15_000, options.intervalMs * 10)),
            }
          : {}),
        onProgress: (status) => line.update(status),
      },
    );
  } finally {
    line.stop();
  }
}
