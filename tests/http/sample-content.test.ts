/**
 * Every feed and every article page the bundled sample content produces, checked the way
 * independent validators and feed readers would: strict XML, a real feed parser, the specs'
 * required elements, complete Open Graph / Twitter / JSON-LD metadata.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { createFsBundleFiles } from '../../src/node/bundle-files.ts';
import { createFsSource } from '../../src/sources/fs.ts';
import { checkAtom, checkJsonFeed, checkRss } from '../support/feed-rules.ts';
import { NOW, projectSite } from '../support/fixtures.ts';
import { findUnsafeHtml, parseHtmlDocument, parseHtmlFragment } from '../support/html.ts';
import { readPageMetadata, REQUIRED_META } from '../support/pages.ts';
import { childrenNamed, descendants, onlyChild, parseXmlStrict } from '../support/xml.ts';

const BASE = 'https://feeds.wirefeed.example';
const site = projectSite(BASE);
const store = createContentStore(createFsSource('content'), site);
const app = createApp({ site, store, now: () => NOW, bundleFiles: createFsBundleFiles('content') });

async function get(url: string) {
  const response = await app.request(url.replace(BASE, ''));
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const opml = parseXmlStrict((await get(`${BASE}/feeds.opml`)).body);
const outlines = descendants(onlyChild(opml, 'body')).filter((outline) => outline.attributes.xmlUrl);
const feedUrls = outlines.map((outline) => outline.attributes.xmlUrl as string);
const { catalog } = await store.current();

describe('the sample content', () => {
  it('loads every file without a problem', () => {
    expect(catalog.problems).toEqual([]);
    expect(catalog.articles).toHaveLength(17);
  });

  it('has the seed article with its title from the body', () => {
    expect(catalog.articleBySlug.get('000_af66a0ef15b64f64')?.title).toBe('Putin ‘open to Ukraine truce talks with Trump’');
  });

  it('lists every scope in every format in the OPML, with absolute URLs', () => {
    expect(opml.attributes.version).toBe('2.0');
    expect(onlyChild(onlyChild(opml, 'head'), 'title').text).toBe('Wirefeed News feeds');
    // site + 5 categories + 2 languages + 10 category x language pairs, in 3 formats
    expect(feedUrls).toHaveLength(54);
    expect(new Set(feedUrls).size).toBe(54);
    for (const url of feedUrls) expect(url.startsWith(`${BASE}/`)).toBe(true);
    expect(feedUrls).toContain(`${BASE}/category/world/rss.xml`);
    expect(feedUrls).toContain(`${BASE}/th/category/business/feed.json`);
  });
});

describe.each(feedUrls.map((url) => [url.replace(BASE, '')]))('%s', (path) => {
  it('is a valid feed of its format', async () => {
    const url = `${BASE}${path}`;
    const { status, body } = await get(url);
    expect(status).toBe(200);
    const check = path.endsWith('rss.xml') ? checkRss : path.endsWith('atom.xml') ? checkAtom : checkJsonFeed;
    expect(check(body, { selfUrl: url, now: NOW })).toEqual([]);
  });
});

describe('feed contents', () => {
  it('puts newest first and says what each scope holds', async () => {
    const channel = onlyChild(parseXmlStrict((await get(`${BASE}/th/category/world/rss.xml`)).body), 'channel');
    // Thai has its own title in wirefeed.config.json; English has none and is named by the site's.
    expect(onlyChild(channel, 'title').text).toBe('World | ข่าว Wirefeed');
    expect(onlyChild(channel, 'language').text).toBe('th');
    const english = onlyChild(parseXmlStrict((await get(`${BASE}/en/category/world/rss.xml`)).body), 'channel');
    expect(onlyChild(english, 'title').text).toBe('World - English | Wirefeed News');
    const thai = onlyChild(parseXmlStrict((await get(`${BASE}/th/rss.xml`)).body), 'channel');
    expect(onlyChild(thai, 'title').text).toBe('ข่าว Wirefeed');
    expect(onlyChild(thai, 'description').text).toBe('ข่าวโลก ธุรกิจ เทคโนโลยี กีฬา และข่าวในประเทศไทย ภาษาไทย');
    const dates = childrenNamed(channel, 'item').map((item) => Date.parse(onlyChild(item, 'pubDate').text));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const world = onlyChild(parseXmlStrict((await get(`${BASE}/category/world/rss.xml`)).body), 'channel');
    expect(onlyChild(world, 'title').text).toBe('World | Wirefeed News');
    expect(onlyChild(world, 'description').text).toBe('International news and analysis');
  });

  it('carries full, safe HTML content and a summary for every item', async () => {
    const json = JSON.parse((await get(`${BASE}/feed.json`)).body);
    expect(json.items).toHaveLength(17);
    for (const item of json.items) {
      expect(item.summary.length).toBeGreaterThan(0);
      expect(item.content_html.length).toBeGreaterThan(item.summary.length / 2);
      expect(findUnsafeHtml(item.content_html)).toEqual([]);
    }
    const bank = json.items.find((item: { id: string }) => item.id === 'ART24100507002BUS3F');
    expect(bank.content_html).toContain('Full minutes will be published in two weeks.');
    expect(bank.content_html).not.toContain('alert');
  });

  it('does not repeat the seed title at the top of its content', async () => {
    const json = JSON.parse((await get(`${BASE}/category/world/feed.json`)).body);
    const seed = json.items.find((item: { id: string }) => item.id === 'ART24112010122JGQ5U');
    expect(seed.title).toBe('Putin ‘open to Ukraine truce talks with Trump’');
    expect(seed.content_html.startsWith('<figure><img alt="People block the entrance')).toBe(true);
    expect(seed.content_html).not.toContain('Putin ‘open to Ukraine truce talks with Trump’');
  });

  it('gives the seed photos their captions: the paragraph after each that repeats its alt text', async () => {
    const json = JSON.parse((await get(`${BASE}/feed.json`)).body);
    const seed = json.items.find((item: { id: string }) => item.id === 'ART24112010122JGQ5U');
    const figure = parseHtmlFragment(seed.content_html).elements.filter((element) => ['figure', 'img', 'figcaption'].includes(element.tag));
    expect(figure.map((element) => element.tag)).toEqual(['figure', 'img', 'figcaption', 'figure', 'img', 'figcaption']);
    const caption = 'People block the entrance to the Russian consulate in New York City as they take part in a protest marking the approaching 1,000th day of Russia’s invasion of Ukraine, on Nov 17. (Photo: Reuters)';
    expect(figure[1]?.attributes.alt).toBe(caption);
    expect(figure[2]?.text).toBe(caption);
    expect(figure[5]?.text).toMatch(/^Donald Trump gestures during a meeting with Vladimir Putin/);
    // The caption is not left behind as a paragraph of its own: the words appear as alt and caption only.
    expect(seed.content_html.split(caption).length - 1).toBe(2);
  });
});

describe.each(catalog.articles.map((article) => [article.slug, article] as const))('article page %s', (slug, article) => {
  const url = `${BASE}/articles/${encodeURIComponent(slug)}`;

  it('is well-formed HTML with every piece of metadata in <head>', async () => {
    const { status, type, body } = await get(url);
    expect(status).toBe(200);
    expect(type).toBe('text/html; charset=utf-8');
    const page = readPageMetadata(body);
    expect(page.errors).toEqual([]);
    expect(page.misplaced).toEqual([]);
    expect(page.lang).toBe(article.language);
    expect(page.title).toBe(`${article.title} | Wirefeed News`);
  });

  it('carries complete Open Graph, Twitter card and JSON-LD data', async () => {
    const page = readPageMetadata((await get(url)).body);
    for (const key of REQUIRED_META) expect(page.meta.get(key), key).toHaveLength(1);
    const one = (key: string) => page.meta.get(key)?.[0];
    expect(page.canonical).toBe(url);
    expect(one('og:url')).toBe(url);
    expect(one('og:type')).toBe('article');
    expect(one('og:title')).toBe(article.title);
    expect(one('og:description')).toBe(article.description);
    expect(one('description')).toBe(article.description);
    expect(one('og:site_name')).toBe('Wirefeed News');
    expect(one('og:locale')).toBe(article.language === 'th' ? 'th_TH' : 'en_US');
    expect(one('article:published_time')).toBe(new Date(article.published).toISOString());
    expect(one('article:modified_time')).toBe(new Date(article.updated).toISOString());
    expect(one('article:section')).toBe(article.category?.name);
    expect(page.meta.get('article:tag') ?? []).toEqual(article.tags);
    expect(one('twitter:card')).toBe(article.image ? 'summary_large_image' : 'summary');
    // Without a lead image of its own, an article is shared with the site's icon.
    expect(site.icon).toBeDefined();
    expect(one('og:image')).toBe(article.image ?? site.icon);
    expect(one('twitter:image')).toBe(article.image ?? site.icon);

    expect(page.jsonLd).toHaveLength(1);
    expect(page.jsonLd[0]).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: article.title,
      datePublished: new Date(article.published).toISOString(),
      dateModified: new Date(article.updated).toISOString(),
      inLanguage: article.language,
      mainEntityOfPage: { '@id': url },
      publisher: { '@type': 'Organization', name: 'Wirefeed News', logo: { '@type': 'ImageObject', url: site.logo } },
    });
  });

  it('shows no image and links to no page of the site that is not there', async () => {
    const { elements } = parseHtmlDocument((await get(url)).body);
    const own = elements
      .flatMap((element) => [element.attributes.src, element.tag === 'a' ? element.attributes.href : undefined])
      .filter((target): target is string => target?.startsWith(`${BASE}/`) === true);
    for (const target of own) expect((await get(target)).status, target).toBe(200);
  });

  it('links the feeds that contain it, and each of them does', async () => {
    const page = readPageMetadata((await get(url)).body);
    expect(page.alternates).toHaveLength(article.category ? 12 : 6);
    for (const alternate of page.alternates) {
      const feed = await get(alternate.href);
      expect(feed.status, alternate.href).toBe(200);
      expect(feed.type?.startsWith(alternate.type), alternate.href).toBe(true);
      expect(feed.body, alternate.href).toContain(url);
    }
  });
});
