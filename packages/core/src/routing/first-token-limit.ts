import { InfermuxError } from '../errors/infermux-error';
import type { Deadline } from '../transport/timeouts';

/**
 * `timeouts.firstTokenMs` for one streamed attempt: the provider's call and the read up to its first
 * content must finish within `limitMs` of the attempt's start, or the attempt fails with
 * `provider_timeout` (`details.phase: 'first-token'`) and its upstream call is ended. It stands in for
 * the route's deadline towards the provider, to learn which transport call to end (`enforcedBy`).
 */
export class FirstTokenLimit implements Deadline {
  #upstream: { abort(reason: unknown): void } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deadline: Deadline,
    private readonly limitMs: number,
    private readonly provider: string,
  ) {}

  /** Read through: the router lifts the route's deadline once the stream is handed on. */
  get at(): number {
    return this.deadline.at;
  }

  enforcedBy(call: { abort(reason: unknown): void }): void {
    this.#upstream = call;
    this.deadline.enforcedBy(call);
  }

  /** `opening` (the call and the read up to its first content), failed at the limit. */
  within<T>(opening: Promise<T>): Promise<T> {
    const expired = new Promise<never>((_resolve, reject) => {
      this.#timer = setTimeout(() => {
        const error = new InfermuxError({
          code: 'provider_timeout',
          message: `${this.provider} sent no content within ${this.limitMs} ms (timeouts.firstTokenMs)`,
          provider: this.provider,
          details: { phase: 'first-token', timeoutMs: this.limitMs },
        });
        this.#upstream?.abort(error);
        reject(error);
      }, this.limitMs);
    });
    // Once the limit has failed the attempt, what the opening does after that is of no interest.
    opening.catch(() => undefined);
    return Promise.race([opening, expired]).finally(() => clearTimeout(this.#timer));
  }
}
