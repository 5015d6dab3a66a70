import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * WAL frames at which the worker checkpoints: half of SQLite's own autocheckpoint (1000, left on the
 * gateway's connection), so the worker normally gets there first and the connection's never has work.
 */
const CHECKPOINT_FRAMES = 500;

/** Rows committed before the worker is started: a CLI run or a quiet gateway never starts one. */
const START_AFTER_ROWS = 256;

/** The worker is asked at most this often (right after a commit, so its checkpoint starts in the gap). */
const ASK_INTERVAL_MS = 100;

/** How long `close()` waits for the worker to close its connection before terminating it. */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * The worker: its own connection to the file; on each message checks the WAL and checkpoints (PASSIVE: never
 * blocks the gateway's writes) once it has `frames` frames not all copied back. Plain JS run with `eval`, so the
 * same code works from the bundle and from the sources. `NOOP` (only reads the WAL's state) is SQLite 3.51+; an
 * older SQLite takes an unknown mode as PASSIVE, so the check itself checkpoints: more often, still off the loop.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.path, { fileMustExist: true });
const status = database.prepare('PRAGMA wal_checkpoint(NOOP)');
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
function check() {
  try {
    const { log, checkpointed } = status.get();
    if (log < workerData.frames || checkpointed >= log) return false;
    checkpoint.get();
    return true;
  } catch {
    // Busy or locked for a moment: the next check (or the connection's autocheckpoint) gets there.
    return false;
  }
}
parentPort.on('message', (message) => {
  if (message === 'close') {
    database.close();
    parentPort.close();
    return;
  }
  parentPort.postMessage(check());
});
parentPort.postMessage(check());
`;

/**
 * Moves the WAL checkpoints of the gateway's SQLite file off the event loop. SQLite checkpoints inside the
 * commit that crosses 1000 WAL frames: with `synchronous=NORMAL` that is an fsync of the WAL, a copy of its
 * pages into the database and an fsync of the database, milliseconds during which no request moves (a few
 * µs per ledger row on average). A worker thread with its own connection runs them instead, asked right after
 * a commit. Durability is unchanged: a commit is in the WAL when it returns, whoever checkpoints later. The
 * gateway's connection keeps its own autocheckpoint as the backstop (no worker, a failed one, or commits so
 * close together that the worker's checkpoint never catches up with the end of the WAL): the file never grows
 * past what it would without the worker.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private failed = false;
  private asking = false;
  private askedAtMs = 0;
  private rows = 0;
  private closed: Promise<void> | undefined;
  /** Checkpoints the worker has run (for tests and diagnostics). */
  checkpoints = 0;

  private readonly path: string;

  constructor(path: string) {
    this.path = resolve(path);
  }

  /** Is a worker running? (none until `START_AFTER_ROWS` rows, nor after it failed or closed) */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** After each ledger commit: cheap; starts or asks the worker when due. */
  committed(rows: number): void {
    if (this.failed || this.closed) return;
    if (!this.worker) {
      this.rows += rows;
      if (this.rows >= START_AFTER_ROWS) this.start();
      return;
    }
    if (this.asking) return;
    const now = performance.now();
    if (now - this.askedAtMs < ASK_INTERVAL_MS) return;
    this.askedAtMs = now;
    this.asking = true;
    this.worker.postMessage('check');
  }

  private start(): void {
    let worker: Worker;
    try {
      // The CommonJS build has no import.meta (as in api-reference.ts).
      const here = typeof __filename === 'string' ? __filename : import.meta.url;
      const driver = createRequire(here).resolve('better-sqlite3');
      worker = new Worker(workerSource, {
        eval: true,
        workerData: { driver, path: this.path, frames: CHECKPOINT_FRAMES },
      });
    } catch {
      this.failed = true;
      return;
    }
    worker.unref();
    this.exited = new Promise<void>((resolve) =>
      worker.once('exit', () => {
        // Not started again: from here on the connection's own autocheckpoint does the work.
        this.failed = true;
        this.worker = undefined;
        resolve();
      }),
    );
    // The worker checks once on start: the first answer is due then.
    this.asking = true;
    this.askedAtMs = performance.now();
    worker.on('message', (checkpointed: boolean) => {
      this.asking = false;
      if (checkpointed) this.checkpoints++;
    });
    // A worker that cannot open the file or checkpoint exits: the connection's own autocheckpoint does the work.
    worker.on('error', () => {});
    this.worker = worker;
  }

  /** Closes the worker's connection first, so the gateway's close is the last one (it checkpoints and removes the WAL). */
  close(): Promise<void> {
    this.closed ??= this.closeWorker();
    return this.closed;
  }

  private async closeWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
