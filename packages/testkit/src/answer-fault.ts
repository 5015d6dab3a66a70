import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { MalformedJsonFault, ResetFault, StatusFault } from './fault.js';
import { mergeHeaders } from './merge-headers.js';

/** Faults that replace the route's answer entirely. */
export type AnsweringFault = StatusFault | MalformedJsonFault | ResetFault;

/** Starts like a JSON object and stops mid-string, so every JSON parser rejects it. */
const MALFORMED_JSON = '{"error": {"message": "truncat';

export function answerFault(response: ServerResponse, fault: AnsweringFault): void {
  switch (fault.kind) {
    case 'status': {
      const [body, contentType] = encodeBody(fault.body ?? { error: STATUS_CODES[fault.status] ?? 'Error' });
      response.writeHead(
        fault.status,
        mergeHeaders({ 'content-type': contentType, 'content-length': body.byteLength }, fault.headers),
      );
      response.end(body);
      return;
    }
    case 'malformed-json': {
      const body = Buffer.from(fault.body ?? MALFORMED_JSON);
      response.writeHead(fault.status ?? 200, {
        'content-type': 'application/json',
        'content-length': body.byteLength,
      });
      response.end(body);
      return;
    }
    case 'reset':
      // A TCP RST rather than a FIN, which is what clients see when an upstream process dies.
      response.socket?.resetAndDestroy();
      return;
  }
}

function encodeBody(body: unknown): [Uint8Array, string] {
  if (typeof body === 'string') return [Buffer.from(body), 'text/plain; charset=utf-8'];
  if (body instanceof Uint8Array) return [body, 'application/octet-stream'];
  return [Buffer.from(JSON.stringify(body)), 'application/json'];
}
