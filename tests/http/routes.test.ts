import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { checkAtom, checkJsonFeed, checkRss } from '../support/feed-rules.ts';
import { createTestApp, NOW, testSite, validArticle } from '../support/fixtures.ts';
import { parseHtmlDocument } from '../support/html.ts';
import { readPageMetadata, type PageMetadata } from '../support/pages.ts';

const FILES = {
  'world.md': validArticle({ code: '"W1"', category: '"WORLD"', date: '2024-11-20T10:00:00Z' }),
  'sport-th.md': validArticle({ code: '"S1"', category: '"Sports"', language: '"th"', date: '2024-11-19T10:00:00Z' }),
  'thai-cat.md': validArticle({ code: '"T1"', category: '"ข่าว"', language: '"th"', date: '2024-11-18T10:00:00Z' }),
  'scheduled.md': validArticle({ code: '"LATER"', category: '"WORLD"', date: '2026-06-01T00:00:00Z' }),
};

describe('feed routes', () => {
  it.each([
    ['/rss.xml', 'application/rss+xml; charset=utf-8', checkRss],
    ['/atom.xml', 'application/atom+xml; charset=utf-8', checkAtom],
    ['/feed.json', 'application/feed+json; charset=utf-8', checkJsonFeed],
    ['/th/rss.xml', 'application/rss+xml; charset=utf-8', checkRss],
    ['/category/world/atom.xml', 'application/atom+xml; charset=utf-8', checkAtom],
    ['/th/category/sports/feed.json', 'application/feed+json; charset=utf-8', checkJsonFeed],
    [`/th/category/${encodeURIComponent('ข่าว')}/rss.xml`, 'application/rss+xml; charset=utf-8', checkRss],
  ])('%s answers a valid feed with its content type and its own URL as self link', async (path, type, check) => {
    const { app } = createTestApp(FILES);
    const response = await app.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(check(await response.text(), { selfUrl: `https://news.example${path}`, now: NOW })).toEqual([]);
  });

  it.each([
    ['/xx/rss.xml', 'Not found: no language "xx"'],
    ['/category/nope/rss.xml', 'Not found: no category "nope"'],
    ['/en/category/nope/feed.json', 'Not found: no category "nope"'],
    ['/articles/nope', 'Not found: no such article'],
    ['/nothing-here', 'Not found'],
  ])('%s is a 404 with a short plain message', async (path, message) => {
    const { app } = createTestApp(FILES);
    const response = await app.request(path);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(`${message}\n`);
  });

  it('answers a known but empty scope with a valid, empty feed', async () => {
    const site = testSite({ categories: { science: { name: 'Science' } } });
    const { app } = createTestApp(FILES, { site });
    const response = await app.request('/category/science/rss.xml');
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(checkRss(body)).toEqual([]);
    expect(body).not.toContain('<item>');
    const json = (await (await app.request('/en/category/sports/feed.json')).json()) as { items: unknown[] };
    expect(json.items).toEqual([]);
  });

  it('gives each scope its own permanent Atom id, independent of the base URL', async () => {
    const idOf = async (app: ReturnType<typeof createTestApp>['app'], path: string) =>
      /<id>([^<]+)<\/id>/.exec(await (await app.request(path)).text())?.[1];
    const { app } = createTestApp(FILES);
    const paths = ['/atom.xml', '/th/atom.xml', '/category/world/atom.xml', '/en/category/world/atom.xml'];
    const ids = await Promise.all(paths.map((path) => idOf(app, path)));
    expect(ids).toEqual([
      'tag:wirefeed.example,2024:feed',
      'tag:wirefeed.example,2024:feed/th',
      'tag:wirefeed.example,2024:feed/category/world',
      'tag:wirefeed.example,2024:feed/en/category/world',
    ]);
    const moved = createTestApp(FILES, { site: testSite({}, 'https://elsewhere.example') }).app;
    expect(await Promise.all(paths.map((path) => idOf(moved, path)))).toEqual(ids);
  });

  it('builds every absolute URL from the configured base URL, not from the request', async () => {
    const { app } = createTestApp(FILES, { site: testSite({}, 'https://public.example/news') });
    const body = await (await app.request('http://internal:8080/rss.xml')).text();
    expect(body).toContain('<atom:link href="https://public.example/news/rss.xml" rel="self"');
    expect(body).toContain('<link>https://public.example/news/articles/world</link>');
    expect(body).not.toContain('internal');
  });

  it('renders byte-identical feeds from two independent apps over the same content', async () => {
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json', '/', '/feeds.opml', '/articles/world']) {
      const first = await (await createTestApp(FILES).app.request(path)).text();
      const second = await (await createTestApp(FILES).app.request(path)).text();
      expect(second, path).toBe(first);
    }
  });

  it('holds a scheduled article back until its time comes', async () => {
    const before = createTestApp(FILES, { now: Date.UTC(2026, 4, 31) }).app;
    expect(await (await before.request('/rss.xml')).text()).not.toContain('LATER');
    expect((await before.request('/articles/scheduled')).status).toBe(404);
    expect(await (await before.request('/rss.xml')).text()).toContain('<lastBuildDate>Wed, 20 Nov 2024 10:00:00 GMT</lastBuildDate>');

    const after = createTestApp(FILES, { now: Date.UTC(2026, 5, 1) }).app;
    expect(await (await after.request('/rss.xml')).text()).toContain('LATER');
    expect((await after.request('/articles/scheduled')).status).toBe(200);
  });

  it('publishes a scheduled article in a running app when its time comes', async () => {
    let now = Date.UTC(2026, 4, 31);
    const site = testSite();
    const app = createApp({ site, store: createContentStore(createMemorySource(FILES), site), now: () => now });
    expect(await (await app.request('/category/world/feed.json')).text()).not.toContain('LATER');
    now = Date.UTC(2026, 5, 1, 0, 0, 1);
    expect(await (await app.request('/category/world/feed.json')).text()).toContain('LATER');
  });

  it('serves a valid feed when one article file is broken, and reports the file', async () => {
    const { app, store } = createTestApp({ ...FILES, 'broken.md': '---\ndate: [\n---\n' });
    expect(checkRss(await (await app.request('/rss.xml')).text())).toEqual([]);
    const { catalog } = await store.current();
    expect(catalog.problems).toMatchObject([{ path: 'broken.md', severity: 'error' }]);
  });
});

