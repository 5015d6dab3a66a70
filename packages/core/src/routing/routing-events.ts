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
  /** Each listener with the event types it asked for (undefined: every type). */
  readonly #listeners = new Map<InfermuxEventListener, ReadonlySet<InfermuxEventType> | undefined>();
  /** Listeners that take every type, and how many asked for each type by name. */
  #takingAll = 0;
  readonly #byType: Partial<Record<InfermuxEventType, number>> = Object.create(null);

  /** Subscribes `listener` to every event, or only to those of `types`; returns the unsubscribe function. */
  on(listener: InfermuxEventListener, types?: readonly InfermuxEventType[]): () => void {
    this.#off(listener);
    const only = types === undefined ? undefined : new Set(types);
    this.#listeners.set(listener, only);
    this.#count(only, 1);
    return () => this.#off(listener);
  }

  #off(listener: InfermuxEventListener): void {
    if (!this.#listeners.has(listener)) return;
    this.#count(this.#listeners.get(listener), -1);
    this.#listeners.delete(listener);
  }

  #count(types: ReadonlySet<InfermuxEventType> | undefined, change: 1 | -1): void {
    if (types === undefined) this.#takingAll += change;
    else for (const type of types) this.#byType[type] = (this.#byType[type] ?? 0) + change;
  }

  /** False when nobody listens: emitters can skip building an event. */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  /** False when no listener takes events of `type`: emitters can skip building one (a gateway counting only some). */
  listensTo(type: InfermuxEventType): boolean {
    return this.#takingAll > 0 || (this.#byType[type] ?? 0) > 0;
  }

  // The `timestamp` is filled in here so emitters stay short.
  emit(event: DistributiveOmit<InfermuxEvent, 'timestamp'>): void {
    if (this.#listeners.size === 0) return;
    // Every emitter builds a fresh event object, so it is stamped in place rather than copied.
    const stamped = event as InfermuxEvent;
    stamped.timestamp = Date.now();
    for (const [listener, types] of this.#listeners) {
      if (types !== undefined && !types.has(stamped.type)) continue;
      try {
        listener(stamped);
      } catch {
        // Listeners are observers; their bugs must not change the outcome of a call.
      }
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
