import { type FileHandle, open } from 'node:fs/promises';

/**
 * Appends whole JSON lines to a file.
 *
 * Durability policy: every record reaches the kernel (one `write` of complete lines,
 * O_APPEND) before the line counts as done, so a killed process (Ctrl-C, kill -9) loses
 * nothing already recorded. `fdatasync` runs every `syncIntervalMs` and on close, which
 * bounds what an OS crash or power loss can take to that window; whatever is lost that
 * way simply runs again on resume, and a torn last line is cut by `repairTail`.
 * Lines that finish while a write is in flight are coalesced into the next write.
 */
export class JsonlAppender {
  #pending: string[] = [];
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  #flushing = false;
  #failure: unknown;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string, options: { truncate?: boolean; syncIntervalMs?: number } = {}): Promise<JsonlAppender> {
    const appender = new JsonlAppender(await open(path, options.truncate ? 'w' : 'a'));
    appender.#timer = setInterval(() => void appender.#sync(), options.syncIntervalMs ?? 1000);
    appender.#timer.unref();
    return appender;
  }

  /** Resolves once the line is in the file. */
  append(record: unknown): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    this.#pending.push(`${JSON.stringify(record)}\n`);
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#flushing) void this.#flush();
    return written;
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length > 0) {
      const chunk = this.#pending.join('');
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      try {
        await this.handle.appendFile(chunk);
        this.#dirty = true;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        this.#failure = error;
        for (const waiter of [...waiters, ...this.#waiters]) waiter.reject(error);
        this.#waiters = [];
        this.#pending = [];
      }
    }
    this.#flushing = false;
  }

  async #sync(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    await this.handle.datasync().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    while (this.#flushing || this.#pending.length) await new Promise((resolve) => setImmediate(resolve));
    await this.handle.datasync().catch(() => undefined);
    await this.handle.close();
  }
}
