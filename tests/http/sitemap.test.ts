/**
 * `/sitemap.xml`, its pages and `/robots.txt`, through the app: every published article page
 * listed once, in pages that stay the same as articles are added, read with a strict XML parser
 * against the sitemaps.org 0.9 schema's structure.
 */
import { describe, expect, it } from 'vitest';
import { SITEMAP_PAGE_SIZE } from '../../src/pages/sitemap.ts';
import { BASE_URL, createTestApp, NOW, validArticle } from '../support/fixtures.ts';
import { childrenNamed, onlyChild, parseXmlStrict, type XmlElement } from '../support/xml.ts';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const W3C_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** `count` articles a day apart, the first the oldest; `extra` files besides. */
function corpus(count: number, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = { ...extra };
  for (let i = 0; i < count; i++) {
    const date = new Date(Date.UTC(2010, 0, 1) + i * 3_600_000).toISOString();
    files[`a/${String(i).padStart(5, '0')}.md`] = validArticle({ code: `"C${i}"`, date, ...(i === 7 ? { updated: '2025-03-04T05:06:07Z' } : {}) });
  }
  return files;
}

async function xmlOf(app: ReturnType<typeof createTestApp>['app'], path: string): Promise<XmlElement> {
  const response = await app.request(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
  return parseXmlStrict(await response.text());
}

function urlsOf(urlset: XmlElement): { loc: string; lastmod: string }[] {
  expect(urlset.local).toBe('urlset');
  expect(urlset.uri).toBe(SITEMAP_NS);
  return childrenNamed(urlset, 'url').map((url) => {
    expect(url.children.map((child) => child.name)).toEqual(['loc', 'lastmod']);
    return { loc: onlyChild(url, 'loc').text, lastmod: onlyChild(url, 'lastmod').text };
  });
}

describe('sitemaps', () => {
  const total = SITEMAP_PAGE_SIZE + 500;
  const scheduled = { 'later.md': validArticle({ code: '"LATER"', date: '2026-06-01T00:00:00Z' }) };

  it('lists every published article page once, oldest first, across the pages the index names', async () => {
    const { app } = createTestApp(corpus(total, scheduled));
    const index = await xmlOf(app, '/sitemap.xml');
    expect(index.local).toBe('sitemapindex');
    expect(index.uri).toBe(SITEMAP_NS);
    const pages = childrenNamed(index, 'sitemap').map((sitemap) => ({ loc: onlyChild(sitemap, 'loc').text, lastmod: onlyChild(sitemap, 'lastmod').text }));
    expect(pages.map(({ loc }) => loc)).toEqual([`${BASE_URL}/sitemap-1.xml`, `${BASE_URL}/sitemap-2.xml`]);

    const first = urlsOf(await xmlOf(app, '/sitemap-1.xml'));
    const second = urlsOf(await xmlOf(app, '/sitemap-2.xml'));
    expect(first).toHaveLength(SITEMAP_PAGE_SIZE);
    expect(second).toHaveLength(500);
    const listed = [...first, ...second];
    expect(listed.map(({ loc }) => loc)).toEqual(Array.from({ length: total }, (_, i) => `${BASE_URL}/articles/${String(i).padStart(5, '0')}`));
    for (const { lastmod } of listed) expect(lastmod).toMatch(W3C_DATETIME);
    // lastmod is the article's `updated`; a page's is the newest on it.
    expect(listed[7]!.lastmod).toBe('2025-03-04T05:06:07.000Z');
    expect(listed[8]!.lastmod).toBe(new Date(Date.UTC(2010, 0, 1) + 8 * 3_600_000).toISOString());
    expect(pages[0]!.lastmod).toBe('2025-03-04T05:06:07.000Z');
    expect(pages[1]!.lastmod).toBe(listed.at(-1)!.lastmod);
    // The scheduled article is not listed until its time.
    expect(listed.map(({ loc }) => loc)).not.toContain(`${BASE_URL}/articles/later`);
  });

  it('keeps a full page as it was when articles are added, and lists a scheduled one once it is published', async () => {
    const before = createTestApp(corpus(total, scheduled));
    const after = createTestApp(corpus(total + 1, scheduled), { now: Date.UTC(2026, 6, 1) });
    const one = await before.app.request('/sitemap-1.xml');
    const again = await after.app.request('/sitemap-1.xml');
    expect(again.headers.get('etag')).toBe(one.headers.get('etag'));
    const last = urlsOf(await xmlOf(after.app, '/sitemap-2.xml')).map(({ loc }) => loc);
    expect(last.slice(-2)).toEqual([`${BASE_URL}/articles/${String(total).padStart(5, '0')}`, `${BASE_URL}/articles/later`]);
  });

  it('answers a conditional request for an unchanged page with 304', async () => {
    const { app } = createTestApp(corpus(10));
    const first = await app.request('/sitemap-1.xml');
    const etag = first.headers.get('etag')!;
    expect((await app.request('/sitemap-1.xml', { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await app.request('/sitemap.xml', { headers: { 'If-Modified-Since': first.headers.get('last-modified')! } })).status).toBe(304);
  });

  it('is an index of one empty page for a site with no articles, and a 404 past the last page', async () => {
    const { app } = createTestApp({});
    const index = await xmlOf(app, '/sitemap.xml');
    const pages = childrenNamed(index, 'sitemap');
    expect(pages.map((page) => page.children.map((child) => child.name))).toEqual([['loc']]);
    expect(urlsOf(await xmlOf(app, '/sitemap-1.xml'))).toEqual([]);
    const past = await app.request('/sitemap-2.xml');
    expect(past.status).toBe(404);
    expect(await past.text()).toBe('Not found: no sitemap page 2: there is 1\n');
    expect((await app.request('/sitemap-0.xml')).status).toBe(404);
  });

  it('names the sitemap by its absolute URL in robots.txt, and lets everything be crawled', async () => {
    const { app } = createTestApp(corpus(1), { now: NOW });
    const response = await app.request('/robots.txt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const lines = (await response.text()).split('\n');
    expect(lines).toContain('User-agent: *');
    expect(lines).toContain('Disallow:');
    expect(lines).toContain(`Sitemap: ${BASE_URL}/sitemap.xml`);
  });
});
