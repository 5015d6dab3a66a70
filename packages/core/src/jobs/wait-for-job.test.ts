import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import type { JobStatus } from '../provider/provider';
import { nextPollDelay } from './poll-delay';
import { waitForJob } from './wait-for-job';

type Status = JobStatus<'image-generation'>;
type Step = Partial<Status> | InfermuxError;

/** A client whose getJob answers from a script (the last step repeats), recording when it was asked. */
function scriptedClient(steps: Step[]) {
  const polledAt: number[] = [];
  const startedAt = Date.now();
  let index = 0;
  const getJob = vi.fn(async (_task: string, job: { jobId: string }) => {
    polledAt.push(Date.now() - startedAt);
    const step = steps[Math.min(index++, steps.length - 1)] as Step;
    if (InfermuxError.isInstance(step)) throw step;
    return { jobId: job.jobId, task: 'image-generation', state: 'running', ...step } as Status;
  });
  return { client: { getJob: getJob as never }, getJob, polledAt };
}

const job = { provider: 'evolink', jobId: 'task-unified-1-abc' };
const done: Partial<Status> = { state: 'succeeded', progress: 100, output: { images: [{ url: 'https://x/1.png' }] } };

/** Runs the wait to the end on fake timers and returns its outcome. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: InfermuxError }> {
  const outcome = promise.then(
    (value) => ({ value }),
    (error: InfermuxError) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-25T09:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('waitForJob', () => {
  it('polls with a growing interval until the job succeeds, reporting progress', async () => {
    const { client, polledAt } = scriptedClient([
      { state: 'queued', progress: 0 },
      { progress: 30 },
      { progress: 70 },
      done,
    ]);
    const progress: Array<number | undefined> = [];
    const { value } = await settle(
      waitForJob(client, 'image-generation', job, {
        intervalMs: 1000,
        backoff: 2,
        maxIntervalMs: 3000,
        onProgress: (status) => progress.push(status.progress),
      }),
    );
    expect(value).toMatchObject({
      state: 'succeeded',
      provider: 'evolink',
      output: { images: [{ url: 'https://x/1.png' }] },
    });
    expect(progress).toEqual([0, 30, 70, 100]);
    // First poll at once, then 1 s, 2 s, then capped at 3 s.
    expect(polledAt).toEqual([0, 1000, 3000, 6000]);
  });

  it('starts from the submitted status and spaces polls by the estimate of a long job', async () => {
    const { client, polledAt } = scriptedClient([{ estimatedSecondsRemaining: 10 }, done]);
    const submitted = {
      ...job,
      task: 'image-generation' as const,
      state: 'queued' as const,
      estimatedSecondsRemaining: 300,
    };
    const { value } = await settle(
      waitForJob(client, 'image-generation', submitted, { intervalMs: 2000, maxIntervalMs: 15_000 }),
    );
    expect(value?.state).toBe('succeeded');
    // 300 s left: wait the cap (15 s), not 2 s. Then 10 s left → a third of it (3.3 s).
    expect(polledAt).toEqual([15_000, 18_333]);
    expect(
      nextPollDelay(2000, { estimatedSecondsRemaining: 0 }, { intervalMs: 2000, maxIntervalMs: 15_000, backoff: 1.5 }),
    ).toBe(2000);
  });

  it('returns a job that is already finished without polling', async () => {
    const { client, getJob } = scriptedClient([done]);
    const { value } = await settle(
      waitForJob(client, 'image-generation', { ...job, task: 'image-generation', ...done } as Status & {
        provider: string;
      }),
    );
    expect(value?.state).toBe('succeeded');
    expect(getJob).not.toHaveBeenCalled();
  });

  it('rejects with the job error when the job fails', async () => {
    const reason = new InfermuxError({
      code: 'provider_job_failed',
      message: 'content_policy_violation: blocked',
      provider: 'evolink',
    });
    const { client } = scriptedClient([{ state: 'running' }, { state: 'failed', error: reason }]);
    const { error } = await settle(waitForJob(client, 'image-generation', job, { intervalMs: 10 }));
    expect(error).toBe(reason);
  });

  it('stops at the deadline with gateway_timeout naming the job, which can then be resumed by id', async () => {
    const { client, getJob } = scriptedClient([{ state: 'running', progress: 40 }]);
    const { error } = await settle(waitForJob(client, 'image-generation', job, { intervalMs: 1000, deadlineMs: 5000 }));
    expect(error?.code).toBe('gateway_timeout');
    expect(error?.message).toContain('task-unified-1-abc');
    expect(error?.message).toMatch(/still running.*resume/i);
    expect(error?.details).toMatchObject({
      jobId: 'task-unified-1-abc',
      provider: 'evolink',
      lastState: 'running',
      progress: 40,
      resumable: true,
    });
    // The last poll happens at the deadline, not after it.
    expect(Date.now() - Date.parse('2026-11-25T09:00:00Z')).toBe(5000);

    getJob.mockResolvedValueOnce({ jobId: job.jobId, task: 'image-generation', ...done } as Status);
    const { value } = await settle(
      waitForJob(client, 'image-generation', { provider: 'evolink', jobId: 'task-unified-1-abc' }),
    );
    expect(value?.state).toBe('succeeded');
  });

  it('stops waiting when the signal aborts, leaving the job resumable', async () => {
    const { client, getJob } = scriptedClient([{ state: 'running' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2500);
    const { error } = await settle(
      waitForJob(client, 'image-generation', job, { intervalMs: 1000, backoff: 1, signal: controller.signal }),
    );
    expect(error?.code).toBe('caller_aborted');
    expect(error?.message).toContain('task-unified-1-abc');
    expect(getJob).toHaveBeenCalledTimes(3);
  });

  it('retries a failed poll that is retryable, honouring Retry-After, and never more than allowed', async () => {
    const limited = new InfermuxError({
      code: 'provider_rate_limited',
      message: '429',
      provider: 'evolink',
      retryAfterMs: 7000,
    });
    const blip = new InfermuxError({ code: 'provider_unavailable', message: '503', provider: 'evolink' });
    const { client, polledAt } = scriptedClient([limited, blip, { state: 'running' }, done]);
    const { value } = await settle(waitForJob(client, 'image-generation', job, { intervalMs: 1000, backoff: 1 }));
    expect(value?.state).toBe('succeeded');
    expect(polledAt).toEqual([0, 7000, 8000, 9000]);

    const failing = scriptedClient([blip]);
    const { error } = await settle(
      waitForJob(failing.client, 'image-generation', job, { intervalMs: 100, maxPollRetries: 2 }),
    );
    expect(error).toBe(blip);
    expect(failing.getJob).toHaveBeenCalledTimes(3);
  });

  it('does not retry a poll that failed for good', async () => {
    const missing = new InfermuxError({
      code: 'caller_model_not_found',
      message: 'unknown task id',
      provider: 'evolink',
    });
    const { client, getJob } = scriptedClient([missing]);
    const { error } = await settle(waitForJob(client, 'image-generation', job));
    expect(error).toBe(missing);
    expect(getJob).toHaveBeenCalledTimes(1);
  });
});
