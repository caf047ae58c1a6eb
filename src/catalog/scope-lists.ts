/**
 * Articles by scope key, each list made the first time its scope is asked for. A restart knows
 * at once which scopes hold articles (see CatalogScan); making every list of 100,000 articles
 * (27 lists) would take it 14 ms more before its first response, for scopes most of which
 * nobody has asked for yet. A list once made is kept: made from the same immutable articles, it is the same list
 * whenever it is made, so the map is as immutable as the snapshot that holds it. A change
 * makes the lists it touches and leaves the others to be made as before (see {@link with}).
 *
 * @example
 * const lists = new ScopeLists(['', 'lang:en', 'cat:world'], [['', articles]], (key) => listOf(key));
 * lists.has('cat:world'); // => true, and nothing is made
 * lists.get('cat:world'); // made now, kept for the next request
 */
import type { Article } from '../articles/article.ts';

export class ScopeLists implements ReadonlyMap<string, readonly Article[]> {
  /** Lists already made, as a map (a first start's, which makes them all at once). */
  static of(lists: ReadonlyMap<string, readonly Article[]>): ScopeLists {
    return new ScopeLists(lists.keys(), lists, () => {
      throw new Error('every list was made');
    });
  }

  readonly #made: Map<string, readonly Article[]>;
  readonly #keys: ReadonlySet<string>;
  readonly #make: (key: string) => readonly Article[];

  /** `keys`: every scope's, in the order to list them; `made`: the lists made already; `make`: the list of any other. */
  constructor(keys: Iterable<string>, made: Iterable<readonly [string, readonly Article[]]>, make: (key: string) => readonly Article[]) {
    this.#keys = new Set(keys);
    this.#made = new Map(made);
    this.#make = make;
  }

  get size(): number {
    return this.#keys.size;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  get(key: string): readonly Article[] | undefined {
    let list = this.#made.get(key);
    if (list === undefined && this.#keys.has(key)) this.#made.set(key, (list = this.#make(key)));
    return list;
  }

  forEach(each: (list: readonly Article[], key: string, map: ReadonlyMap<string, readonly Article[]>) => void, thisArg?: unknown): void {
    for (const [key, list] of this.entries()) each.call(thisArg, list, key, this);
  }

  *entries(): MapIterator<[string, readonly Article[]]> {
    for (const key of this.#keys) yield [key, this.get(key) as readonly Article[]];
  }

  keys(): MapIterator<string> {
    return this.#keys.values();
  }

  *values(): MapIterator<readonly Article[]> {
    for (const key of this.#keys) yield this.get(key) as readonly Article[];
  }

  [Symbol.iterator](): MapIterator<[string, readonly Article[]]> {
    return this.entries();
  }

  /**
   * The lists after a change: `changed` in place of theirs (new scopes after the others), an
   * emptied scope gone (the site's stays). A scope the change did not touch has the same
   * articles, so its list is made as before, when first asked for: the first change after a
   * restart at 100,000 articles made all 27 lists (14 ms), where it now makes those it touches.
   */
  with(changed: ReadonlyMap<string, readonly Article[]>): ScopeLists {
    const made = new Map(this.#made);
    const keys = new Set(this.#keys);
    for (const [key, list] of changed) {
      if (list.length > 0 || key === '') {
        made.set(key, list);
        keys.add(key);
      } else {
        made.delete(key);
        keys.delete(key);
      }
    }
    return new ScopeLists(keys, made, this.#make);
  }
}