describe('work done once per snapshot', () => {
  it('renders and hashes a response once, however often it is asked for', async () => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    try {
      const { app } = createTestApp(FILES);
      for (let i = 0; i < 20; i += 1) expect((await app.request('/rss.xml')).status).toBe(200);
      expect(digest).toHaveBeenCalledTimes(1);
      await app.request('/rss.xml', { headers: { 'If-None-Match': '"x"' } });
      await app.request('/atom.xml');
      expect(digest).toHaveBeenCalledTimes(2);
    } finally {
      digest.mockRestore();
    }
  });

  it('compresses a body once per coding, however often it is asked for', async () => {
    const calls: string[] = [];
    const site = testSite();
    const app = createApp({
      site,
      store: createContentStore(createMemorySource(FILES), site),
      now: () => NOW,
      compression: {
        codings: ['br', 'gzip'],
        compress: async (body, coding) => {
          calls.push(coding);
          return body.slice(0, 10);
        },
      },
    });
    for (let i = 0; i < 5; i += 1) {
      expect((await app.request('/rss.xml', { headers: { 'Accept-Encoding': 'br' } })).headers.get('content-encoding')).toBe('br');
      expect((await app.request('/rss.xml', { headers: { 'Accept-Encoding': 'gzip' } })).headers.get('content-encoding')).toBe('gzip');
    }
    expect(calls).toEqual(['br', 'gzip']);
  });
});

