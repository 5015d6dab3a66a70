import { InfermuxError } from '@infermux/core';
import type { JobReference } from '../jobs/job-reference';

/**
 * Where a batch keeps the async jobs it started, so that no paid job is ever submitted twice:
 * `submitting` is recorded before the submission is sent and `submitted` (with the job id)
 * before anything waits on it. A local batch keeps it in a file, a distributed one in Redis.
 */
export type JobEntry = { state: 'submitting' } | { state: 'submitted'; job: JobReference };

export interface JobJournal {
  /**
   * Records `submitting` for an item unless it already has an entry, atomically; returns the
   * entry found (then nothing was recorded). `undefined` means: this caller may submit.
   */
  claim(itemKey: string): Promise<JobEntry | undefined>;
  submitted(itemKey: string, job: JobReference): Promise<void>;
  /** Forgets an item's job (it ended failed upstream, or its submission was refused): a rerun submits afresh. */
  release(itemKey: string): Promise<void>;
}

/**
 * A submission whose outcome was never learnt (the process died after `submitting` was
 * recorded and before the job id came back): the upstream may be running, and billing, a job.
 */
export function unknownSubmission(itemKey: string): InfermuxError {
  return new InfermuxError({
    code: 'provider_job_failed',
    message: `Item ${itemKey}: an earlier run was stopped while submitting its job, so whether the provider started it is unknown. It is not submitted again (it may be a paid job already running): check the provider's dashboard, then rerun with --resubmit-unknown to submit it anyway`,
    details: { reason: 'submission_unknown' },
  });
}

/**
 * Whether a failed submission proves no job was created: the upstream (or the client, before
 * sending) refused it with a 4xx. A network failure, a 5xx, a timeout or an abort may have
 * left a job running, so that item stays `submitting`.
 */
export function refusedBeforeCreation(error: InfermuxError): boolean {
  return (
    error.status >= 400 && error.status < 500 && error.code !== 'caller_aborted' && error.code !== 'provider_conflict'
  );
}
