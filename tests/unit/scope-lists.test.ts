import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/articles/article.ts';
import { ScopeLists } from '../../src/catalog/scope-lists.ts';

const article = (id: string) => ({ id }) as unknown as Article;
const [a, b, c] = [article('a'), article('b'), article('c')];

/** Lists over `lists`, counting how often each is made. */
function counted(lists: Readonly<Record<string, readonly Article[]>>) {
  const made: string[] = [];
  const scopes = new ScopeLists(['', ...Object.keys(lists)], [['', [a, b, c]]], (key) => {
    made.push(key);
    return lists[key] as readonly Article[];
  });
  return { scopes, made };
}

describe('scope lists made when first asked for', () => {
  it('knows its scopes without making a list, and makes each once, when first asked for', () => {
    const { scopes, made } = counted({ 'lang:en': [a, c], 'cat:world': [b] });
    expect([scopes.size, scopes.has(''), scopes.has('lang:en'), scopes.has('cat:world'), scopes.has('lang:th')]).toEqual([3, true, true, true, false]);
    expect(made).toEqual([]);
    expect(scopes.get('')).toEqual([a, b, c]);
    expect(scopes.get('lang:th')).toBeUndefined();
    expect(made).toEqual([]);
    const english = scopes.get('lang:en');
    expect(english).toEqual([a, c]);
    expect(scopes.get('lang:en')).toBe(english);
    expect(made).toEqual(['lang:en']);
  });

  it('lists its scopes as a Map of the same lists does, in the order given, making the rest as it goes', () => {
    const { scopes, made } = counted({ 'lang:en': [a, c], 'cat:world': [b] });
    scopes.get('cat:world');
    const map = new Map<string, readonly Article[]>([
      ['', [a, b, c]],
      ['lang:en', [a, c]],
      ['cat:world', [b]],
    ]);
    expect([...scopes]).toEqual([...map]);
    expect([...scopes.entries()]).toEqual([...map.entries()]);
    expect([...scopes.keys()]).toEqual([...map.keys()]);
    expect([...scopes.values()]).toEqual([...map.values()]);
    const seen: string[] = [];
    scopes.forEach((list, key, self) => {
      expect(self).toBe(scopes);
      expect(list).toEqual(map.get(key));
      seen.push(key);
    });
    expect(seen).toEqual([...map.keys()]);
    expect(new Map(scopes)).toEqual(map);
    expect(made).toEqual(['cat:world', 'lang:en']);
  });

  it('after a change, holds the lists the change made, drops a scope it emptied, and makes the others as before when asked', () => {
    const { scopes, made } = counted({ 'lang:en': [a, c], 'cat:world': [b], 'cat:tech': [c] });
    expect(scopes.get('cat:tech')).toEqual([c]);
    const changed = scopes.with(
      new Map<string, readonly Article[]>([
        ['', [a, c]],
        ['cat:world', []],
        ['cat:sports', [b]],
      ]),
    );
    expect(made).toEqual(['cat:tech']);
    expect([...changed.keys()]).toEqual(['', 'lang:en', 'cat:tech', 'cat:sports']);
    expect([changed.has('cat:world'), changed.get('cat:world')]).toEqual([false, undefined]);
    expect([changed.get(''), changed.get('cat:sports'), changed.get('cat:tech')]).toEqual([[a, c], [b], [c]]);
    expect(made).toEqual(['cat:tech']);
    expect(changed.get('lang:en')).toEqual([a, c]);
    expect(made).toEqual(['cat:tech', 'lang:en']);
    // The lists before the change are as they were.
    expect([...scopes.keys()]).toEqual(['', 'lang:en', 'cat:world', 'cat:tech']);
    expect(scopes.get('')).toEqual([a, b, c]);
    // The site's list stays, empty or not.
    expect([...changed.with(new Map([['', []]])).keys()]).toContain('');
  });

  it('wraps lists already made, making none', () => {
    const lists = new Map<string, readonly Article[]>([
      ['', [a, b]],
      ['cat:world', [b]],
    ]);
    const scopes = ScopeLists.of(lists);
    expect(new Map(scopes)).toEqual(lists);
    expect([...scopes.with(new Map([['cat:world', [a, b]]]))]).toEqual([
      ['', [a, b]],
      ['cat:world', [a, b]],
    ]);
  });
});
