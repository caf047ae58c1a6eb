/**
 * A least-recently-used cache bounded by the total size of its values (bytes, roughly), so
 * that memoized renders stay within a memory budget however many distinct requests arrive.
 *
 * @example
 * const cache = createLruCache<string>(1_000_000);
 * cache.set('a', html, html.length);
 * cache.get('a');
 */
export interface LruCache<V> {
  get(key: string): V | undefined;
  /** Stores a value of the given size, evicting the least recently used values beyond the budget. */
  set(key: string, value: V, size: number): void;
  /** Total size of the values held. */
  readonly size: number;
  readonly count: number;
  /** Every key and value, least recently used first (does not change the order). */
  entries(): IterableIterator<[string, V]>;
}

/** The most memory a string's characters can take (V8 keeps two bytes per UTF-16 code unit, or one when all fit in Latin-1). */
export function stringSize(text: string): number {
  return 2 * text.length;
}

export function createLruCache<V>(maxSize: number): LruCache<V> {
  const entries = new Map<string, { readonly value: V; readonly size: number }>();
  let total = 0;
  // The most recently used key: asked for again (a feed polled over and over), it needs no
  // re-inserting, which costs a delete and a set on the Map.
  let newest: string | undefined;
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (key !== newest) {
        // Map keeps insertion order: re-inserting marks the entry as most recently used.
        entries.delete(key);
        entries.set(key, entry);
        newest = key;
      }
      return entry.value;
    },
    set(key, value, size) {
      const previous = entries.get(key);
      if (previous) {
        total -= previous.size;
        entries.delete(key);
      }
      entries.set(key, { value, size });
      newest = key;
      total += size;
      for (const [oldest, entry] of entries) {
        if (total <= maxSize || entries.size === 1) break;
        entries.delete(oldest);
        total -= entry.size;
      }
    },
    get size() {
      return total;
    },
    get count() {
      return entries.size;
    },
    *entries() {
      for (const [key, entry] of entries) yield [key, entry.value];
    },
  };
}
