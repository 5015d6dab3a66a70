import { InfermuxError, type TaskId, taskIds } from '@infermux/core';
import { taskAliases } from './task-aliases';

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/**
 * What a misspelling is compared with: task ids, and aliases long enough that a few edits away
 * still means them (two edits turn any two-letter word into `qa`).
 */
const fuzzyNames: ReadonlyArray<{ name: string; task: TaskId }> = [
  ...taskIds.map((id) => ({ name: id, task: id })),
  ...Object.entries(taskAliases)
    .filter(([name]) => name.length >= 6)
    .map(([name, task]) => ({ name, task })),
];

/** The task a name most likely meant: an alias (`sentiment`), or a task id or alias a few edits away. */
function closestTask(name: string): TaskId | undefined {
  const normalized = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (Object.hasOwn(taskAliases, normalized)) return taskAliases[normalized];
  const best = fuzzyNames
    .map((known) => ({ task: known.task, score: distance(normalized, known.name) }))
    .sort((a, b) => a.score - b.score)[0];
  return best && best.score <= Math.max(2, Math.floor(normalized.length / 5)) ? best.task : undefined;
}

/** An unknown-task error with a "did you mean" when a task id or a common alias is close. */
export function unknownTask(name: string): { error: InfermuxError; suggestion?: string } {
  const suggestion = closestTask(name);
  const error = new InfermuxError({
    code: 'caller_unknown_task',
    message: `Unknown task "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
    details: { task: name },
  });
  return { error, ...(suggestion ? { suggestion } : {}) };
}
