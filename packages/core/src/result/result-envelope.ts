import type { InfermuxError } from '../errors/infermux-error';
import type { TaskId, TaskOutput } from '../tasks/task-registry';
import type { Usage } from './usage';

export interface Warning {
  code: string;
  message: string;
}

/** The model that actually ran: the resolved id and, when known, the exact revision. */
export interface ResolvedModel {
  id: string;
  revision?: string;
  /** True only when the upstream is known to have served exactly `revision`. */
  pinned?: boolean;
}

export interface Cost {
  amount: number;
  currency: 'USD' | 'credits';
  /** Price table version the amount came from. */
  priceVersion?: string;
}

export interface Attempt {
  provider: string;
  model: string;
  startedAt: number;
  durationMs: number;
  /** Undefined when the attempt succeeded. */
  errorCode?: InfermuxError['code'];
  status?: number;
  hedged?: boolean;
}

/** How a broken stream was rescued: continued from what was delivered, or re-run and matched against it. */
export type RecoveryStrategy = 'continue' | 'restart';

/** A stream rescued after it broke (route `streamRecovery`): on its final `finish` part and in the result's warnings. */
export interface StreamRecovery {
  strategy: RecoveryStrategy;
  /** The target whose stream broke, and why. */
  from: { provider: string; model: string; errorCode: InfermuxError['code'] };
  /** The target that finished the answer. */
  to: { provider: string; model: string };
  /** Characters of text the caller had received when the stream broke. */
  deliveredChars: number;
}

export interface Timing {
  startedAt: number;
  durationMs: number;
  /** Time to the first response byte (or first stream event) of the winning attempt. */
  firstByteMs?: number;
}

/** One envelope for every task's result. */
export interface RunResult<T extends TaskId = TaskId> {
  task: T;
  output: TaskOutput<T>;
  usage: Usage;
  cost?: Cost;
  warnings: Warning[];
  provider: string;
  model: ResolvedModel;
  requestId?: string;
  timing: Timing;
  attempts: Attempt[];
  cached?: boolean;
}
