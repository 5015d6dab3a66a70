/** How many least recently used entries one insertion looks at for one it may evict (keeps `set` O(1)). */
const EVICTION_SCAN = 16;

export interface BoundedMapOptions<K, V> {
  /** Above this many entries, an insertion evicts the least recently used entry that `evictable` allows. */
  capacity: number;
  /**
   * Above this many (default twice `capacity`), an insertion evicts the least recently used entry
   * whatever its state: the bound that holds when every entry asks to be kept.
   */
  hardCapacity?: number;
  /** May this entry be forgotten now without changing behaviour (idle, nothing to remember)? */
  evictable(value: V, key: K): boolean;
  /** Never evicted, not even past `hardCapacity` (configured targets: few, and known in advance). */
  permanent?(key: K): boolean;
  /** Told of every eviction (not of `delete`), e.g. to drop state kept beside the entry. */
  onEvict?(key: K, value: V): void;
}

/**
 * A Map with least-recently-used order and a bound, for state keyed by caller-chosen names (one
 * breaker per model a caller may name). Entries that must not be forgotten yet (an open breaker, a
 * request in flight) are passed over while the map is between `capacity` and `hardCapacity`.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #hardCapacity: number;

  constructor(private readonly options: BoundedMapOptions<K, V>) {
    this.#hardCapacity = options.hardCapacity ?? options.capacity * 2;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** The value, leaving the order alone (for reading state without keeping it alive). */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    // Two at most, so a map pushed past `capacity` while everything was busy drifts back under it.
    if (this.#entries.size > this.options.capacity) this.#evict();
    if (this.#entries.size > this.options.capacity) this.#evict();
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  #evict(): void {
    // Entries to keep are moved to the recent end, so the next scan starts on others.
    const kept: Array<[K, V]> = [];
    let victim: [K, V] | undefined;
    for (const entry of this.#entries) {
      if (kept.length >= EVICTION_SCAN) break;
      if (this.options.evictable(entry[1], entry[0])) {
        victim = entry;
        break;
      }
      kept.push(entry);
    }
    for (const [key, value] of kept) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    if (!victim && this.#entries.size > this.#hardCapacity) victim = this.#leastRecentNotPermanent();
    if (!victim) return;
    this.#entries.delete(victim[0]);
    this.options.onEvict?.(victim[0], victim[1]);
  }

  #leastRecentNotPermanent(): [K, V] | undefined {
    for (const entry of this.#entries) if (!this.options.permanent?.(entry[0])) return entry;
    return undefined;
  }
}
