/**
 * A least-recently-used cache bounded by the total size of its values (bytes, roughly), so
 * that memoized renders stay within a memory budget however many distinct requests arrive.
 *
 * It is segmented (SLRU): a value comes in on probation and is kept ahead of those only once it
 * is asked for again. A crawler that asks once for every archive page and article page then
 * pushes out what was asked for once, not the feeds that readers poll (nor the HTML of the
 * articles every feed render shows): with plain LRU, 1,000 article pages took every feed out.
 * Asked-for-again values hold at most {@link PROTECTED_SHARE} of the budget, the least recently
 * used of them going back on probation beyond it, so that new values always have room.
 *
 * @example
 * const cache = createLruCache<string>(1_000_000);
 * cache.set('a', html, html.length);
 * cache.get('a');
 */
export interface LruCache<V> {
  /** The value, marked as used (a value on probation is kept ahead of those from then on). */
  get(key: string): V | undefined;
  /** The value, without marking it used: to check what is held. */
  peek(key: string): V | undefined;
  /**
   * Stores a value of the given size, evicting beyond the budget the least recently used values
   * on probation, then those asked for again. A value set again keeps its place among the two.
   */
  set(key: string, value: V, size: number): void;
  /** Takes a value out (not counted as dropped: see LruOptions.onDrop). */
  delete(key: string): void;
  /** Total size of the values held. */
  readonly size: number;
  readonly count: number;
  /** Every key and value in the order they would be evicted (does not change it). */
  entries(): IterableIterator<[string, V]>;
  /**
   * A new cache with a budget of `maxSize` holding the values `which` picks (given each value and
   * its size), in the same order and segments: what was asked for again stays kept ahead of what
   * was not. The values are shared, not copied.
   */
  copy(which: (value: V, size: number) => boolean, maxSize: number, options?: LruOptions<V>): LruCache<V>;
}

export interface LruOptions<V> {
  /** Told of each value the cache lets go of by itself: evicted, or replaced by another under its key. */
  readonly onDrop?: (key: string, value: V) => void;
}

/** The most of the budget that values asked for again may hold. */
export const PROTECTED_SHARE = 0.8;

/** The most memory a string's characters can take (V8 keeps two bytes per UTF-16 code unit, or one when all fit in Latin-1). */
export function stringSize(text: string): number {
  return 2 * text.length;
}

interface Entry<V> {
  readonly value: V;
  readonly size: number;
}

/** One segment: entries in order of use (a Map keeps insertion order), and their total size. */
class Segment<V> {
  readonly entries = new Map<string, Entry<V>>();
  size = 0;

  add(key: string, entry: Entry<V>): void {
    this.entries.set(key, entry);
    this.size += entry.size;
  }

  remove(key: string): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.size -= entry.size;
    }
    return entry;
  }

  /** The least recently used key. */
  oldest(): string | undefined {
    for (const key of this.entries.keys()) return key;
    return undefined;
  }
}

export function createLruCache<V>(maxSize: number, options: LruOptions<V> = {}): LruCache<V> {
  return makeLruCache(maxSize, new Segment<V>(), new Segment<V>(), options);
}

/** The entries of `segment` that `which` picks, in their order. */
function picked<V>(segment: Segment<V>, which: (value: V, size: number) => boolean): Segment<V> {
  const chosen = new Segment<V>();
  for (const [key, entry] of segment.entries) if (which(entry.value, entry.size)) chosen.add(key, entry);
  return chosen;
}

function makeLruCache<V>(maxSize: number, probation: Segment<V>, kept: Segment<V>, { onDrop }: LruOptions<V>): LruCache<V> {
  const maxKept = Math.floor(maxSize * PROTECTED_SHARE);
  // The most recently used key among those asked for again: asked for again (a feed polled over
  // and over), it needs no re-inserting, which costs a delete and a set on the Map.
  let newest: string | undefined;

  // Values asked for again beyond their share: the least recently used go back on probation, as the newest there.
  const demote = () => {
    while (kept.size > maxKept && kept.entries.size > 1) {
      const oldest = kept.oldest() as string;
      probation.add(oldest, kept.remove(oldest) as Entry<V>);
    }
  };
  const evict = () => {
    while (probation.size + kept.size > maxSize && probation.entries.size + kept.entries.size > 1) {
      const from = probation.entries.size > 0 ? probation : kept;
      const oldest = from.oldest() as string;
      const entry = from.remove(oldest) as Entry<V>;
      onDrop?.(oldest, entry.value);
    }
  };

  // Segments handed over by `copy` may hold more than this budget allows.
  demote();
  evict();

  return {
    get(key) {
      if (key === newest) {
        const entry = kept.entries.get(key);
        if (entry !== undefined) return entry.value;
      }
      const entry = kept.remove(key) ?? probation.remove(key);
      if (entry === undefined) return undefined;
      kept.add(key, entry);
      newest = key;
      demote();
      return entry.value;
    },
    peek(key) {
      return (kept.entries.get(key) ?? probation.entries.get(key))?.value;
    },
    set(key, value, size) {
      const keptBefore = kept.remove(key);
      const before = keptBefore ?? probation.remove(key);
      const wasKept = keptBefore !== undefined;
      (wasKept ? kept : probation).add(key, { value, size });
      if (before !== undefined && before.value !== value) onDrop?.(key, before.value);
      if (wasKept) {
        newest = key;
        demote();
      }
      evict();
    },
    delete(key) {
      if (kept.remove(key) === undefined) probation.remove(key);
    },
    get size() {
      return probation.size + kept.size;
    },
    get count() {
      return probation.entries.size + kept.entries.size;
    },
    *entries() {
      for (const [key, entry] of probation.entries) yield [key, entry.value];
      for (const [key, entry] of kept.entries) yield [key, entry.value];
    },
    copy(which, budget, options = {}) {
      return makeLruCache(budget, picked(probation, which), picked(kept, which), options);
    },
  };
}
