export interface LruCacheOptions<K, V> {
  /** Called for an entry pushed out by newer ones (not for `delete` or `clear`). */
  onEvict?: (key: K, value: V) => void;
  /**
   * The most the entries may weigh together (each entry's weight is given to `set`; 1 by
   * default). Entries are evicted, least recently used first, until the rest fit; the
   * newest entry stays even if it alone weighs more.
   */
  maxWeight?: number;
}

/**
 * A bounded least-recently-used map. A `Map` iterates in insertion order, so the first
 * key is always the least recently used one once `get` re-inserts what it returns.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, { value: V; weight: number }>();
  readonly #capacity: number;
  readonly #options: LruCacheOptions<K, V>;
  #weight = 0;

  constructor(capacity: number, options: LruCacheOptions<K, V> = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LruCache capacity must be a whole number ≥ 1, got ${capacity}`);
    }
    this.#capacity = capacity;
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** What the entries weigh together. */
  get weight(): number {
    return this.#weight;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    this.#entries.set(key, { value, weight });
    this.#weight += weight;
    const maxWeight = this.#options.maxWeight ?? Number.POSITIVE_INFINITY;
    while (this.#entries.size > this.#capacity || (this.#weight > maxWeight && this.#entries.size > 1)) {
      const oldest = this.#entries.entries().next();
      if (oldest.done === true) break;
      const [oldestKey, entry] = oldest.value;
      this.#entries.delete(oldestKey);
      this.#weight -= entry.weight;
      this.#options.onEvict?.(oldestKey, entry.value);
    }
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
    return true;
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }
}
