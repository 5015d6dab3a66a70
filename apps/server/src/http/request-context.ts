import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Cost, InfermuxError, Usage } from '@infermux/core';
import type { GatewayKey } from '../keys/gateway-key';
import type { Reservation } from '../limits/key-admission';
import type { ApiDialect } from '../wire/api-dialect';
import { takeController } from './connection-controller';
import { noParams } from './endpoint-table';

/** The request deadline's timer callback: a module function, not a closure made per request. */
function abortForTimeout(abort: AbortController): void {
  abort.abort('timeout');
}

/**
 * Everything one request accumulates on its way through the gateway; the ledger row
 * and the metrics are written from it once the response has ended.
 */
export class RequestContext {
  readonly startedAt = performance.now();
  readonly startedAtMs = Date.now();
  /** Ends the request's upstream work (caller gone, deadline, shutdown); see `takeController`. */
  readonly abort: AbortController;
  /** Time spent waiting on the upstream (core calls); subtracted to get the gateway's own time. */
  upstreamMs = 0;
  /** Set once the overhead header went out (streams fix it at first byte). */
  overheadMs: number | undefined;
  params: Readonly<Record<string, string>> = noParams;
  query: URLSearchParams | undefined;
  key: GatewayKey | undefined;
  /**
   * The caller's own provider token, passed on (`providers.<name>.passThrough`): provider → token. Held for
   * this request only; never logged, stored or echoed.
   */
  credentials: Readonly<Record<string, string>> | undefined;
  /** What this request reserved against its key's limits; settled to the actual when it ends. */
  reservation: Reservation | undefined;
  /** A job this request submitted whose quote stays held against the key's budget after the response. */
  heldJob: string | undefined;
  /** Ledger fields, filled as they become known. */
  task: string | undefined;
  route: string | undefined;
  provider: string | undefined;
  model: string | undefined;
  attempts = 0;
  usage: Usage | undefined;
  /** Undefined until a call reports one; null when the call was answered but nothing priced it. */
  cost: Cost | null | undefined;
  cached = false;
  streamed = false;
  status = 0;
  error: InfermuxError | undefined;
  /** Runs before the response's last bytes (the ledger's `before-response` commit); undefined otherwise. */
  beforeEnd: (() => Promise<void>) | undefined;
  /** The ledger row was already written by `beforeEnd`. */
  rowRecorded = false;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly id: string,
    readonly path: string,
    /** The endpoint pattern that matched (`/v1/chat/completions`, `/models/{model}`), for labels. */
    public endpoint: string,
    public format: ApiDialect,
  ) {
    this.abort = takeController(request.socket);
  }

  private deadline: NodeJS.Timeout | undefined;

  /** Aborts the request (and its upstream call) with reason `timeout` after `ms`. */
  setDeadline(ms: number): void {
    this.deadline = setTimeout(abortForTimeout, ms, this.abort);
    this.deadline.unref();
  }

  /** Streams live as long as they produce; the deadline only covers getting them started. */
  clearDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /** Runs an upstream call and books its wall time as upstream time. */
  async upstream<T>(call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await call();
    } finally {
      this.upstreamMs += performance.now() - start;
    }
  }

  /** The gateway's own time so far: elapsed minus time waiting upstream. */
  currentOverheadMs(): number {
    return Math.max(0, performance.now() - this.startedAt - this.upstreamMs);
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}
