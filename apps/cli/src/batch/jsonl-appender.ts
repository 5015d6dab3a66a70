import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** Pending bytes that trigger a write at once (and make `append` wait: backpressure). */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * Appends whole JSON lines to a file, for results that must survive a crash.
 *
 * Policy:
 * - Lines are gathered for at most `flushIntervalMs` (or `HIGH_WATER_BYTES`) and written
 *   with one `write(2)` of complete lines on an O_APPEND descriptor. A line is recorded
 *   once that write returns: the kernel has it, so Ctrl-C or kill -9 cannot lose it.
 * - A result still waiting in memory when the process dies is not recorded, so its input
 *   line simply runs again on resume: nothing is lost and nothing appears twice.
 * - `fdatasync` runs every `syncIntervalMs` and on close. That bounds what an OS crash or
 *   power loss can take to that window (those lines also run again), and `repairTail`
 *   cuts a torn last line at the next start.
 */
export class JsonlAppender {
  #pending: string[] = [];
  #pendingBytes = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #closed = false;

  private constructor(
    private readonly fd: number,
    private readonly flushIntervalMs: number,
  ) {}

  static open(
    path: string,
    options: { truncate?: boolean; flushIntervalMs?: number; syncIntervalMs?: number } = {},
  ): JsonlAppender {
    const fd = openSync(path, 'a');
    if (options.truncate) ftruncateSync(fd, 0);
    const appender = new JsonlAppender(fd, options.flushIntervalMs ?? 10);
    appender.#syncTimer = setInterval(() => appender.#sync(), options.syncIntervalMs ?? 1000);
    appender.#syncTimer.unref();
    return appender;
  }

  /** Queues one record; writes at once when enough is pending. */
  append(record: unknown): void {
    if (this.#closed) throw new Error('append after close');
    const line = `${JSON.stringify(record)}\n`;
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    if (this.#pendingBytes >= HIGH_WATER_BYTES) this.flush();
    else this.#flushTimer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /** Writes everything pending now, as complete lines. */
  flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending.length === 0) return;
    const buffer = Buffer.from(this.#pending.join(''));
    this.#pending = [];
    this.#pendingBytes = 0;
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    this.#dirty = true;
  }

  #sync(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    fdatasync(this.fd, () => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    fdatasyncSync(this.fd);
    closeSync(this.fd);
  }
}
