import { describe, expect, it } from 'vitest';
import { createLruCache, PROTECTED_SHARE } from '../../src/lru.ts';

const keysOf = (cache: { entries(): IterableIterator<[string, unknown]> }) => [...cache.entries()].map(([key]) => key);

describe('the least-recently-used cache', () => {
  it('drops the least recently used values on probation once over its budget, and keeps a value asked for again', () => {
    const cache = createLruCache<string>(3);
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    cache.set('c', 'C', 1);
    expect(cache.get('a')).toBe('A');
    cache.set('d', 'D', 1);
    // In the order they would go: those on probation, least recently used first, then 'a'.
    expect(keysOf(cache)).toEqual(['c', 'd', 'a']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(3);
  });

  it('keeps the values asked for again through a scan of values asked for once (a crawl), where plain LRU dropped them all', () => {
    const cache = createLruCache<string>(100);
    for (const feed of ['rss', 'atom', 'json']) {
      cache.set(feed, feed, 10);
      cache.get(feed);
    }
    for (let page = 0; page < 1000; page += 1) cache.set(`article-${page}`, 'page', 5);
    expect(['rss', 'atom', 'json'].map((feed) => cache.peek(feed))).toEqual(['rss', 'atom', 'json']);
    expect(cache.size).toBeLessThanOrEqual(100);
    // The pages hold what the feeds leave, the most recent of them.
    expect(keysOf(cache).slice(0, 14)).toEqual(Array.from({ length: 14 }, (_, index) => `article-${986 + index}`));
  });

  it('puts the least recently used of the values asked for again back on probation beyond their share of the budget', () => {
    const cache = createLruCache<string>(10);
    const budgetKept = Math.floor(10 * PROTECTED_SHARE);
    for (let index = 0; index <= budgetKept; index += 1) {
      cache.set(`v${index}`, 'V', 1);
      cache.get(`v${index}`);
    }
    // v0, asked for again first, is back on probation: the first to go.
    expect(keysOf(cache)).toEqual(Array.from({ length: budgetKept + 1 }, (_, index) => `v${index}`));
    cache.set('n1', 'N', 1);
    cache.set('n2', 'N', 1);
    expect(cache.peek('v0')).toBeUndefined();
    expect(cache.peek('v1')).toBe('V');
    expect(cache.size).toBe(10);
  });

  it('keeps a value set again where it was, and does not count a peek as use', () => {
    const cache = createLruCache<string>(10);
    cache.set('kept', 'K', 2);
    cache.get('kept');
    cache.set('kept', 'K, larger', 4);
    cache.set('peeked', 'P', 2);
    expect(cache.peek('peeked')).toBe('P');
    for (let index = 0; index < 10; index += 1) cache.set(`scan-${index}`, 'S', 1);
    expect(cache.peek('kept')).toBe('K, larger');
    expect(cache.peek('peeked')).toBeUndefined();
    expect(cache.size).toBe(10);
  });

  it('keeps the order right when the newest value is asked for again and again, then another', () => {
    const cache = createLruCache<string>(5);
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    for (let time = 0; time < 3; time += 1) expect(cache.get('b')).toBe('B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C', 1);
    // 'c', set after them, is on probation until it is asked for.
    expect(keysOf(cache)).toEqual(['c', 'b', 'a']);
    expect(cache.get('c')).toBe('C');
    expect(keysOf(cache)).toEqual(['b', 'a', 'c']);
  });

  it('counts a value set again at its new size, and keeps one value larger than the whole budget', () => {
    const cache = createLruCache<string>(10);
    cache.set('a', 'A', 4);
    cache.set('a', 'AA', 6);
    expect(cache.size).toBe(6);
    cache.set('big', 'B', 50);
    expect(keysOf(cache)).toEqual(['big']);
    expect(cache.count).toBe(1);
  });

  it('copies the values it is told to, in their order and segments, and within the budget it is given', () => {
    const cache = createLruCache<string>(100);
    for (const feed of ['rss', 'atom', 'json']) {
      cache.set(feed, feed, 10);
      cache.get(feed);
    }
    cache.set('page', 'page', 10);
    cache.set('rendering', 'rendering', 0);
    const copy = cache.copy((value, size) => value !== 'json' && size > 0, 100);
    expect(keysOf(copy)).toEqual(['page', 'rss', 'atom']);
    expect(copy.size).toBe(30);
    // The copy is a cache of its own: the original is as it was.
    expect(keysOf(cache)).toEqual(['page', 'rendering', 'rss', 'atom', 'json']);
    // What was asked for again stays kept ahead of a crawl in the copy too.
    for (let page = 0; page < 100; page += 1) copy.set(`article-${page}`, 'page', 5);
    expect(copy.peek('rss')).toBe('rss');
    expect(copy.peek('page')).toBeUndefined();
    // A smaller budget drops the least recently used first.
    expect(keysOf(cache.copy(() => true, 20))).toEqual(['atom', 'json']);
  });

  it('tells of each value it lets go of by itself (evicted, or replaced under its key), not of one taken out', () => {
    const dropped: string[] = [];
    const cache = createLruCache<string>(2, { onDrop: (key, value) => dropped.push(`${key}=${value}`) });
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    cache.set('a', 'A', 1);
    expect(dropped).toEqual([]);
    cache.set('a', 'A2', 1);
    cache.set('c', 'C', 1);
    cache.delete('a');
    expect(dropped).toEqual(['a=A', 'b=B']);
    expect(keysOf(cache)).toEqual(['c']);
    expect(cache.size).toBe(1);
    // A copy tells whom it is told to.
    const copied: string[] = [];
    const copy = cache.copy(() => true, 1, { onDrop: (key) => copied.push(key) });
    copy.set('d', 'D', 1);
    expect([copied, dropped.length]).toEqual([['c'], 2]);
  });
});
