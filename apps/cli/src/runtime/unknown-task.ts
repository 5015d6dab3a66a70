import { InfermuxError, taskIds } from '@infermux/core';

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

/** An unknown-task error with a "did you mean" when a task id is close. */
export function unknownTask(name: string): { error: InfermuxError; suggestion?: string } {
  const best = taskIds.map((id) => ({ id, score: distance(name, id) })).sort((a, b) => a.score - b.score)[0];
  const suggestion = best && best.score <= Math.max(2, Math.floor(name.length / 5)) ? best.id : undefined;
  const error = new InfermuxError({
    code: 'caller_unknown_task',
    message: `Unknown task "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
    details: { task: name },
  });
  return { error, ...(suggestion ? { suggestion } : {}) };
}
