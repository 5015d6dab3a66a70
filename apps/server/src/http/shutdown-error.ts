import { InfermuxError } from '@infermux/core';

/** A request or stream the gateway itself cut at the drain deadline: booked 503, not 499 (the caller did not leave). */
export function shutdownError(what: 'request' | 'stream' = 'request'): InfermuxError {
  return new InfermuxError({
    code: 'gateway_shutdown',
    message: `The gateway is shutting down; the ${what} was cut at the drain deadline.`,
    retryAfterMs: 1000,
  });
}
