import { createInterface } from 'node:readline/promises';
import type { Terminal } from '../runtime/terminal';

/** Ctrl-C while waiting on a job: on a TTY, ask; anywhere else, leave it running. */
export async function askCancelOrLeave(terminal: Terminal): Promise<'cancel' | 'leave'> {
  if (!terminal.canAsk) return 'leave';
  const prompt = createInterface({ input: process.stdin, output: terminal.stderr });
  // Another Ctrl-C at the question means "just let me go": leave the job running.
  const interrupted = new AbortController();
  prompt.on('SIGINT', () => interrupted.abort());
  try {
    const answer = await prompt.question(
      `\n${terminal.err.yellow('?')} Cancel the job upstream? [y/N] (N leaves it running) `,
      { signal: interrupted.signal },
    );
    return /^y(es)?$/i.test(answer.trim()) ? 'cancel' : 'leave';
  } catch {
    return 'leave';
  } finally {
    prompt.close();
  }
}
