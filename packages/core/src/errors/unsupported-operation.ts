import { InfermuxError } from './infermux-error';

/** A provider method a task may lack (`doRun`, `doStream`, …): what a `caller_unsupported` error can name. */
export type ProviderOperation = 'run' | 'stream' | 'batch' | 'forward' | 'start' | 'status' | 'cancel';

/**
 * True when `error` says a provider cannot perform `operation` for the task (`details.operation`).
 * Callers branch on this (e.g. a gateway submits a job when a task cannot run synchronously),
 * never on the message, which is prose for people.
 */
export function isUnsupportedOperation(error: unknown, operation: ProviderOperation): boolean {
  return (
    InfermuxError.isInstance(error) && error.code === 'caller_unsupported' && error.details?.operation === operation
  );
}
