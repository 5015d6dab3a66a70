import type { JobStatus, TaskId } from '@infermux/core';

/** The tasks EvoLink runs as tasks (wire/evolink §3, §4), with the `type` and `object` of their task objects. */
export const evolinkTaskKinds = {
  'image-generation': { type: 'image', object: 'image.generation.task', results: 'images' },
  'video-generation': { type: 'video', object: 'video.generation.task', results: 'videos' },
} as const satisfies Partial<Record<TaskId, { type: string; object: string; results: string }>>;

export type EvolinkTaskKind = keyof typeof evolinkTaskKinds;

export function isEvolinkTaskKind(task: TaskId): task is EvolinkTaskKind {
  return Object.hasOwn(evolinkTaskKinds, task);
}

/** Core's job states in EvoLink's words (wire/evolink §3.3); a cancelled job is a failed task, as its MCP reads it. */
const statusNames = {
  queued: 'pending',
  running: 'processing',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'failed',
} as const;

/**
 * A job as EvoLink's task object (wire/evolink §3.2, §3.3): `id`, `object`, `type`, `model`, `status`,
 * `progress`, `created`, `task_info`, and `results` (URLs) once completed or `error {code, message}` once failed.
 * The gateway cannot cancel EvoLink tasks (EvoLink has no cancel endpoint: wire/evolink §3.3), so `can_cancel` is false.
 */
export function evolinkTaskObject(
  id: string,
  status: JobStatus,
  job: { task: EvolinkTaskKind; model?: string; createdAt?: number },
): Record<string, unknown> {
  const kind = evolinkTaskKinds[job.task];
  const name = statusNames[status.state];
  const task: Record<string, unknown> = {
    id,
    object: kind.object,
    type: kind.type,
    model: status.model?.id ?? job.model ?? null,
    status: name,
    progress: status.progress ?? (name === 'completed' ? 100 : 0),
    created: job.createdAt ?? Math.floor(Date.now() / 1000),
    task_info: {
      can_cancel: false,
      ...(status.estimatedSecondsRemaining !== undefined ? { estimated_time: status.estimatedSecondsRemaining } : {}),
    },
  };
  if (status.usage?.creditsReserved !== undefined || status.usage?.credits !== undefined) {
    task.usage = {
      ...(status.usage.creditsReserved !== undefined ? { credits_reserved: status.usage.creditsReserved } : {}),
      ...(status.usage.credits !== undefined ? { credits: status.usage.credits } : {}),
    };
  }
  if (name === 'completed') task.results = resultURLs(status.output, kind.results);
  if (status.state === 'failed' || status.state === 'canceled') {
    task.error = {
      code: status.state === 'canceled' ? 'request_cancelled' : (status.error?.code ?? 'unknown_error'),
      message: status.error?.message ?? `The task ended ${status.state}.`,
    };
  }
  return task;
}

/** The result URLs (EvoLink's own results, 24 h links; wire/evolink §3.5). */
function resultURLs(output: unknown, key: 'images' | 'videos'): string[] {
  const items = (output as Record<string, Array<{ url?: string }> | undefined> | undefined)?.[key];
  return (items ?? []).flatMap((item) => (item.url ? [item.url] : []));
}
