import { InfermuxError, type JobStatus } from '@infermux/core';
import { type PrintOptions, printResult } from '../output/print-result';
import { formatJobReference, type JobReference } from './job-reference';

/** Prints a finished job's result, or throws its error (exit code 6 for a failed job). */
export async function finishJob(status: JobStatus, reference: JobReference, options: PrintOptions): Promise<void> {
  if (status.state === 'succeeded') {
    await printResult(
      {
        task: reference.task,
        output: status.output as never,
        provider: reference.provider,
        usage: status.usage ?? {},
        ...(status.model ? { model: status.model } : {}),
        ...(status.requestId ? { requestId: status.requestId } : {}),
      },
      options,
    );
    return;
  }
  if (status.state === 'canceled') {
    throw new InfermuxError({
      code: 'provider_job_failed',
      message: `Job ${formatJobReference(reference)} was canceled`,
      provider: reference.provider,
    });
  }
  throw (
    status.error ??
    new InfermuxError({
      code: 'provider_job_failed',
      message: `Job ${formatJobReference(reference)} failed`,
      provider: reference.provider,
    })
  );
}
