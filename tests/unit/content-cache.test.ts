/**
 * Article content and the forms renderers make from it (a JSON Feed item's bytes) are made once
 * per article version, kept within the byte budget, and made again when the article changes.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Article } from '../../src/articles/article.ts';
import { contentFrom, createContentCache } from '../../src/catalog/content-cache.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { stringSize } from '../../src/lru.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { NOW, normalizeText, testSite, validArticle } from '../support/fixtures.ts';

const encoder = new TextEncoder();

function article(code: string): Article {
  const result = normalizeText(validArticle({ code: `"${code}"` }), testSite(), `${code}.md`);
  if (!result.article) throw new Error(JSON.stringify(result.problems));
  return result.article;
}

/** A cache over fixed HTML, counting fetches; `version` names each article's current version. */
function countingCache(budget: number) {
  const fetched: string[] = [];
  const version = new Map<string, number>();
  const cache = createContentCache(
    budget,
    async (a) => {
      fetched.push(a.id);
      return { html: `<p>${a.id} v${version.get(a.id) ?? 0}</p>` };
    },
    (a) => `${a.id}@${version.get(a.id) ?? 0}`,
  );
  return { cache, fetched, version };
}

describe('the content cache', () => {
  it('makes a form once per article version, whichever load asks for it', async () => {
    const { cache } = countingCache(1_000_000);
    const a = article('A');
    let made = 0;
    const make = () => {
      made += 1;
      return encoder.encode(`form ${made}`);
    };
    const first = (await cache.load([a])).form(a, 'json', make);
    const second = (await cache.load([a])).form(a, 'json', make);
    expect(made).toBe(1);
    expect(second).toBe(first);
    // another form of the same article is made on its own
    (await cache.load([a])).form(a, 'other', make);
    expect(made).toBe(2);
  });

  it('makes the HTML and the forms again for a new version of the article', async () => {
    const { cache, fetched, version } = countingCache(1_000_000);
    const a = article('A');
    const formOf = async () => {
      const content = await cache.load([a]);
      return new TextDecoder().decode(content.form(a, 'json', () => encoder.encode(content.html(a))));
    };
    expect(await formOf()).toBe('<p>A v0</p>');
    expect(await formOf()).toBe('<p>A v0</p>');
    version.set('A', 1);
    expect(await formOf()).toBe('<p>A v1</p>');
    expect(fetched).toEqual(['A', 'A']);
  });

  it('counts the forms in the budget, and drops the least recently used article to stay within it', async () => {
    const a = article('A');
    const b = article('B');
    const htmlSize = stringSize('<p>A v0</p>');
    const form = new Uint8Array(1000);
    // room for both articles' HTML and one form, not two
    const { cache, fetched } = countingCache(2 * htmlSize + 1500);
    const content = await cache.load([a, b]);
    content.form(a, 'json', () => form);
    expect(fetched).toEqual(['A', 'B']);
    content.form(b, 'json', () => form);
    // A (used least recently) went to make room for B's form: asked for again, it is fetched
    await cache.load([b]);
    expect(fetched).toEqual(['A', 'B']);
    await cache.load([a]);
    expect(fetched).toEqual(['A', 'B', 'A']);
  });

  it('hands its HTML to a later run, most recently used first, and takes what an earlier run handed it', async () => {
    const { cache } = countingCache(1_000_000);
    const a = article('A');
    const b = article('B');
    await cache.load([a]);
    await cache.load([b]);
    await cache.load([a]);
    expect(cache.recent()).toEqual([
      ['A@0', '<p>A v0</p>'],
      ['B@0', '<p>B v0</p>'],
    ]);
    const { cache: later, fetched } = countingCache(1_000_000);
    for (const [version, html] of cache.recent().reverse()) later.restore(version, html);
    expect(later.recent()).toEqual(cache.recent());
    const content = await later.load([a, b]);
    expect([content.html(a), content.html(b)]).toEqual(['<p>A v0</p>', '<p>B v0</p>']);
    expect(fetched).toEqual([]);
  });

  it('keeps a pinned version through evictions, within a quarter of its budget, hands it to a later run first, and lets it go once unpinned', async () => {
    const [a, b, c, d, e] = ['A', 'B', 'C', 'D', 'E'].map(article) as [Article, Article, Article, Article, Article];
    // Room for four articles' HTML, a quarter of it for one.
    const { cache, fetched } = countingCache(4 * stringSize('<p>A v0</p>'));
    const loadEach = async (...articles: Article[]) => {
      for (const one of articles) await cache.load([one]);
    };
    expect(cache.pin('A@0')).toBe(false); // not held: nothing to pin
    await loadEach(a);
    expect(cache.pin('A@0')).toBe(true);
    await loadEach(b);
    expect(cache.pin('B@0')).toBe(false); // a second would pass the quarter
    // A is evicted for C, D and E, and served pinned, not fetched again.
    await loadEach(c, d, e);
    expect((await cache.load([a])).html(a)).toBe('<p>A v0</p>');
    expect(fetched).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(cache.pinned()).toEqual(['A@0']);
    await loadEach(c, d, e);
    expect(cache.recent().map(([version]) => version)).toEqual(['A@0', 'E@0', 'D@0', 'C@0']);
    cache.unpin('A@0');
    expect(cache.pinned()).toEqual([]);
    // Unpinned, it goes as any other, and is fetched again.
    await loadEach(b, c, d, e);
    expect(cache.recent().map(([version]) => version)).toEqual(['E@0', 'D@0', 'C@0', 'B@0']);
    await loadEach(a);
    expect(fetched).toEqual(['A', 'B', 'C', 'D', 'E', 'B', 'A']);
    // And the quarter has room again.
    expect(cache.pin('A@0')).toBe(true);
  });

  it('makes a form on every call when content comes from a plain function', () => {
    const a = article('A');
    let made = 0;
    const content = contentFrom(() => '<p>x</p>');
    content.form(a, 'json', () => encoder.encode(String(++made)));
    content.form(a, 'json', () => encoder.encode(String(++made)));
    expect(made).toBe(2);
  });
});