describe('a change being made', () => {
  it('holds no request up: each is answered from the last complete snapshot until the new one is in', async () => {
    const site = testSite();
    const source = createMemorySource(FILES);
    // A change whose file takes a while to read (a bulk edit of a large archive takes seconds).
    let finishReading = () => {};
    const reading = new Promise<void>((resolve) => (finishReading = resolve));
    const slow = { ...source, readHead: async (path: string, bytes: number) => (path === 'added.md' ? reading.then(() => source.readHead(path, bytes)) : source.readHead(path, bytes)) };
    const store = createContentStore(slow, site);
    const app = createApp({ site, store, now: () => NOW });
    const titles = async (path: string) => ((await (await app.request(path)).json()) as { items: { title: string }[] }).items.map(({ title }) => title);
    expect(await titles('/feed.json')).not.toContain('Added');
    source.write('added.md', validArticle({ code: '"NEW"', title: '"Added"', category: '"WORLD"', date: '2024-11-21T10:00:00Z' }));
    const changing = store.update(['added.md']);
    // Neither a URL answered before nor one never asked for waits for the change.
    expect(await titles('/feed.json')).not.toContain('Added');
    expect(await titles('/category/world/feed.json')).not.toContain('Added');
    finishReading();
    await changing;
    expect(await titles('/feed.json')).toContain('Added');
    expect(await titles('/category/world/feed.json')).toContain('Added');
  });
});

