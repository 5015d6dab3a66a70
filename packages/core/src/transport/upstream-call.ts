import type { Dispatcher } from 'undici';
import { InfermuxError } from '../errors/infermux-error';
import type { HttpRequest, HttpResponse } from './http-transport';
import type { Deadline, Timeouts } from './timeouts';
import { type TimedOutPhase, translateTransportError, truncate } from './transport-error';
import { unwatchAbort, watchAbort } from './watch-abort';

/** Body bytes held for a reader that is not reading before the upstream is paused (as a Readable's highWaterMark). */
const HIGH_WATER_BYTES = 64 * 1024;
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 1_000;
/** A deadline this close is due: timers fire on the loop's cached clock, a little early on ours. */
const DEADLINE_SLACK_MS = 1;

const requestIdHeaders = ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray'];

type Waiter<T> = { resolve: (value: T) => void; reject: (error: unknown) => void };
type BodyState = 'open' | 'ended' | 'failed' | 'discarding';

const deadlineReached = (call: UpstreamCall): void => call.checkDeadlines();
const drainGivenUp = (call: UpstreamCall): void => call.giveUpDrain();

/**
 * One upstream request, driven by undici's `dispatch` with this object as its handler. It replaced
 * `dispatcher.request`, which wraps every response in a Readable stream and an AsyncResource and
 * took a quarter of a whole-answer call's CPU: here chunks go straight into a small queue that the
 * body reader (`bytes()`, or the `body` iterator with backpressure) takes them from.
 *
 * Its time limits (first byte, idle while a reader waits, total, and the route's deadline) share one
 * timer, armed for at most `idleMs` ahead and re-checked when it fires, so a reader starting to wait
 * never needs it re-armed: a call that ends in time sets one timer and clears it.
 */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** An abort asked for before undici handed us the controller (the request was still queued). */
  private pendingAbort: Error | undefined;
  private timedOut: TimedOutPhase | undefined;
  private readonly startedAt = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private headersWaiter: Waiter<HttpResponse> | undefined;
  private responded = false;
  private statusCode = 0;

  // The body: chunks not yet taken, and who waits for them.
  private state: BodyState = 'open';
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private failure: unknown;
  private consumed = false;
  /** A `body` reader waiting for the next chunk. */
  private reader: Waiter<IteratorResult<Uint8Array>> | undefined;
  /** `bytes()`, `text()` or `json()` collecting the whole body (converted as it resolves). */
  private collector: Waiter<Buffer> | undefined;
  /** When the reader began waiting for the upstream (ms, performance.now), or -1: the idle limit only counts then. */
  private waitingSince = -1;
  private discardedBytes = 0;

  private readonly deadline: Deadline | undefined;

  constructor(
    private readonly request: HttpRequest,
    private readonly timeouts: Timeouts,
  ) {
    this.deadline = request.timeouts?.deadline;
  }

  /** Sends the request; resolves with the response once its headers are in. */
  start(dispatcher: Dispatcher, target: { origin: string; path: string }): Promise<HttpResponse> {
    const { request, timeouts } = this;
    const response = new Promise<HttpResponse>((resolve, reject) => {
      this.headersWaiter = { resolve, reject };
    });
    if (request.signal) watchAbort(request.signal, this);
    let first = Math.min(timeouts.firstByteMs, timeouts.totalMs, timeouts.idleMs);
    const { deadline } = this;
    if (deadline) {
      deadline.enforcedBy(this);
      first = Math.min(first, Math.max(0, deadline.at - Date.now()));
    }
    this.arm(first);
    try {
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          // undici's own limits are off: this call's timer enforces first byte, idle, total and the
          // deadline precisely (hedging and fast failover need that), and undici's tick in coarse steps
          // with a timer object per phase switch that lives until its ~1 s sweep: under load those
          // outlived young-generation GCs and were a third of what got promoted per whole answer.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        this,
      );
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    return response;
  }

  // --- undici's DispatchHandler ---

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingAbort);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200 || this.responded) return;
    this.responded = true;
    this.statusCode = statusCode;
    const waiter = this.headersWaiter;
    this.headersWaiter = undefined;
    waiter?.resolve(
      new UpstreamResponse(this, statusCode, flattenHeaders(headers), performance.now() - this.startedAt),
    );
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.state === 'discarding') {
      this.discardedBytes += chunk.byteLength;
      if (this.discardedBytes > DRAIN_LIMIT_BYTES) controller.abort(new Error('drain limit'));
      return;
    }
    if (this.collector) {
      this.queue.push(chunk);
      this.waitingSince = performance.now();
      return;
    }
    const reader = this.reader;
    if (reader) {
      this.reader = undefined;
      this.waitingSince = -1;
      reader.resolve({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.byteLength;
    if (this.queuedBytes >= HIGH_WATER_BYTES) controller.pause();
  }

  onResponseEnd(): void {
    const discarding = this.state === 'discarding';
    this.state = 'ended';
    this.release();
    if (discarding) return;
    const collector = this.collector;
    if (collector) {
      this.collector = undefined;
      collector.resolve(this.takeQueue());
    }
    const reader = this.reader;
    if (reader) {
      this.reader = undefined;
      reader.resolve({ value: undefined, done: true });
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** The call failed (or was aborted): whoever waits gets the error, a later reader too. */
  private fail(error: Error): void {
    const discarding = this.state === 'discarding';
    if (this.state === 'ended' || this.state === 'failed') return;
    this.state = 'failed';
    this.release();
    if (discarding) return;
    const waiter = this.headersWaiter ?? this.collector ?? this.reader;
    this.headersWaiter = this.collector = this.reader = undefined;
    if (waiter) waiter.reject(this.translate(error));
    else this.failure = error;
  }

  // --- time limits and aborts ---

  private arm(ms: number): void {
    this.timer = setTimeout(deadlineReached, ms, this);
    this.timer.unref?.();
  }

  /** The timer fired: end the call if a limit is reached, otherwise re-arm for the nearest one. */
  checkDeadlines(): void {
    if (this.state !== 'open') return;
    const { timeouts } = this;
    const now = performance.now();
    let next = this.startedAt + timeouts.totalMs - now;
    if (next < DEADLINE_SLACK_MS) {
      this.expire('total');
      return;
    }
    const { deadline } = this;
    if (deadline && deadline.at !== Number.POSITIVE_INFINITY) {
      const left = deadline.at - Date.now();
      if (left < DEADLINE_SLACK_MS) {
        this.expire('deadline');
        return;
      }
      next = Math.min(next, left);
    }
    if (!this.responded) {
      const left = this.startedAt + timeouts.firstByteMs - now;
      if (left < DEADLINE_SLACK_MS) {
        this.expire('first-byte');
        return;
      }
      next = Math.min(next, left);
    } else if (this.waitingSince >= 0) {
      const left = this.waitingSince + timeouts.idleMs - now;
      if (left < DEADLINE_SLACK_MS) {
        this.expire('idle');
        return;
      }
      next = Math.min(next, left);
    }
    // Never further than idleMs ahead: a reader may start waiting at any moment.
    this.arm(Math.min(next, timeouts.idleMs));
  }

  private expire(phase: TimedOutPhase): void {
    this.timedOut = phase;
    this.abort(new Error(`${phase} timeout`));
  }

  /** Ends the call (the caller's signal, a time limit, or the router ending a stream it handed on). */
  abort(reason: unknown): void {
    const error = reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'), { cause: reason });
    if (this.controller) {
      // undici reports the abort back through onResponseError, which settles whoever waits.
      this.controller.abort(error);
      return;
    }
    // Still queued for a connection: settle now, and abort once undici hands over the request.
    this.pendingAbort = error;
    this.fail(error);
  }

  /** The call is over (or handed to the drain): no more limits, no more caller listener. */
  private release(): void {
    clearTimeout(this.timer);
    if (this.request.signal) unwatchAbort(this.request.signal, this);
  }

  private translate(error: unknown): InfermuxError {
    const { request } = this;
    return translateTransportError(error, {
      provider: request.provider,
      timeouts: this.timeouts,
      timedOut: this.timedOut,
      callerAborted: request.signal?.aborted === true,
      url: request.url,
    });
  }

  // --- the body ---

  private claim(): void {
    if (this.consumed)
      throw new InfermuxError({
        code: 'gateway_internal',
        message: 'Response body read twice',
        provider: this.request.provider,
      });
    this.consumed = true;
  }

  private takeQueue(): Buffer {
    const { queue } = this;
    const whole = queue.length === 1 ? (queue[0] as Buffer) : Buffer.concat(queue);
    queue.length = 0;
    this.queuedBytes = 0;
    return whole;
  }

  /**
   * The whole body, converted (decoded, parsed) as it resolves: one promise per read, not one for
   * the bytes and another for what is made of them.
   */
  collect<T>(convert: (bytes: Buffer) => T): Promise<T> {
    try {
      this.claim();
      if (this.state === 'ended') return Promise.resolve(convert(this.takeQueue()));
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.state === 'failed') return Promise.reject(this.translate(this.failure));
    this.waitingSince = performance.now();
    this.controller?.resume();
    return new Promise<T>((resolve, reject) => {
      this.collector = {
        resolve: (bytes) => {
          try {
            resolve(convert(bytes));
          } catch (error) {
            reject(error);
          }
        },
        reject,
      };
    });
  }

  /** The body chunk by chunk; leaving early (`return`) drains the rest so the connection is kept. */
  iterate(): AsyncIterator<Uint8Array> {
    this.claim();
    return { next: () => this.next(), return: () => this.stopReading() };
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    if (this.queue.length > 0) {
      // Everything that arrived since the last read, as one chunk (as a Readable hands it): an SSE
      // upstream writes a frame per chunk, and a reader's work per chunk costs more than the copy.
      const chunk = this.takeQueue();
      this.controller?.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.state === 'failed' && this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(this.translate(failure));
    }
    if (this.state !== 'open') return Promise.resolve({ value: undefined, done: true });
    this.waitingSince = performance.now();
    this.controller?.resume();
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject };
    });
  }

  private stopReading(): Promise<IteratorResult<Uint8Array>> {
    this.discard();
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * A reader that stops at a terminator (`data: [DONE]`), or a caller that disposes an error body,
   * leaves the rest unread: drain it, bounded in bytes and time, so the connection is kept.
   */
  discard(): void {
    this.consumed = true;
    if (this.state !== 'open') return;
    this.state = 'discarding';
    this.release();
    this.discardedBytes = this.queuedBytes;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.discardedBytes > DRAIN_LIMIT_BYTES) {
      this.controller?.abort(new Error('drain limit'));
      return;
    }
    this.timer = setTimeout(drainGivenUp, DRAIN_TIMEOUT_MS, this);
    this.timer.unref?.();
    this.controller?.resume();
  }

  giveUpDrain(): void {
    if (this.state === 'discarding') this.controller?.abort(new Error('drain timeout'));
  }

  /** The response's `dispose`: an unread body is drained, a read one only lets go of its limits. */
  dispose(): void {
    if (!this.consumed) this.discard();
    else this.release();
  }

  /** For an error about the body: who answered, with what status. */
  describe(): { provider: string | undefined; status: number } {
    return { provider: this.request.provider, status: this.statusCode };
  }
}

