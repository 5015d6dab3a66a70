import { InfermuxError, isTaskId, type TaskId } from '@infermux/core';

/**
 * A job the CLI can find again: the printed id is `<provider>:<task>:<upstream id>`, so
 * `infermux job wait <id>` needs no other flag. A bare upstream id works with
 * `--provider` and `--task`. Provider names and task ids never contain `:`; upstream ids may.
 */
export interface JobReference {
  provider: string;
  task: TaskId;
  jobId: string;
}

export function formatJobReference(reference: JobReference): string {
  return `${reference.provider}:${reference.task}:${reference.jobId}`;
}

export function parseJobReference(text: string, flags: { provider?: string; task?: string } = {}): JobReference {
  const match = /^([a-z][a-z0-9-]*):([a-z0-9-]+):(.+)$/.exec(text);
  if (match && isTaskId(match[2])) {
    return {
      provider: flags.provider ?? (match[1] as string),
      task: (flags.task as TaskId | undefined) ?? match[2],
      jobId: match[3] as string,
    };
  }
  if (!flags.provider || !flags.task) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `"${text}" is a bare job id: pass --provider <name> --task <task>, or use the full id infermux printed (<provider>:<task>:<id>)`,
      details: { field: 'job' },
    });
  }
  if (!isTaskId(flags.task))
    throw new InfermuxError({
      code: 'caller_unknown_task',
      message: `Unknown task "${flags.task}"`,
      details: { field: '--task' },
    });
  return { provider: flags.provider, task: flags.task, jobId: text };
}
