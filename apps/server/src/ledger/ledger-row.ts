import type { PriceSource, Usage } from '@infermux/core';

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
  /** Absent when the request made no priced call, and when it did but nothing priced it (`costSource: 'unknown'`). */
  cost?: number;
  currency?: string;
  /** Where the price came from, or `unknown` for an answered call nothing priced (shown as unknown, never 0). */
  costSource?: PriceSource | 'unknown';
  status: number;
  errorCode?: string;
  latencyMs: number;
  overheadMs: number;
  streamed: boolean;
  cached: boolean;
}
