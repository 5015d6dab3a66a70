import type { LedgerRow } from './ledger-row';
import type { LedgerStorage, UsageQuery, UsageSummaryRow } from './ledger-storage';

/** Rows kept in memory while the database refuses writes. */
const MAX_PENDING_ROWS = 100_000;

/** Queued rows that start a commit without waiting for the timer. */
const EAGER_BATCH_ROWS = 512;

/**
 * The usage ledger: one row per request, over a storage (SQLite or PostgreSQL) that commits a batch
 * in one transaction. Rows are queued and committed together every `flushIntervalMs` (or at once when 0),
 * never on the request path: a committed row survives a crash; at most the last interval's rows are in
 * flight. One batch is written at a time; rows arriving meanwhile form the next. `flush()` commits
 * everything queued (shutdown calls it after the drain).
 */
export class UsageLedger {
  private queue: LedgerRow[] = [];
  /** Who waits for the queued rows' commit (`recordCommitted`), resolved with the batch that holds them. */
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private inFlightRows = 0;
  private groupScheduled = false;
  /** Called after each commit with the rows that were written. */
  onCommit: ((rows: readonly LedgerRow[]) => void) | undefined;
  /** Called when a commit fails, with how many rows had to be dropped (0 while within the bound). */
  onError: ((error: unknown, dropped: number) => void) | undefined;

  constructor(
    readonly storage: LedgerStorage,
    private readonly flushIntervalMs: number,
  ) {}

  /**
   * Queues a row and resolves once it is committed (`commit: before-response`). Rows recorded in the same
   * turn of the event loop (or while the previous batch is being written) share one transaction (group
   * commit), so the cost is one commit per batch, not per request. Resolves after a failed commit too (the
   * row stays queued and the failure is reported): a response is never held forever by the ledger.
   */
  recordCommitted(row: LedgerRow): Promise<void> {
    this.queue.push(row);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (this.groupScheduled) return;
      this.groupScheduled = true;
      setImmediate(() => {
        this.groupScheduled = false;
        void this.flush();
      });
    });
  }

  record(row: LedgerRow): void {
    this.queue.push(row);
    if (this.flushIntervalMs === 0 || this.queue.length >= EAGER_BATCH_ROWS) {
      void this.flush();
      return;
    }
    if (!this.timer) this.schedule(this.flushIntervalMs);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  /**
   * Commits the queued rows now (after the batch being written, if any). A failed commit (disk full, file
   * locked, database away) keeps the rows queued for the next attempt — up to a bound, past which the oldest
   * are dropped and reported — and never rejects into a request or timer.
   */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // A batch in flight: the loop takes what is queued when it ends; check again once it has.
    if (this.writing)
      return this.writing.then(() => (this.queue.length > 0 && !this.writing ? this.flush() : undefined));
    if (this.queue.length === 0) return Promise.resolve();
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const rows = this.queue;
      const waiters = this.waiters;
      this.queue = [];
      this.waiters = [];
      this.inFlightRows = rows.length;
      try {
        // SQLite writes (and throws) synchronously, before this first await yields.
        await this.storage.write(rows);
      } catch (error) {
        this.inFlightRows = 0;
        const kept = rows.concat(this.queue).slice(-MAX_PENDING_ROWS);
        this.onError?.(error, rows.length + this.queue.length - kept.length);
        this.queue = kept;
        for (const resolve of waiters) resolve();
        if (!this.timer) this.schedule(Math.max(this.flushIntervalMs, 1000));
        return;
      }
      this.inFlightRows = 0;
      this.onCommit?.(rows);
      for (const resolve of waiters) resolve();
    }
  }

  /** Rows recorded and not yet committed (queued or being written). */
  get pending(): number {
    return this.queue.length + this.inFlightRows;
  }

  /** Spend of one key since `since` (unix ms), this process's queued rows included. */
  async spentSince(keyId: string, since: number): Promise<number> {
    await this.flush();
    return this.storage.spentSince(keyId, since);
  }

  async summary(query: UsageQuery): Promise<UsageSummaryRow[]> {
    await this.flush();
    return this.storage.summary(query);
  }
}
