/** How many unused entries to keep one insertion looks at for one it may evict (keeps `set` O(1), amortised). */
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

/** An entry and whether it was read since it last reached the recent end. */
interface Slot<V> {
  value: V;
  used: boolean;
}

/**
 * A Map with least-recently-used order and a bound, for state keyed by caller-chosen names (one
 * breaker per model a caller may name). Entries that must not be forgotten yet (an open breaker, a
 * request in flight) are passed over while the map is between `capacity` and `hardCapacity`.
 *
 * Reads only flag the entry as used (second chance): moving it to the recent end on every read cost a
 * Map delete and insert per routed request. An eviction scan moves a used entry to the recent end, clears
 * its flag and goes on, so an entry read since it last reached that end is never the one evicted.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, Slot<V>>();
  readonly #hardCapacity: number;

  constructor(private readonly options: BoundedMapOptions<K, V>) {
    this.#hardCapacity = options.hardCapacity ?? options.capacity * 2;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, now counted as recently used. */
  get(key: K): V | undefined {
    const slot = this.#entries.get(key);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.value;
  }

  /** The value, leaving the order alone (for reading state without keeping it alive). */
  peek(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Sets the value as the most recently used; evicts first when the map is full (never this key). */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    // Two at most, so a map pushed past `capacity` while everything was busy drifts back under it.
    if (this.#entries.size >= this.options.capacity) this.#evict();
    if (this.#entries.size >= this.options.capacity) this.#evict();
    this.#entries.set(key, { value, used: false });
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  *values(): IterableIterator<V> {
    for (const slot of this.#entries.values()) yield slot.value;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, slot] of this.#entries) yield [key, slot.value];
  }

  /** Makes room for one insertion (the map's size counts it already, hence `>=`). */
  #evict(): void {
    // Entries to keep, and used ones (their second chance), are moved to the recent end, so the next scan starts on others.
    // Used entries do not count against the scan's bound: each flag cleared was paid for by the read that set it.
    const moved: Array<[K, Slot<V>]> = [];
    let victim: [K, Slot<V>] | undefined;
    let kept = 0;
    for (const entry of this.#entries) {
      const slot = entry[1];
      if (slot.used) slot.used = false;
      else if (kept >= EVICTION_SCAN) break;
      else if (this.options.evictable(slot.value, entry[0])) {
        victim = entry;
        break;
      } else kept++;
      moved.push(entry);
    }
    for (const [key, slot] of moved) {
      this.#entries.delete(key);
      this.#entries.set(key, slot);
    }
    if (!victim && this.#entries.size >= this.#hardCapacity) victim = this.#leastRecentNotPermanent();
    if (!victim) return;
    this.#entries.delete(victim[0]);
    this.options.onEvict?.(victim[0], victim[1].value);
  }

  #leastRecentNotPermanent(): [K, Slot<V>] | undefined {
    for (const entry of this.#entries) if (!this.options.permanent?.(entry[0])) return entry;
    return undefined;
  }
}
