/**
 * Memory stays within the budgets however many distinct URLs are asked for: a crawler walking
 * a 100,000-article archive page by page must not make the server keep every page.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { createRepresentation, type Compression, type Representation } from '../../src/http/representation.ts';
import { createNodeCompression } from '../../src/node/compression.ts';
import { createLruCache, stringSize } from '../../src/lru.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { NOW, testSite, validArticle } from '../support/fixtures.ts';

function archive(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index += 1) {
    const day = new Date(Date.UTC(2024, 0, 1) + index * 3_600_000).toISOString();
    files[`a${index}.md`] = validArticle({ code: `"A${index}"`, title: `"Story ${index}"`, date: day }, `Paragraph ${index}. ${'Words of the story. '.repeat(40)}\n`);
  }
  return files;
}

describe('the response budget', () => {
  it('holds the answers of a walk through every archive page within it, and still answers every page', async () => {
    const budget = 400_000;
    const site = testSite();
    const store = createContentStore(createMemorySource(archive(400)), site, { responseCacheSize: budget });
    const app = createApp({ site, store, now: () => NOW });
    const get = (path: string) => app.request(`https://news.example${path}`);
    const first = await get('/rss.xml?page=1&limit=10');
    const firstTag = first.headers.get('etag');
    const snapshot = await store.current();
    let largest = 0;
    for (let page = 1; page <= 40; page += 1) {
      const response = await get(`/rss.xml?page=${page}&limit=10`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      largest = Math.max(largest, snapshot.answers.size, snapshot.responses.size);
    }
    expect(largest).toBeGreaterThan(budget / 2);
    expect(largest).toBeLessThanOrEqual(budget);
    // Fewer answers kept than pages asked for: the oldest went...
    expect(snapshot.answers.count).toBeLessThan(40);
    // ...and a page whose answer went is made again, the same.
    const again = await get('/rss.xml?page=1&limit=10');
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe(firstTag);
  });

  it('keeps the feeds readers poll through a crawl of every article page: answered from memory after it, not made again', async () => {
    const budget = 400_000;
    const site = testSite();
    const store = createContentStore(createMemorySource(archive(400)), site, { responseCacheSize: budget });
    const app = createApp({ site, store, now: () => NOW });
    const get = async (path: string) => {
      const response = await app.request(`https://news.example${path}`);
      await response.arrayBuffer();
      return response;
    };
    const feeds = ['/rss.xml', '/atom.xml'];
    // Polled: asked for, then asked for again.
    for (const round of [1, 2]) for (const feed of feeds) expect([round, (await get(feed)).status]).toEqual([round, 200]);
    const snapshot = await store.current();
    const held = (path: string) => new Map(snapshot.answers.entries()).get(path);
    const answered = feeds.map(held);
    expect(answered.every((made) => made !== undefined)).toBe(true);

    const pages = snapshot.catalog.articles.map(({ slug }) => `/articles/${slug}`);
    for (const page of pages) expect([page, (await get(page)).status]).toEqual([page, 200]);
    // The crawl asked for more than the budget holds: most of its pages went, the feeds stayed.
    expect(snapshot.answers.count).toBeLessThan(pages.length);
    expect(snapshot.answers.size).toBeLessThanOrEqual(budget);
    expect(feeds.map(held)).toEqual(answered);
    expect(held(pages[0]!)).toBeUndefined();
  });

  it('drops a ready answer with the response it serves, and counts it for its headers only: a feed\'s bytes count once, where they are kept', async () => {
    const budget = 200_000;
    const site = testSite();
    const store = createContentStore(createMemorySource(archive(400)), site, { responseCacheSize: budget });
    const app = createApp({ site, store, now: () => NOW, compression: createNodeCompression() });
    const snapshot = await store.current();
    for (let page = 1; page <= 40; page += 1) {
      const response = await app.request(`https://news.example/rss.xml?page=${page}&limit=10`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect([page, response.status, response.headers.get('content-encoding')]).toEqual([page, 200, 'gzip']);
      await response.arrayBuffer();
      // Every answer still held serves a response still held.
      for (const [url, { kept }] of snapshot.answers.entries()) expect([url, snapshot.responses.peek(kept.key) === kept]).toEqual([url, true]);
      expect(snapshot.responses.size).toBeLessThanOrEqual(budget);
    }
    expect(snapshot.answers.count).toBeGreaterThan(0);
    expect(snapshot.answers.count).toBeLessThan(40);
    expect(snapshot.answers.size).toBe(snapshot.answers.count * 2048);
    // The responses count what they hold: each its body and the gzip variant made to answer.
    let total = 0;
    for (const [, { made }] of snapshot.responses.entries()) {
      const representation = await (made as Promise<Representation>);
      expect(representation.heldBytes()).toBeGreaterThan(representation.body.length);
      total += representation.heldBytes();
    }
    expect(snapshot.responses.size).toBe(total);
  });

  it('counts the coded variant made for a negotiated feed (/feed, not kept by URL) where its response is kept', async () => {
    const site = testSite();
    const store = createContentStore(createMemorySource(archive(60)), site);
    const app = createApp({ site, store, now: () => NOW, compression: createNodeCompression() });
    const response = await app.request('https://news.example/feed', { headers: { Accept: 'application/rss+xml', 'Accept-Encoding': 'gzip' } });
    expect([response.status, response.headers.get('content-encoding')]).toEqual([200, 'gzip']);
    const coded = (await response.arrayBuffer()).byteLength;
    const snapshot = await store.current();
    const kept = [...snapshot.responses.entries()].map(([, value]) => value);
    expect(kept).toHaveLength(1);
    const representation = await (kept[0]!.made as Promise<Representation>);
    expect(snapshot.responses.size).toBe(representation.body.length + coded);
    expect(snapshot.answers.count).toBe(0);
  });

  it('counts a response as the bytes it holds: its body, then each coded variant once made', async () => {
    const representation = await createRepresentation('x'.repeat(10_000), 'text/plain', 0);
    expect(representation.heldBytes()).toBe(10_000);
    let made = 0;
    const compression: Compression = { codings: ['gzip'], compress: async (body) => body.subarray(0, 300) };
    await representation.encoded('gzip', compression, () => (made += 1));
    await representation.encoded('gzip', compression, () => (made += 1));
    expect(made).toBe(1);
    expect(representation.heldBytes()).toBe(10_300);
  });

  it('counts text at two bytes a character, the most a JavaScript string takes', () => {
    expect(stringSize('ข่าว')).toBe(8);
    const cache = createLruCache<string>(10);
    cache.set('a', 'abc', stringSize('abc'));
    cache.set('b', 'def', stringSize('def'));
    expect([...cache.entries()].map(([key]) => key)).toEqual(['b']);
  });
});
