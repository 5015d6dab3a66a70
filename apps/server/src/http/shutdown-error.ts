import { InfermuxError } from '@infermux/core';

/** A request or stream the gateway itself cut at the drain deadline: booked 503, not 499 (the caller did not leave). */
export function shutdownError(): InfermuxError {
  return new InfermuxError({
    code: 'gateway_shutdown',
    message: 'The gateway is shutting down; the request was cut at the drain deadline. Retry on another instance.',
    retryAfterMs: 1000,
  });
}
