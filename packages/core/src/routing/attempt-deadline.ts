import type { Deadline } from '../transport/timeouts';

/** The route's deadline as the router's own machinery (its timer, the rate limiter) marks it. */
export interface RouteDeadline {
  readonly at: number;
  /** Set when the router's own timer or a rate-limit wait ends an attempt at the deadline. */
  expired: boolean;
}

/**
 * One attempt's view of the route's deadline. The router owns it and is the only one to change it;
 * core's transport reads `at` and reports, through `enforcedBy`, that it ends the call there (its
 * error says so when it does: `details.phase: 'deadline'`).
 */
export class AttemptDeadline implements Deadline, RouteDeadline {
  expired = false;
  /** The transport call enforcing the deadline, once the transport has reported it. */
  upstream: { abort(reason: unknown): void } | undefined = undefined;

  constructor(public at: number) {}

  enforcedBy(call: { abort(reason: unknown): void }): void {
    this.upstream = call;
  }
}
