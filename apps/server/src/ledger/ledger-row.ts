import type { Usage } from '@infermux/core';

/** One request, as the ledger keeps it. */
export interface LedgerRow {
  requestId: string;
  /** Unix ms when the request arrived. */
  ts: number;
  keyId?: string;
  keyName?: string;
  endpoint: string;
  route?: string;
  task?: string;
  provider?: string;
  /** `org/name@revision` that served it. */
  model?: string;
  attempts: number;
  usage?: Usage;
  cost?: number;
  currency?: string;
  status: number;
  errorCode?: string;
  latencyMs: number;
  overheadMs: number;
  streamed: boolean;
  cached: boolean;
}
