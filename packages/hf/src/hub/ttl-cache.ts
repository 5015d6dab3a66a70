/**
 * A small time-bounded cache of promises: concurrent lookups of one key share one request, and a failed
 * lookup is forgotten at once so the next call asks again.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, load: () => Promise<V>, ttlMs = this.ttlMs): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.now()) return entry.value;
    const value = load();
    if (ttlMs > 0) {
      if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
      value.catch(() => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      });
    }
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
