/**
 * A read-only map after a change: the map before it, with some keys gone and some set, read
 * through rather than copied. A change to a few articles of 100,000 copied the map of every
 * slug (30-50 ms of each change, with requests waiting, and of each restart over a folder
 * edited while stopped); this costs a lookup per changed key. Changes on changes share one
 * base: once they add up to {@link MOST_CHANGED_KEYS}, the map is copied into one again.
 *
 * @example
 * const after = changedMap(before, ['old-slug'], [['new-slug', article]]);
 * after.get('old-slug'); // undefined
 */

/** Keys gone and set, counted together, that a changed map reads through before it is copied whole. */
export const MOST_CHANGED_KEYS = 4096;

class ChangedMap<V> implements ReadonlyMap<string, V> {
  readonly size: number;

  constructor(
    readonly base: ReadonlyMap<string, V>,
    /** Keys of `base` taken out (a key also in `set` has its new value). */
    readonly gone: ReadonlySet<string>,
    readonly set: ReadonlyMap<string, V>,
  ) {
    let replaced = 0;
    for (const key of gone) if (!set.has(key) && base.has(key)) replaced += 1;
    for (const key of set.keys()) if (base.has(key)) replaced += 1;
    this.size = base.size - replaced + set.size;
  }

  get(key: string): V | undefined {
    const value = this.set.get(key);
    if (value !== undefined || this.set.has(key)) return value;
    return this.gone.has(key) ? undefined : this.base.get(key);
  }

  has(key: string): boolean {
    return this.set.has(key) || (!this.gone.has(key) && this.base.has(key));
  }

  *entries(): MapIterator<[string, V]> {
    for (const entry of this.base) if (!this.gone.has(entry[0]) && !this.set.has(entry[0])) yield entry;
    yield* this.set;
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}

/** `before` with the keys `gone` taken out and the entries `set` put in (set wins over gone). */
export function changedMap<V>(before: ReadonlyMap<string, V>, gone: Iterable<string>, set: Iterable<readonly [string, V]>): ReadonlyMap<string, V> {
  const layered = before instanceof ChangedMap;
  const base: ReadonlyMap<string, V> = layered ? (before as ChangedMap<V>).base : before;
  const allGone = new Set(layered ? (before as ChangedMap<V>).gone : []);
  const allSet = new Map(layered ? (before as ChangedMap<V>).set : []);
  for (const key of gone) {
    allGone.add(key);
    allSet.delete(key);
  }
  for (const [key, value] of set) allSet.set(key, value);
  if (allGone.size + allSet.size <= MOST_CHANGED_KEYS) return new ChangedMap(base, allGone, allSet);
  const whole = new Map(base);
  for (const key of allGone) whole.delete(key);
  for (const [key, value] of allSet) whole.set(key, value);
  return whole;
}
