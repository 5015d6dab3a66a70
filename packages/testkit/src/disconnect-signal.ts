import type { ServerResponse } from 'node:http';

/**
 * A signal that aborts when `response` closes before it finished: the client went away, a fault cut
 * the connection, or the server closed. Built only on demand, because most requests never need one
 * and benchmarks push thousands per second through the server.
 */
export function disconnectSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => {
    if (!response.writableFinished) controller.abort(new Error('client disconnected or server closed'));
  };
  if (response.destroyed) abort();
  else response.once('close', abort);
  return controller.signal;
}
