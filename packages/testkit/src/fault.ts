import type { FakeHeaders } from './merge-headers.js';
import type { RecordedRequest } from './recorded-request.js';
import type { RoutePattern } from './route-pattern.js';

/** Answer with this status instead of calling the route. `body`: object → JSON, string → text, bytes as they are; default `{"error": <reason phrase>}`. */
export interface StatusFault {
  kind: 'status';
  status: number;
  body?: unknown;
  headers?: FakeHeaders;
}

/** Wait before handing the request to its route: a stall before response headers. Cut short by `close()`. */
export interface DelayHeadersFault {
  kind: 'delay-headers';
  ms: number;
}

/** Destroy the connection (TCP reset) without any response. */
export interface ResetFault {
  kind: 'reset';
}

/** Answer `status` (default 200) with `content-type: application/json` and a body that does not parse. */
export interface MalformedJsonFault {
  kind: 'malformed-json';
  status?: number;
  body?: string;
}

/**
 * Where a body fault strikes: after `afterBytes` body bytes, or after `afterEvents` whole SSE events
 * (frames ended by a blank line: with `sse()`, one per token chunk). Exactly one of the two.
 */
export type FaultPoint = { afterBytes: number; afterEvents?: never } | { afterEvents: number; afterBytes?: never };

/**
 * Let the route answer, but close the connection at the fault point: the status and headers arrive,
 * the body never completes. A body that ends before it is sent whole.
 */
export type CutBodyFault = { kind: 'cut-body' } & FaultPoint;

/** Deliver the route's body `chunkBytes` at a time, pausing `delayMs` between chunks. */
export interface SlowBodyFault {
  kind: 'slow-body';
  chunkBytes: number;
  delayMs: number;
}

/** Send the body up to the fault point, pause `ms`, then send the rest. */
export type StallMidStreamFault = { kind: 'stall-mid-stream'; ms: number } & FaultPoint;

/** Send the body up to the fault point, then `bytes` (e.g. a malformed SSE frame), then the rest. */
export type InjectBytesFault = { kind: 'inject-bytes'; bytes: string | Uint8Array } & FaultPoint;

export type Fault =
  | StatusFault
  | DelayHeadersFault
  | ResetFault
  | MalformedJsonFault
  | CutBodyFault
  | SlowBodyFault
  | StallMidStreamFault
  | InjectBytesFault;

/** Faults that let the route answer and reshape the bytes it writes. */
export type BodyFault = CutBodyFault | SlowBodyFault | StallMidStreamFault | InjectBytesFault;

/**
 * Which requests a fault applies to:
 * - `'POST /v1/chat/completions'` or `'/v1/models/:id'` (any method), with route-pattern syntax
 * - `{ method?, path? }` (omitted = any)
 * - a predicate over the received request, body included
 */
export type FaultMatcher = string | { method?: string; path?: RoutePattern } | ((request: RecordedRequest) => boolean);

export interface FaultOptions {
  /** How many matching requests the fault applies to. Default 1; `Infinity` until cancelled or reset. */
  times?: number;
}

/** A queued fault, to check it was used or to withdraw it. */
export interface FaultHandle {
  readonly fault: Fault;
  /** Requests it has been applied to so far. */
  readonly applied: number;
  /** Applications left (0 once used up or cancelled). */
  readonly remaining: number;
  cancel(): void;
}
