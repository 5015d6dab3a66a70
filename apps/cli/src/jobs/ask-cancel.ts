import { createInterface } from 'node:readline/promises';
import type { Terminal } from '../runtime/terminal';

/** Ctrl-C while waiting on a job: on a TTY, ask; anywhere else, leave it running. */
export async function askCancelOrLeave(terminal: Terminal): Promise<'cancel' | 'leave'> {
  if (!terminal.canAsk) return 'leave';
  const prompt = createInterface({ input: process.stdin, output: terminal.stderr });
  try {
    const answer = await prompt.question(`\n${terminal.err.yellow('?')} Cancel the job upstream? [y/N] (N leaves it running) `);
    return /^y(es)?$/i.test(answer.trim()) ? 'cancel' : 'leave';
  } finally {
    prompt.close();
  }
}
