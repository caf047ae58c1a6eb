/**
 * Responses that outlive a change: a snapshot takes over the feeds and article pages of the
 * one before whose inputs no change touched, so that a reader polling every feed after a change
 * to one category is answered from memory for every other (no render, no hash, no compression).
 * And they must be exactly what rendering afresh gives.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { selectListedScopes } from '../../src/catalog/query.ts';
import { createMemorySource, type MemorySource } from '../../src/sources/memory.ts';
import { createUrls, FEED_FORMATS } from '../../src/urls.ts';
import { articleText, NOW, testSite, validArticle } from '../support/fixtures.ts';
import { childrenNamed, onlyChild, parseXmlStrict } from '../support/xml.ts';

// Counted, to tell a feed rendered from one served as it was made.
vi.mock('../../src/feeds/rss.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/feeds/rss.ts')>();
  return { ...actual, renderRss: vi.fn(actual.renderRss) };
});
vi.mock('../../src/pages/article-page.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/pages/article-page.ts')>();
  return { ...actual, renderArticlePage: vi.fn(actual.renderArticlePage) };
});
const { renderRss } = await import('../../src/feeds/rss.ts');
const { renderArticlePage } = await import('../../src/pages/article-page.ts');
const rssRenders = () => vi.mocked(renderRss).mock.calls.length;

const article = (code: string, category: string, date: string, more: Record<string, string> = {}) =>
  validArticle({ code: `"${code}"`, title: `"Story ${code}"`, category: `"${category}"`, date: `${date}T10:00:00Z`, ...more });

const FILES = {
  'world.md': article('W1', 'WORLD', '2024-11-20'),
  'business.md': article('B1', 'BUSINESS', '2024-11-15'),
};

const CHANGED_AT = Date.UTC(2025, 5, 1, 12, 30, 15);

function serve(source: MemorySource, options: { now?: () => number; carryResponses?: boolean } = {}) {
  const site = testSite();
  const store = createContentStore(source, site, { takenOutClock: () => CHANGED_AT, ...(options.carryResponses === false ? { carryResponses: false } : {}) });
  return { app: createApp({ site, store, now: options.now ?? (() => NOW) }), store, site };
}

/** The titles of an RSS feed's items, read with a strict XML parser. */
function itemTitles(xml: string): string[] {
  return childrenNamed(onlyChild(parseXmlStrict(xml), 'channel'), 'item').map((item) => onlyChild(item, 'title').text);
}

