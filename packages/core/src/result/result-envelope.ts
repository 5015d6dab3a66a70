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
