import type { ErrorCode } from '../errors/error-codes';
import type { Attempt, Cost, StreamRecovery } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import type { TaskId } from '../tasks/task-registry';

/** Which client call an event belongs to. */
export type RequestKind = 'run' | 'stream' | 'submit' | 'batch' | 'job-status';

interface EventBase {
  /** Client-generated id that ties together the events of one call. */
  requestId: string;
  /** Epoch ms. */
  timestamp: number;
}

interface TargetFields {
  provider: string;
  /** `org/name[@revision]`, without provider prefix. */
  model: string;
}

export type AttemptStartEvent = EventBase &
  TargetFields & { type: 'attempt-start'; task: TaskId; route: string; attempt: number; hedged: boolean };
export type AttemptEndEvent = EventBase &
  TargetFields & {
    type: 'attempt-end';
    task: TaskId;
    route: string;
    attempt: number;
    hedged: boolean;
    durationMs: number;
    errorCode?: ErrorCode;
    status?: number;
  };
export type RetryScheduledEvent = EventBase &
  TargetFields & { type: 'retry-scheduled'; task: TaskId; route: string; delayMs: number; reason: ErrorCode };
export type FailoverEvent = EventBase & {
  type: 'failover';
  task: TaskId;
  route: string;
  from: TargetFields;
  to: TargetFields;
  reason: ErrorCode;
};
export type BreakerEvent = EventBase & TargetFields & { type: 'breaker-open' | 'breaker-half-open' | 'breaker-close' };
export type CacheEvent = EventBase & { type: 'cache-hit' | 'cache-miss'; task: TaskId; route: string };
export type RateLimitWaitEvent = EventBase & { type: 'rate-limit-wait'; provider: string; waitMs: number };

/** The last event of every client call: what a usage ledger, metrics and logs need. */
export type RequestEndEvent = EventBase & {
  type: 'request-end';
  kind: RequestKind;
  task: TaskId;
  /** The alias or model reference the caller asked for. */
  route: string;
  /** The target that served it (absent when none did). */
  provider?: string;
  /** `org/name@revision` as resolved. */
  model?: string;
  attempts: Attempt[];
  usage: Usage;
  cost?: Cost;
  status: 'ok' | 'error';
  errorCode?: ErrorCode;
  latencyMs: number;
  cached: boolean;
  /** A stream that broke after content and was finished by another target (route `streamRecovery`). */
  recovered?: StreamRecovery;
};

export type InfermuxEvent =
  | AttemptStartEvent
  | AttemptEndEvent
  | RetryScheduledEvent
  | FailoverEvent
  | BreakerEvent
  | CacheEvent
  | RateLimitWaitEvent
  | RequestEndEvent;

export type InfermuxEventType = InfermuxEvent['type'];
export type InfermuxEventListener = (event: InfermuxEvent) => void;

/** Distributes events; a listener that throws never breaks a request. */
export class EventHub {
  readonly #listeners = new Set<InfermuxEventListener>();

  on(listener: InfermuxEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** False when nobody listens: emitters can skip building an event. */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  // The `timestamp` is filled in here so emitters stay short.
  emit(event: DistributiveOmit<InfermuxEvent, 'timestamp'>): void {
    if (this.#listeners.size === 0) return;
    // Every emitter builds a fresh event object, so it is stamped in place rather than copied.
    const stamped = event as InfermuxEvent;
    stamped.timestamp = Date.now();
    for (const listener of this.#listeners) {
      try {
        listener(stamped);
      } catch {
        // Listeners are observers; their bugs must not change the outcome of a call.
      }
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
