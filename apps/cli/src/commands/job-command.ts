import { InfermuxError, type JobState, type JobStatus } from '@infermux/core';
import { exitCodes } from '../exit-codes';
import { canCancelJob } from '../jobs/cancel-capability';
import { finishJob } from '../jobs/finish-job';
import { followJob } from '../jobs/follow-job';
import { interruptJob } from '../jobs/interrupt-job';
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
    return interruptJob(client, reference, { terminal: context.terminal, verbose: context.options.verbose });
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

const finishedStates = new Set<JobState>(['succeeded', 'failed', 'canceled']);

/** Cancels a job that is still queued or running, on a provider that can cancel; says plainly when not. */
export async function jobCancelCommand(context: CliContext, id: string, flags: JobFlags): Promise<number> {
  const reference = parseJobReference(id, flags);
  const client = await context.client();
  const job = { provider: reference.provider, jobId: reference.jobId };
  const printed = formatJobReference(reference);
  const current = await client.getJob(reference.task, job);
  if (finishedStates.has(current.state)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `Job ${printed} already ${current.state}: there is nothing to cancel`,
      provider: reference.provider,
      details: { field: 'id', jobId: reference.jobId, state: current.state },
    });
  }
  if (!canCancelJob(client, reference)) {
    throw new InfermuxError({
      code: 'caller_unsupported',
      message: `${reference.provider} has no cancel endpoint for ${reference.task} jobs: job ${printed} keeps running (${current.state}). Follow it with: infermux job wait ${printed}`,
      provider: reference.provider,
      details: { operation: 'cancel', task: reference.task, jobId: reference.jobId },
    });
  }
  const status = await client.cancelJob(reference.task, job);
  context.terminal.stdout.write(`${printed}  ${status.state}\n`);
  return exitCodes.ok;
}
