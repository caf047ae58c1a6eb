import { describe, expect, it } from 'vitest';
import { createLruCache } from '../../src/lru.ts';

const keysOf = (cache: { entries(): IterableIterator<[string, unknown]> }) => [...cache.entries()].map(([key]) => key);

describe('the least-recently-used cache', () => {
  it('drops the least recently used values once over its budget, and keeps the rest in order of use', () => {
    const cache = createLruCache<string>(3);
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    cache.set('c', 'C', 1);
    expect(cache.get('a')).toBe('A');
    cache.set('d', 'D', 1);
    expect(keysOf(cache)).toEqual(['c', 'a', 'd']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(3);
  });

  it('keeps the order right when the newest value is asked for again and again, then another', () => {
    const cache = createLruCache<string>(2);
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    for (let time = 0; time < 3; time += 1) expect(cache.get('b')).toBe('B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C', 1);
    expect(keysOf(cache)).toEqual(['a', 'c']);
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
});
