import type { Client } from '@infermux/core';
import { type ExitCode, exitCodes } from '../exit-codes';
import { reportError } from '../runtime/report-error';
import type { Terminal } from '../runtime/terminal';
import { askCancelOrLeave } from './ask-cancel';
import { canCancelJob } from './cancel-capability';
import { formatJobReference, type JobReference } from './job-reference';

export interface InterruptOptions {
  terminal: Terminal;
  verbose?: boolean;
  /** Print the job id on stdout when it is left running and nobody was asked (`run`: the id is news). */
  printId?: boolean;
  /** The cancel question; a TTY prompt unless a test brings its answer. */
  ask?: (terminal: Terminal) => Promise<'cancel' | 'leave'>;
}

/**
 * Ctrl-C while waiting on a job. Cancelling is offered only where the provider can do it;
 * otherwise, or when the answer is no, the job is left running with the command that picks it
 * up. Always exit 130: a failed cancel is reported, and the job is said to be still running.
 */
export async function interruptJob(
  client: Pick<Client, 'providers' | 'cancelJob'>,
  reference: JobReference,
  options: InterruptOptions,
): Promise<ExitCode> {
  const { terminal } = options;
  const id = formatJobReference(reference);
  const cancelable = canCancelJob(client, reference);
  if (cancelable && (await (options.ask ?? askCancelOrLeave)(terminal)) === 'cancel') {
    try {
      await client.cancelJob(reference.task, { provider: reference.provider, jobId: reference.jobId });
      terminal.stderr.write(`Canceled job ${id}\n`);
      return exitCodes.interrupted;
    } catch (error) {
      await reportError(error, terminal, { verbose: options.verbose });
    }
  }
  if (!cancelable && terminal.canAsk) {
    terminal.stderr.write(`\n${reference.provider} cannot cancel ${reference.task} jobs: it keeps running upstream.\n`);
  }
  terminal.stderr.write(`Left job running: ${id}\nPick it up with: infermux job wait ${id}\n`);
  if (options.printId && !terminal.canAsk) terminal.stdout.write(`${id}\n`);
  return exitCodes.interrupted;
}