describe('JSON Feed items kept per article version', () => {
  const FILES = {
    'a.md': validArticle({ code: '"A"', title: '"First"', date: '2024-01-01T00:00:00Z' }, 'Body *A* with "quotes", ข่าว and an emoji 🙂.'),
    'b.md': validArticle({ code: '"B"', title: '"Second"', date: '2024-01-02T00:00:00Z', language: '"th"' }, 'เนื้อหา B.'),
  };

  it('serves the same item in every feed it shows in, and the edited item after an edit', async () => {
    const source = createMemorySource(FILES);
    const site = testSite();
    const store = createContentStore(source, site);
    const app = createApp({ site, store, now: () => NOW });
    const items = async (path: string) => {
      const response = await app.request(`https://news.example${path}`);
      expect(response.status).toBe(200);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(await response.arrayBuffer());
      return (JSON.parse(text) as { items: { id: string; content_html: string; title: string }[] }).items;
    };
    const all = await items('/feed.json');
    const english = await items('/en/feed.json');
    expect(english).toEqual(all.filter((item) => item.id === 'A'));
    expect(all.find((item) => item.id === 'A')?.content_html).toContain('<em>A</em> with "quotes", ข่าว and an emoji 🙂.');
    expect(all.find((item) => item.id === 'B')?.content_html).toContain('เนื้อหา B.');

    source.write('a.md', FILES['a.md'].replace('"First"', '"First, edited"').replace('Body *A*', 'Body *A*, edited,'));
    await store.update(['a.md']);
    const edited = (await items('/feed.json')).find((item) => item.id === 'A');
    expect(edited?.title).toBe('First, edited');
    expect(edited?.content_html).toContain('<em>A</em>, edited, with');
    // the unchanged article's item is the same as before
    expect((await items('/feed.json')).find((item) => item.id === 'B')).toEqual(all.find((item) => item.id === 'B'));
  });
});