describe('pages', () => {
  it('serves the index as HTML with discovery links to every listed feed', async () => {
    const { app } = createTestApp(FILES);
    const response = await app.request('/');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" title="Test News (RSS)" href="https://news.example/rss.xml">');
    expect(html).toContain('href="https://news.example/feeds.opml"');
  });

  it('lists every feed on the index, grouped by language and then category, each with a copy-link button', async () => {
    const { app } = createTestApp(FILES);
    const page = parseHtmlDocument(await (await app.request('/')).text());
    expect(page.errors).toEqual([]);
    const opml = (await (await app.request('/feeds.opml')).text()).match(/xmlUrl="[^"]+"/g)?.map((attribute) => attribute.slice(8, -1)) ?? [];
    const sections = page.elements.filter((element) => element.tag === 'section');
    expect(sections.map((section) => section.text.split('\n')[1])).toEqual(['All languages', 'English', 'ไทย', 'Latest articles']);
    expect(sections.map((section) => section.attributes.lang)).toEqual([undefined, 'en', 'th', undefined]);
    const links = page.elements.filter((element) => element.tag === 'a' && /\/(rss\.xml|atom\.xml|feed\.json)$/.test(element.attributes.href ?? ''));
    const buttons = page.elements.filter((element) => element.tag === 'button');
    // Every feed of the OPML file, once, each link followed by its button.
    expect(links.map((link) => link.attributes.href).sort()).toEqual([...opml].sort());
    expect(buttons.map((button) => button.attributes['data-copy'])).toEqual(links.map((link) => link.attributes.href));
    for (const button of buttons) {
      expect(button.attributes.type).toBe('button');
      // Hidden until the script runs, so a page without scripts shows no dead buttons.
      expect(button.attributes).toHaveProperty('hidden');
      expect(button.attributes['aria-label']).toMatch(/^Copy the (RSS|Atom|JSON Feed) link of /);
    }
    expect(page.elements.find((element) => element.tag === 'a' && element.attributes.href === 'https://news.example/feeds.opml')?.text).toBe('Download feeds.opml');
    expect(page.elements.filter((element) => element.tag === 'script').map((script) => script.attributes.type)).toEqual(['module']);
  });

  describe("the site's icon and logo", () => {
    const ICON = 'https://cdn.news.example/icon-512.png';
    const LOGO = 'https://cdn.news.example/logo-600x300.png';
    const files = { ...FILES, 'pictured.md': validArticle({ code: '"P1"', date: '2024-11-17T10:00:00Z', image: '"https://images.example/lead.jpg"' }) };
    const pageOf = async (path: string, site = testSite({ icon: ICON, logo: LOGO })) => readPageMetadata(await (await createTestApp(files, { site }).app.request(path)).text());
    const icons = (page: PageMetadata) => page.elements.filter((element) => element.tag === 'link' && element.attributes.rel === 'icon').map((link) => link.attributes.href);

    it('are the icon of the index and of every article page, in the head', async () => {
      for (const path of ['/', '/articles/world', '/articles/pictured']) {
        const page = await pageOf(path);
        expect(page.errors, path).toEqual([]);
        expect(page.misplaced, path).toEqual([]);
        expect(icons(page), path).toEqual([ICON]);
      }
    });

    it("give the publisher in JSON-LD a logo: the wide one, else the icon", async () => {
      expect((await pageOf('/articles/world')).jsonLd[0]?.publisher).toEqual({ '@type': 'Organization', name: 'Test News', url: 'https://news.example/', logo: { '@type': 'ImageObject', url: LOGO } });
      const iconOnly = await pageOf('/articles/world', testSite({ icon: ICON }));
      expect(iconOnly.jsonLd[0]?.publisher).toMatchObject({ logo: { '@type': 'ImageObject', url: ICON } });
    });

    it("stand in for the lead image when an article has none: the icon, on the small card, under the site's name", async () => {
      const plain = await pageOf('/articles/world');
      expect([plain.meta.get('og:image'), plain.meta.get('og:image:alt'), plain.meta.get('twitter:image'), plain.meta.get('twitter:card')]).toEqual([[ICON], ['Test News'], [ICON], ['summary']]);
      expect(plain.jsonLd[0]).not.toHaveProperty('image');
      const pictured = await pageOf('/articles/pictured');
      expect([pictured.meta.get('og:image'), pictured.meta.get('twitter:image'), pictured.meta.get('twitter:card')]).toEqual([['https://images.example/lead.jpg'], ['https://images.example/lead.jpg'], ['summary_large_image']]);
    });

    it('leave pages without an icon, a logo or a stand-in image when the configuration names none', async () => {
      const page = await pageOf('/articles/world', testSite());
      expect(icons(page)).toEqual([]);
      expect(page.meta.get('og:image')).toBeUndefined();
      expect(page.jsonLd[0]?.publisher).toEqual({ '@type': 'Organization', name: 'Test News', url: 'https://news.example/' });
    });
  });

  it("serves Hugo page bundles (a folder per article, its text in index.md) at their folders' names, in every feed, and leaves out Hugo's section pages (_index.md)", async () => {
    const { app, store } = createTestApp({
      '2024/storm-hits-coast/index.md': validArticle({ code: '"B1"', date: '2024-11-20T10:00:00Z' }),
      // Hugo's TOML front matter, as its archetypes write it.
      '2024/2024-11-19-rates-rise/index.md': '+++\ncode = "B2"\ntitle = "Rates rise"\ndate = 2024-11-19T10:00:00Z\ndraft = false\n+++\nRates rose today.\n',
      // Hugo's section pages, the home page's and a section's: not articles, even when dated.
      '_index.md': validArticle({ code: '"HOME"', title: '"Home"', date: '2024-11-21T10:00:00Z' }),
      '2024/_index.md': validArticle({ code: '"SECTION"', title: '"2024"', date: '2024-11-21T10:00:00Z' }),
    });
    const { catalog } = await store.current();
    expect(catalog.problems).toEqual([]);
    // Nor when a watcher names one.
    await store.update(['_index.md', '2024/_index.md']);
    expect((await store.current()).catalog.articles.map((article) => article.slug)).toEqual(['storm-hits-coast', 'rates-rise']);
    for (const slug of ['storm-hits-coast', 'rates-rise']) expect((await app.request(`/articles/${slug}`)).status).toBe(200);
    const text = await (await app.request('/feed.json')).text();
    expect(checkJsonFeed(text)).toEqual([]);
    expect((JSON.parse(text) as { items: { url: string }[] }).items.map((item) => item.url)).toEqual(['https://news.example/articles/storm-hits-coast', 'https://news.example/articles/rates-rise']);
  });

  it('serves OPML with the OPML content type', async () => {
    const { app } = createTestApp(FILES);
    const response = await app.request('/feeds.opml');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
  });
});
