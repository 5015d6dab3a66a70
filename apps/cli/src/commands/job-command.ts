import type { JobStatus } from '@infermux/core';
import { exitCodes } from '../exit-codes';
import { askCancelOrLeave } from '../jobs/ask-cancel';
import { finishJob } from '../jobs/finish-job';
import { followJob } from '../jobs/follow-job';
import { formatJobReference, parseJobReference } from '../jobs/job-reference';
import { toJsonSafe } from '../output/binary-fields';
import type { CliContext } from '../runtime/cli-context';
import { pollIntervalMs } from '../runtime/poll-interval';

interface JobFlags {
  provider?: string;
  task?: string;
  json?: boolean;
  out?: string;
  pollInterval?: string;
}

export async function jobStatusCommand(context: CliContext, id: string, flags: JobFlags): Promise<number> {
  const reference = parseJobReference(id, flags);
  const client = await context.client();
  const status = await client.getJob(reference.task, { provider: reference.provider, jobId: reference.jobId });
  const terminal = context.terminal;
  if (flags.json) {
    const { error, ...rest } = status;
    terminal.stdout.write(
      `${JSON.stringify(toJsonSafe({ ...rest, id: formatJobReference(reference), ...(error ? { error: error.toJSON() } : {}) }), null, 2)}\n`,
    );
    return exitCodes.ok;
  }
  const facts = [
    status.state,
    status.progress !== undefined ? `${Math.round(status.progress)}%` : undefined,
    status.estimatedSecondsRemaining !== undefined
      ? `~${Math.ceil(status.estimatedSecondsRemaining)}s left`
      : undefined,
  ];
  terminal.stdout.write(`${formatJobReference(reference)}  ${facts.filter(Boolean).join('  ')}\n`);
  if (status.error) terminal.stdout.write(`  ${terminal.out.red(status.error.message)}\n`);
  return exitCodes.ok;
}

export async function jobWaitCommand(context: CliContext, id: string, flags: JobFlags): Promise<number> {
  const reference = parseJobReference(id, flags);
  const client = await context.client();
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  let status: JobStatus;
  try {
    status = await followJob(client, reference, {
      terminal: context.terminal,
      signal: controller.signal,
      intervalMs: pollIntervalMs(flags.pollInterval, context.env),
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    if ((await askCancelOrLeave(context.terminal)) === 'cancel') {
      await client.cancelJob(reference.task, { provider: reference.provider, jobId: reference.jobId });
      context.terminal.stderr.write(`Canceled job ${formatJobReference(reference)}\n`);
    } else {
      context.terminal.stderr.write(`Left job running: ${formatJobReference(reference)}\n`);
    }
    return exitCodes.interrupted;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  await finishJob(status, reference, {
    terminal: context.terminal,
    json: flags.json,
    out: flags.out,
    cwd: process.cwd(),
    task: reference.task,
  });
  return exitCodes.ok;
}

export async function jobCancelCommand(context: CliContext, id: string, flags: JobFlags): Promise<number> {
  const reference = parseJobReference(id, flags);
  const client = await context.client();
  const status = await client.cancelJob(reference.task, { provider: reference.provider, jobId: reference.jobId });
  context.terminal.stdout.write(`${formatJobReference(reference)}  ${status.state}\n`);
  return exitCodes.ok;
}
