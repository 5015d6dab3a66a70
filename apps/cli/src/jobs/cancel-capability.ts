import type { Client } from '@infermux/core';
import type { JobReference } from './job-reference';

/** The provider declares it can cancel this task's jobs: only then is cancelling offered or attempted. */
export function canCancelJob(client: Pick<Client, 'providers'>, reference: JobReference): boolean {
  return client.providers.get(reference.provider).tasks[reference.task]?.cancelable === true;
}