const asBytes = (bytes: Buffer): Buffer => bytes;

/** The response handed to adapters: methods on a class rather than closures made per call. */
class UpstreamResponse implements HttpResponse {
  readonly contentType: string;
  readonly requestId: string | undefined;

  constructor(
    private readonly call: UpstreamCall,
    readonly status: number,
    readonly headers: Record<string, string>,
    /** ms from sending the request to the response headers. */
    readonly firstByteMs: number,
  ) {
    this.contentType = headers['content-type'] ?? '';
    this.requestId = requestIdOf(headers);
  }

  get body(): AsyncIterable<Uint8Array> {
    const { call } = this;
    return { [Symbol.asyncIterator]: () => call.iterate() };
  }

  bytes(): Promise<Uint8Array> {
    return this.call.collect(asBytes);
  }

  text(): Promise<string> {
    return this.call.collect(decodeText);
  }

  json(): Promise<unknown> {
    return this.call.collect((bytes) => {
      const raw = decodeText(bytes);
      try {
        return JSON.parse(raw);
      } catch (error) {
        const { provider, status } = this.call.describe();
        throw new InfermuxError({
          code: 'provider_bad_response',
          message: `${provider ?? 'Upstream'} answered ${status} with a body that is not valid JSON`,
          provider,
          status: 502,
          details: { rawBody: truncate(raw), upstreamStatus: status },
          cause: error,
        });
      }
    });
  }

  dispose(): Promise<void> {
    this.call.dispose();
    return Promise.resolve();
  }
}

/** UTF-8, and like TextDecoder (which bodies were decoded with before): a leading BOM is not part of the text. */
function decodeText(bytes: Buffer): string {
  const decoded = bytes.toString('utf8');
  return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
}

function requestIdOf(headers: Record<string, string>): string | undefined {
  for (const name of requestIdHeaders) if (headers[name]) return headers[name];
  return undefined;
}

/** undici's headers (names already lower-cased) with repeated ones joined by ", ", in place. */
function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) delete raw[name];
    else if (typeof value !== 'string') raw[name] = value.join(', ');
  }
  return raw as Record<string, string>;
}
