import type { OutgoingHttpHeaders } from 'node:http';
import { InfermuxError } from '@infermux/core';
import { errorResponse } from '../wire/error-response';
import type { RequestContext } from './request-context';

/** Headers every response carries: the request id and the gateway's own time. */
function baseHeaders(context: RequestContext): OutgoingHttpHeaders {
  const overhead = context.currentOverheadMs();
  context.overheadMs = overhead;
  return { 'x-request-id': context.id, 'x-infermux-overhead-ms': overhead.toFixed(3) };
}

export function sendBody(
  context: RequestContext,
  status: number,
  body: string | Uint8Array,
  contentType: string,
  extra?: OutgoingHttpHeaders,
): void {
  const response = context.response;
  if (response.headersSent || response.destroyed) return;
  context.status = status;
  const headers = baseHeaders(context);
  headers['content-type'] = contentType;
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (extra) Object.assign(headers, extra);
  const beforeEnd = context.beforeEnd;
  if (!beforeEnd) {
    response.writeHead(status, headers);
    response.end(body);
    return;
  }
  // Nothing leaves before the row is committed: an answered request always has its row.
  const end = () => {
    if (response.destroyed) return;
    response.writeHead(status, headers);
    response.end(body);
  };
  beforeEnd().then(end, end);
}

export function sendJson(context: RequestContext, status: number, value: unknown, extra?: OutgoingHttpHeaders): void {
  sendBody(context, status, JSON.stringify(value), 'application/json', extra);
}

/** Writes an error in the endpoint's wire format; anything that is not an InfermuxError is a gateway bug (500). */
export function sendError(context: RequestContext, error: unknown): void {
  const typed = InfermuxError.isInstance(error)
    ? error
    : new InfermuxError({ code: 'gateway_internal', message: 'Internal gateway error', cause: error });
  context.error = typed;
  const { status, headers, body } = errorResponse(context.format, typed, context.id);
  sendBody(context, status, body, 'application/json', headers);
}

/**
 * Starts an SSE response (status 200). With `flush`, the headers go out now; without, they leave with
 * the first write (one packet instead of two, for a caller that already holds its first bytes).
 */
export function startEventStream(context: RequestContext, flush = true): void {
  const response = context.response;
  context.status = 200;
  context.streamed = true;
  const headers = baseHeaders(context);
  headers['content-type'] = 'text/event-stream';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  response.writeHead(200, headers);
  if (flush) response.flushHeaders();
}
