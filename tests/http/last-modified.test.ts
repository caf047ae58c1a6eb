/**
 * Last-Modified as a reader that sends only If-Modified-Since relies on it: it must move
 * whenever a response changes, also when an article leaves it (deleted, made a draft, moved to
 * another category, re-dated older), which moves no time of the articles it still shows.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore, type IndexCache } from '../../src/catalog/content-store.ts';
import type { IndexEntry } from '../../src/articles/load.ts';
import { formatHttpDate } from '../../src/http/conditional.ts';
import { createMemorySource, type MemorySource } from '../../src/sources/memory.ts';
import { NOW, testSite, validArticle } from '../support/fixtures.ts';
import { childrenNamed, onlyChild, parseXmlStrict } from '../support/xml.ts';

const article = (code: string, category: string, date: string, more: Record<string, string> = {}) =>
  validArticle({ code: `"${code}"`, title: `"Story ${code}"`, category: `"${category}"`, date: `${date}T10:00:00Z`, ...more });

const FILES = {
  'world-new.md': article('W2', 'WORLD', '2024-11-20'),
  'world-old.md': article('W1', 'WORLD', '2024-11-10'),
  'business.md': article('B1', 'BUSINESS', '2024-11-15'),
};

/** When the store applies the change (its clock), later than every article's time. */
const CHANGED_AT = Date.UTC(2025, 5, 1, 12, 30, 15);

function serve(source: MemorySource, cache?: IndexCache) {
  const site = testSite();
  const store = createContentStore(source, site, { takenOutClock: () => CHANGED_AT, ...(cache ? { cache } : {}) });
  return { app: createApp({ site, store, now: () => NOW }), store };
}

/** The titles of an RSS feed's items, read with a strict XML parser. */
function itemTitles(xml: string): string[] {
  return childrenNamed(onlyChild(parseXmlStrict(xml), 'channel'), 'item').map((item) => onlyChild(item, 'title').text);
}

describe('Last-Modified when an article leaves a response', () => {
  it.each([
    ['deleted', (source: MemorySource) => source.remove('world-new.md'), ['Story W1']],
    ['made a draft', (source: MemorySource) => source.write('world-new.md', article('W2', 'WORLD', '2024-11-20', { draft: 'true' })), ['Story W1']],
    ['moved to another category', (source: MemorySource) => source.write('world-new.md', article('W2', 'BUSINESS', '2024-11-20')), ['Story W1']],
    ['re-dated older than the other', (source: MemorySource) => source.write('world-new.md', article('W2', 'WORLD', '2024-11-01')), ['Story W1', 'Story W2']],
  ])('its newest article %s: the feed moves to the time of the change, and If-Modified-Since alone gets the feed as it is now', async (_, change, titles) => {
    const source = createMemorySource(FILES);
    const { app, store } = serve(source);
    const before = await app.request('/category/world/rss.xml');
    const lastModified = before.headers.get('last-modified')!;
    expect(lastModified).toBe('Wed, 20 Nov 2024 10:00:00 GMT');
    expect(itemTitles(await before.text())).toEqual(['Story W2', 'Story W1']);

    change(source);
    await store.update(['world-new.md']);

    // The times of the articles the feed shows now are older: alone, they would have gone back, and answered 304.
    const after = await app.request('/category/world/rss.xml', { headers: { 'If-Modified-Since': lastModified } });
    expect(after.status).toBe(200);
    expect(after.headers.get('last-modified')).toBe(formatHttpDate(CHANGED_AT));
    expect(itemTitles(await after.text())).toEqual(titles);
    const again = await app.request('/category/world/rss.xml', { headers: { 'If-Modified-Since': formatHttpDate(CHANGED_AT) } });
    expect(again.status).toBe(304);
  });

  it('moves the responses of the whole site and of the article\'s language, not those of a scope it was never in', async () => {
    const source = createMemorySource(FILES);
    const { app, store } = serve(source);
    const paths = ['/rss.xml', '/atom.xml', '/en/feed.json', '/sitemap.xml', '/sitemap-1.xml', '/feeds.opml', '/', '/category/business/rss.xml'];
    const before = new Map<string, string>();
    for (const path of paths) before.set(path, (await app.request(path)).headers.get('last-modified')!);

    source.remove('world-new.md');
    await store.update(['world-new.md']);

    for (const path of paths.slice(0, -1)) {
      const response = await app.request(path, { headers: { 'If-Modified-Since': before.get(path)! } });
      expect([path, response.status, response.headers.get('last-modified')]).toEqual([path, 200, formatHttpDate(CHANGED_AT)]);
    }
    const untouched = await app.request('/category/business/rss.xml', { headers: { 'If-Modified-Since': before.get('/category/business/rss.xml')! } });
    expect(untouched.status).toBe(304);
    expect(untouched.headers.get('last-modified')).toBe('Fri, 15 Nov 2024 10:00:00 GMT');
  });

  it('moves for an article deleted while the server was stopped, found on the restart', async () => {
    const source = createMemorySource(FILES);
    const saved: (readonly IndexEntry[])[] = [];
    const first = serve(source, { load: async () => undefined, save: async (entries) => void saved.push(entries), flush: async () => undefined });
    const lastModified = (await first.app.request('/category/world/rss.xml')).headers.get('last-modified')!;

    source.remove('world-new.md');
    const previous = new Map(saved[0]!.map((entry) => [entry.path, entry]));
    const restarted = serve(source, { load: async () => previous, save: async () => undefined, flush: async () => undefined });
    const response = await restarted.app.request('/category/world/rss.xml', { headers: { 'If-Modified-Since': lastModified } });
    expect(response.status).toBe(200);
    expect(response.headers.get('last-modified')).toBe(formatHttpDate(CHANGED_AT));
    expect(itemTitles(await response.text())).toEqual(['Story W1']);
  });

  it('is the articles\' own times where no clock dates the change (a build, an export): what one made afresh gives', async () => {
    const source = createMemorySource(FILES);
    const site = testSite();
    const store = createContentStore(source, site);
    const app = createApp({ site, store, now: () => NOW });
    await app.request('/category/world/rss.xml');
    source.remove('world-new.md');
    await store.update(['world-new.md']);
    const fresh = createApp({ site, store: createContentStore(source, site), now: () => NOW });
    const [after, afresh] = await Promise.all([app.request('/category/world/rss.xml'), fresh.request('/category/world/rss.xml')]);
    expect(after.headers.get('last-modified')).toBe('Sun, 10 Nov 2024 10:00:00 GMT');
    expect(after.headers.get('last-modified')).toBe(afresh.headers.get('last-modified'));
    expect(await after.text()).toBe(await afresh.text());
  });

  it('stays with the articles\' own times on a restart over an unchanged folder: the feed is what it was', async () => {
    const source = createMemorySource(FILES);
    const { app, store } = serve(source);
    expect((await app.request('/category/world/rss.xml')).headers.get('last-modified')).toBe('Wed, 20 Nov 2024 10:00:00 GMT');
    source.remove('world-new.md');
    await store.update(['world-new.md']);
    expect((await app.request('/category/world/rss.xml')).headers.get('last-modified')).toBe(formatHttpDate(CHANGED_AT));

    // A reader holding that feed is rightly told "not modified" by a server started afresh over the same files.
    const restarted = serve(source);
    const response = await restarted.app.request('/category/world/rss.xml', { headers: { 'If-Modified-Since': formatHttpDate(CHANGED_AT) } });
    expect(response.status).toBe(304);
    expect(response.headers.get('last-modified')).toBe('Sun, 10 Nov 2024 10:00:00 GMT');
  });
});
