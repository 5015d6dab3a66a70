import { InfermuxError, type JobState, type JobStatus, type Usage } from '@infermux/core';
import { evolinkJobError } from './evolink-error';
import type { EvolinkJobTask } from './evolink-model-capabilities';
import type { EvolinkTask } from './evolink-task-schema';

/** Result links are valid for 24 hours (stated on every EvoLink image and video page, wire/evolink §3.5). */
export const RESULT_LIFETIME_MS = 24 * 60 * 60 * 1000;

const states: Record<string, JobState> = {
  pending: 'queued',
  processing: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'canceled',
  canceled: 'canceled',
};

const kinds: Record<EvolinkJobTask, { type: string; key: 'images' | 'videos'; pick: 'image_url' | 'video_url' }> = {
  'image-generation': { type: 'image', key: 'images', pick: 'image_url' },
  'video-generation': { type: 'video', key: 'videos', pick: 'video_url' },
};

/** An EvoLink task object → core JobStatus: state, progress, time left, results, expiry, credits. */
export function taskToJobStatus<T extends EvolinkJobTask>(
  task: EvolinkTask,
  context: { jobTask: T; provider: string; requestId?: string; now?: number },
): JobStatus<T> {
  const { provider, jobTask } = context;
  const kind = kinds[jobTask];
  if (task.type && task.type !== kind.type) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${provider} job ${task.id} is a ${task.type} job, not ${jobTask}`,
      provider,
      details: { field: 'task', jobId: task.id, upstreamType: task.type },
    });
  }
  const state = states[task.status];
  if (!state) {
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: `${provider} reported job ${task.id} in an unknown status "${task.status}"`,
      provider,
      details: { jobId: task.id, status: task.status },
    });
  }
  const now = context.now ?? Date.now();
  const status: JobStatus<T> = { jobId: task.id, task: jobTask, state, requestId: context.requestId };
  if (task.progress != null) status.progress = task.progress;
  if (task.model) status.model = { id: task.model };

  const estimate = task.task_info?.estimated_time;
  if (estimate != null && (state === 'queued' || state === 'running')) {
    // `estimated_time` is the whole job's; what is left is what matters for polling.
    const elapsedSeconds = task.created ? Math.max(0, now / 1000 - task.created) : 0;
    status.estimatedSecondsRemaining = Math.max(0, Math.round(estimate - elapsedSeconds));
  }

  const usage: Usage = {};
  // Held at submission (a quote) and, when the task reports it, the final charge: priced apart.
  const reserved = task.usage?.credits_reserved;
  if (reserved != null) usage.creditsReserved = reserved;
  const charged = task.usage?.credits;
  if (charged != null) usage.credits = charged;

  if (state === 'succeeded') {
    const urls = resultURLs(task, kind.pick);
    if (urls.length === 0) {
      throw new InfermuxError({
        code: 'provider_bad_response',
        message: `${provider} reported job ${task.id} completed without any result URL`,
        provider,
        details: { jobId: task.id },
      });
    }
    // EvoLink reports no completion time; counting from creation gives the earliest the links can expire.
    const expiresAt = (task.created ? task.created * 1000 : now) + RESULT_LIFETIME_MS;
    status.expiresAt = expiresAt;
    status.output = {
      [kind.key]: urls.map((url) => ({ url })),
      expires_at: Math.floor(expiresAt / 1000),
    } as JobStatus<T>['output'];
    if (jobTask === 'image-generation') usage.images = urls.length;
    else if (task.task_info?.video_duration != null) usage.videoSeconds = task.task_info.video_duration * urls.length;
  }
  if (state === 'failed') status.error = evolinkJobError(task.error, { provider, jobId: task.id });
  if (Object.keys(usage).length > 0) status.usage = usage;
  return status;
}

function resultURLs(task: EvolinkTask, pick: 'image_url' | 'video_url'): string[] {
  if (task.results && task.results.length > 0) return task.results;
  return (task.result_data ?? []).flatMap((item) => (item[pick] ? [item[pick] as string] : []));
}