async function fetchFeed(app: ReturnType<typeof createApp>, path: string) {
  const response = await app.request(path);
  expect(response.status).toBe(200);
  return { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified'), body: await response.text() };
}

describe('responses carried over a change', () => {
  it('a feed whose articles a change did not touch is served as it was made, not rendered again; the changed feed is made anew', async () => {
    const source = createMemorySource(FILES);
    const { app, store } = serve(source);
    const world = await fetchFeed(app, '/category/world/rss.xml');
    await fetchFeed(app, '/category/business/rss.xml');
    const site = await fetchFeed(app, '/rss.xml');

    source.write('business.md', article('B1', 'BUSINESS', '2024-11-15', { title: '"Story B1, edited"' }));
    await store.update(['business.md']);
    const renders = rssRenders();

    expect(await fetchFeed(app, '/category/world/rss.xml')).toEqual(world);
    expect(rssRenders()).toBe(renders);
    const business = await fetchFeed(app, '/category/business/rss.xml');
    expect(itemTitles(business.body)).toEqual(['Story B1, edited']);
    expect(rssRenders()).toBe(renders + 1);
    // The whole site shows the business article too.
    const siteAfter = await fetchFeed(app, '/rss.xml');
    expect(siteAfter.etag).not.toBe(site.etag);
    expect(itemTitles(siteAfter.body)).toEqual(['Story W1', 'Story B1, edited']);
  });

  it('a feed that lost an article is made anew, with the time of the change; the others keep theirs', async () => {
    const source = createMemorySource({ ...FILES, 'world-old.md': article('W0', 'WORLD', '2024-11-01') });
    const { app, store } = serve(source);
    const business = await fetchFeed(app, '/category/business/rss.xml');
    await fetchFeed(app, '/category/world/rss.xml');
    source.remove('world-old.md');
    await store.update(['world-old.md']);
    const renders = rssRenders();
    const world = await fetchFeed(app, '/category/world/rss.xml');
    expect(itemTitles(world.body)).toEqual(['Story W1']);
    expect(world.lastModified).toBe(new Date(CHANGED_AT).toUTCString());
    expect(await fetchFeed(app, '/category/business/rss.xml')).toEqual(business);
    expect(rssRenders()).toBe(renders + 1);
  });

  it('an article scheduled in another category coming out leaves a feed as it was; one in its own makes it anew', async () => {
    let now = NOW;
    const later = NOW + 3_600_000;
    const source = createMemorySource({
      ...FILES,
      'business-soon.md': validArticle({ code: '"B2"', title: '"Story B2"', category: '"BUSINESS"', date: new Date(later).toISOString() }),
    });
    const { app } = serve(source, { now: () => now });
    const world = await fetchFeed(app, '/category/world/rss.xml');
    expect(itemTitles((await fetchFeed(app, '/category/business/rss.xml')).body)).toEqual(['Story B1']);
    now = later;
    const renders = rssRenders();
    expect(await fetchFeed(app, '/category/world/rss.xml')).toEqual(world);
    expect(rssRenders()).toBe(renders);
    expect(itemTitles((await fetchFeed(app, '/category/business/rss.xml')).body)).toEqual(['Story B2', 'Story B1']);
    expect(rssRenders()).toBe(renders + 1);
  });

  it('an article page the change did not touch is served as it was made', async () => {
    const source = createMemorySource(FILES);
    const { app, store } = serve(source);
    const slug = (await store.current()).catalog.articles.find(({ id }) => id === 'W1')?.slug;
    const page = await fetchFeed(app, `/articles/${slug}`);
    expect(page.body).toContain('Story W1');
    source.write('business.md', article('B1', 'BUSINESS', '2024-11-15', { title: '"Story B1, edited"' }));
    await store.update(['business.md']);
    const renders = vi.mocked(renderArticlePage).mock.calls.length;
    expect(await fetchFeed(app, `/articles/${slug}`)).toEqual(page);
    expect(vi.mocked(renderArticlePage).mock.calls.length).toBe(renders);
  });
});

const PATHS = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md'];

/** An article file from a small pool of values, so that codes, slugs, dates, categories and spellings meet. */
const file = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        code: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
        title: fc.constantFrom('One', 'Two'),
        slug: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
        date: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2025-12-31T23:30:00Z', '2026-01-01T00:30:00Z'),
        category: fc.option(fc.constantFrom('WORLD', 'World', 'Sports', 'Tech'), { nil: undefined }),
        language: fc.constantFrom('en', 'th'),
        draft: fc.boolean().map((draft) => draft && Math.random() < 0.3),
      })
      .map(({ code, title, slug, date, category, language, draft }) =>
        articleText({
          code: `"${code}"`,
          title: `"${title} ${code}"`,
          description: '"A summary."',
          date,
          language: `"${language}"`,
          ...(slug ? { slug: `"${slug}"` } : {}),
          ...(category ? { category: `"${category}"` } : {}),
          ...(draft ? { draft: 'true' } : {}),
        }),
      ),
  },
  { weight: 1, arbitrary: fc.constant('---\ntitle: [\n---\n') },
);
const change = fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.option(file, { nil: null })), { minLength: 1, maxLength: 3 });

describe('a response carried over a change', () => {
  it('is always what rendering afresh after the same changes gives: every feed (and its pages) and every article page, byte for byte, with its validators', async () => {
    let served = 0;
    let carried = 0;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...PATHS), file, { maxKeys: 5 }), fc.array(fc.tuple(change, fc.boolean()), { minLength: 1, maxLength: 6 }), async (initial, steps) => {
        const source = createMemorySource(initial);
        // Half an hour either side of articles scheduled at 00:30: time moves on between some changes.
        let now = NOW - 1_800_000;
        const carrying = serve(source, { now: () => now });
        const fresh = serve(source, { now: () => now, carryResponses: false });
        const urls = createUrls(carrying.site.baseUrl);
        const everything = async () => {
          const { catalog } = await carrying.store.current();
          const paths = selectListedScopes(catalog).flatMap((scope) => FEED_FORMATS.map((format) => urls.feed(scope, format).slice(carrying.site.baseUrl.length)));
          paths.push(...paths.map((path) => `${path}?limit=1&page=2`), ...catalog.articles.map(({ slug }) => `/articles/${slug}`));
          return paths;
        };
        const compare = async () => {
          for (const path of await everything()) {
            const renders = rssRenders();
            const [mine, theirs] = await Promise.all([carrying.app.request(path), fresh.app.request(path)]);
            // Only the fresh app rendered, if this was an RSS feed carried over.
            if (path.includes('rss.xml') && mine.status === 200) {
              served += 1;
              if (rssRenders() === renders + 1) carried += 1;
            }
            expect({ path, status: mine.status, etag: mine.headers.get('etag'), lastModified: mine.headers.get('last-modified'), body: await mine.text() }).toEqual({
              path,
              status: theirs.status,
              etag: theirs.headers.get('etag'),
              lastModified: theirs.headers.get('last-modified'),
              body: await theirs.text(),
            });
          }
        };
        await compare();
        for (const [step, timePasses] of steps) {
          for (const [path, text] of step) {
            if (text === null) source.remove(path);
            else source.write(path, text);
          }
          const paths = step.map(([path]) => path);
          await Promise.all([carrying.store.update(paths), fresh.store.update(paths)]);
          if (timePasses) now += 1_800_000;
          await compare();
        }
      }),
      { numRuns: 100 },
    );
    // Most changes leave some feed as it was.
    expect(carried).toBeGreaterThan(served / 8);
  }, 120_000);
});
