import type { Client } from '../client/create-client';
import { InfermuxError } from '../errors/infermux-error';
import type { JobState, JobStatus } from '../provider/provider';
import type { TaskId } from '../tasks/task-registry';
import { abortableSleep } from './abortable-sleep';
import { defaultPollTiming, grow, nextPollDelay, type PollTiming } from './poll-delay';

export interface JobRef {
  provider: string;
  jobId: string;
}

export interface WaitForJobOptions<T extends TaskId = TaskId> extends Partial<PollTiming> {
  /** Give up waiting after this long (ms, default 10 minutes). The job itself keeps running. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Called with every status seen (the one passed in, then each poll). */
  onProgress?: (status: JobStatus<T> & { provider: string }) => void;
  /** Consecutive failed polls retried before giving up (only retryable errors). Default 3. */
  maxPollRetries?: number;
}

const terminal: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'canceled']);
const DEFAULT_DEADLINE_MS = 10 * 60_000;
const DEFAULT_POLL_RETRIES = 3;

/**
 * The one polling loop for every provider's async jobs: polls `client.getJob` with a growing
 * interval until the job succeeds (resolves with its status), fails or is canceled (rejects with
 * its error), the deadline passes (`gateway_timeout`) or `signal` aborts (`caller_aborted`).
 * Polling is a read, so a poll that fails with a retryable error is retried (bounded); the job is
 * never submitted again here. Pass the status `client.submit` returned to skip a first poll.
 */
export async function waitForJob<T extends TaskId>(
  client: Pick<Client, 'getJob'>,
  task: T,
  job: JobRef | (JobStatus<T> & { provider: string }),
  options: WaitForJobOptions<T> = {},
): Promise<JobStatus<T> & { provider: string }> {
  const timing: PollTiming = {
    intervalMs: options.intervalMs ?? defaultPollTiming.intervalMs,
    maxIntervalMs: options.maxIntervalMs ?? defaultPollTiming.maxIntervalMs,
    backoff: options.backoff ?? defaultPollTiming.backoff,
  };
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const deadlineAt = Date.now() + deadlineMs;
  const maxPollRetries = options.maxPollRetries ?? DEFAULT_POLL_RETRIES;
  const { provider, jobId } = job;
  const resume = `It is still running upstream and was not cancelled: resume with waitForJob(client, '${task}', { provider: '${provider}', jobId: '${jobId}' }) or client.getJob.`;

  let status: (JobStatus<T> & { provider: string }) | undefined = 'state' in job ? job : undefined;
  let interval = timing.intervalMs;
  let nextDelay = 0;
  let failedPolls = 0;
  if (status) {
    options.onProgress?.(status);
    nextDelay = nextPollDelay(interval, status, timing);
  }

  const aborted = () =>
    new InfermuxError({
      code: 'caller_aborted',
      message: `Stopped waiting for job ${jobId} on provider "${provider}" (aborted). ${resume}`,
      provider,
      details: { jobId, provider, task, lastState: status?.state },
      cause: options.signal?.reason,
    });

  for (;;) {
    if (status && terminal.has(status.state)) return finish(status, task);
    const remaining = deadlineAt - Date.now();
    if (remaining <= 0) throw timedOut();
    await abortableSleep(Math.min(nextDelay, remaining), options.signal, aborted);
    try {
      const polled = await client.getJob(task, { provider, jobId, signal: options.signal });
      status = { ...polled, provider };
      failedPolls = 0;
      options.onProgress?.(status);
      nextDelay = nextPollDelay(interval, status, timing);
      interval = grow(interval, timing);
    } catch (error) {
      if (options.signal?.aborted) throw aborted();
      const wrapped = InfermuxError.from(error, { code: 'gateway_internal', provider });
      failedPolls += 1;
      if (!wrapped.retryable || failedPolls > maxPollRetries) throw wrapped;
      // Waiting at least what the upstream asked; the next poll is the same safe read.
      nextDelay = Math.max(wrapped.retryAfterMs ?? 0, nextPollDelay(interval, status, timing));
      interval = grow(interval, timing);
      continue;
    }
    if (!terminal.has(status.state) && Date.now() >= deadlineAt) throw timedOut();
  }

  function timedOut(): InfermuxError {
    const progress = status?.progress !== undefined ? `, ${status.progress}% done` : '';
    return new InfermuxError({
      code: 'gateway_timeout',
      message: `Job ${jobId} on provider "${provider}" did not finish within ${deadlineMs} ms (last state: ${status?.state ?? 'unknown'}${progress}). ${resume}`,
      provider,
      details: {
        jobId,
        provider,
        task,
        lastState: status?.state,
        progress: status?.progress,
        deadlineMs,
        resumable: true,
      },
    });
  }
}

function finish<T extends TaskId>(
  status: JobStatus<T> & { provider: string },
  task: T,
): JobStatus<T> & { provider: string } {
  if (status.state === 'succeeded') return status;
  if (status.error) throw status.error;
  throw new InfermuxError({
    code: 'provider_job_failed',
    message: `Job ${status.jobId} on provider "${status.provider}" ended ${status.state === 'canceled' ? 'cancelled' : 'failed'} without a reason`,
    provider: status.provider,
    details: { jobId: status.jobId, task, state: status.state },
  });
}
