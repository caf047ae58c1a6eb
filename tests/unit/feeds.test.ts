import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../src/articles/article.ts';
import { contentFrom } from '../../src/catalog/content-cache.ts';
import { loadMarkdownRenderer } from '../../src/articles/markdown.ts';
import { renderAtom } from '../../src/feeds/atom.ts';
import { buildFeedModel, type FeedModel } from '../../src/feeds/feed.ts';
import { renderJsonFeed } from '../../src/feeds/json-feed.ts';
import { renderRss } from '../../src/feeds/rss.ts';
import type { Site } from '../../src/site.ts';
import { createUrls, toTagUri } from '../../src/urls.ts';
import { checkAtom, checkJsonFeed, checkRss } from '../support/feed-rules.ts';
import { contentOfText, normalizeText, testSite, validArticle } from '../support/fixtures.ts';
import { childrenNamed, descendants, onlyChild, parseXmlStrict } from '../support/xml.ts';

const renderHtml = await loadMarkdownRenderer();

const EXTENSIONLESS_IMAGE = 'https://github.com/user-attachments/assets/daec8601-219c-4325-916a-d935899a0af1';

const BODIES = new Map<string, string>();

function article(fields: Record<string, string>, body?: string, site: Site = testSite()): Article {
  const path = `2024/${(fields.code ?? 'x').replace(/\W/g, '')}.md`;
  const result = normalizeText(validArticle(fields, body), site, path);
  if (!result.article) throw new Error(JSON.stringify(result.problems));
  BODIES.set(result.article.id, contentOfText(validArticle(fields, body), path));
  return result.article;
}

function modelOf(articles: readonly Article[], site: Site = testSite(), scope = {}): FeedModel {
  const urls = createUrls(site.baseUrl);
  return buildFeedModel({
    site,
    scope,
    articles,
    paging: { page: 1, limit: site.feedSize, limitChosen: false, total: articles.length },
    content: contentFrom((a) => renderHtml(BODIES.get(a.id) ?? '', urls.article(a.slug))),
    fallbackUpdated: Date.UTC(2024, 0, 1),
  });
}

const SAMPLE = [
  article({ code: '"B"', date: '2024-11-21T08:45:12Z', updated: '2024-11-22T00:00:00Z', image: `"${EXTENSIONLESS_IMAGE}"`, tags: '[Ukraine, NATO]', author: '"Mira"' }),
  article({ code: '"A"', date: '2024-11-20T10:18:06.127Z', language: '"th"', origin_url: '"https://origin.example/a"' }),
];

/** JSON Feed is written as UTF-8 bytes; decoding them strictly also checks they are UTF-8. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const renderJsonText = (model: FeedModel) => utf8.decode(renderJsonFeed(model));
const RENDERERS = { rss: renderRss, atom: renderAtom, json: renderJsonText };
const CHECKERS = { rss: checkRss, atom: checkAtom, json: checkJsonFeed };

afterEach(() => {
  vi.useRealTimers();
});

describe.each(['rss', 'atom', 'json'] as const)('%s', (format) => {
  const render = RENDERERS[format];
  const check = CHECKERS[format];

  it('is valid', () => {
    const site = testSite();
    expect(check(render(modelOf(SAMPLE, site)), { selfUrl: `${site.baseUrl}/${{ rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }[format]}` })).toEqual([]);
  });

  it('is byte-identical whatever the clock says (no "now" in the output)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2025, 0, 1));
    const first = render(modelOf(SAMPLE));
    vi.setSystemTime(Date.UTC(2031, 5, 6));
    expect(render(modelOf(SAMPLE))).toBe(first);
  });

  it('is valid and keeps the text when titles and bodies hold "]]>" more than once', () => {
    const tricky = article({ code: '"C"', title: '"a ]]> b ]]> c"' }, 'x ]]> y ]]> z\n\n<p>]]></p>');
    const output = render(modelOf([tricky]));
    expect(check(output)).toEqual([]);
    const parsed = format === 'json' ? JSON.parse(output).items[0].title : parseFeed(output).items[0]?.title;
    expect(parsed).toBe('a ]]> b ]]> c');
    // The item HTML reads back exactly as rendered, whether escaped (JSON) or in CDATA (XML).
    const html = renderHtml(BODIES.get(tricky.id)!, createUrls(testSite().baseUrl).article(tricky.slug));
    const content =
      format === 'json'
        ? JSON.parse(output).items[0].content_html
        : descendants(parseXmlStrict(output)).find((element) => element.name === 'content:encoded' || element.name === 'content')?.text;
    expect(content).toBe(html);
  });

  it('is valid when content carries XML-illegal characters', () => {
    const dirty = article({ code: '"D"', description: '"bell\\x07 and \\uFFFF here"' }, 'nul\u0000 and \u001B escape\n');
    const output = render(modelOf([dirty]));
    expect(check(output)).toEqual([]);
    expect(output).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  });

  it('does not double-escape: "AT&T <b>" reads back as written', () => {
    const output = render(modelOf([article({ code: '"E"', title: '"AT&T <b>"' })]));
    const title = format === 'json' ? JSON.parse(output).items[0].title : parseFeed(output).items[0]?.title;
    expect(title).toBe('AT&T <b>');
  });

  it('renders an empty feed as a valid feed (dated by its fallback where the format has a feed date)', () => {
    const output = render(modelOf([]));
    expect(check(output)).toEqual([]);
    if (format === 'json') expect(JSON.parse(output).items).toEqual([]);
    else expect(output).toContain(format === 'rss' ? 'Mon, 01 Jan 2024 00:00:00 GMT' : '2024-01-01T00:00:00.000Z');
  });
});

describe('feed-level dates (feed #14, #144)', () => {
  it('RSS lastBuildDate and Atom updated are the newest item change, not the time of rendering', () => {
    const model = modelOf(SAMPLE);
    expect(model.updated).toBe(Date.UTC(2024, 10, 22));
    expect(onlyChild(onlyChild(parseXmlStrict(renderRss(model)), 'channel'), 'lastBuildDate').text).toBe('Fri, 22 Nov 2024 00:00:00 GMT');
    expect(onlyChild(parseXmlStrict(renderAtom(model)), 'updated').text).toBe('2024-11-22T00:00:00.000Z');
  });
});

describe('RSS', () => {
  const channel = () => onlyChild(parseXmlStrict(renderRss(modelOf(SAMPLE))), 'channel');

  it('names authors with dc:creator, never with a bare-name <author> (feed #241)', () => {
    const items = childrenNamed(channel(), 'item');
    expect(items.flatMap((item) => childrenNamed(item, 'author'))).toEqual([]);
    expect(childrenNamed(items[0]!, 'dc:creator').map((e) => e.text)).toEqual(['Mira']);
    expect(childrenNamed(items[1]!, 'dc:creator').map((e) => e.text)).toEqual(['wirefeed']);
  });

  it('gives an extensionless image as media:content without a guessed type, and no enclosure (feed #174)', () => {
    const item = childrenNamed(channel(), 'item')[0]!;
    expect(childrenNamed(item, 'enclosure')).toEqual([]);
    expect(onlyChild(item, 'media:content').attributes).toEqual({ url: EXTENSIONLESS_IMAGE, medium: 'image' });
    expect(onlyChild(item, 'media:thumbnail').attributes).toEqual({ url: EXTENSIONLESS_IMAGE });
  });

  it('marks the code as a guid that is not a permalink', () => {
    expect(childrenNamed(channel(), 'item').map((item) => [onlyChild(item, 'guid').text, onlyChild(item, 'guid').attributes.isPermaLink])).toEqual([
      ['B', 'false'],
      ['A', 'false'],
    ]);
  });

  it('has a non-empty channel description, a language and a self link', () => {
    expect(onlyChild(channel(), 'description').text).toBe('Latest articles');
    expect(onlyChild(channel(), 'language').text).toBe('en');
    expect(onlyChild(channel(), 'atom:link').attributes).toEqual({ href: 'https://news.example/rss.xml', rel: 'self', type: 'application/rss+xml' });
    expect(onlyChild(channel(), 'ttl').text).toBe('5');
  });

  it('gives the category and tags as categories', () => {
    expect(childrenNamed(childrenNamed(channel(), 'item')[0]!, 'category').map((e) => e.text)).toEqual(['WORLD', 'Ukraine', 'NATO']);
  });
});

describe('Atom', () => {
  const feed = () => parseXmlStrict(renderAtom(modelOf(SAMPLE)));

  it('sets xml:lang on the feed and on entries in another language', () => {
    const root = feed();
    expect(root.attributes['xml:lang']).toBe('en');
    expect(childrenNamed(root, 'entry').map((entry) => entry.attributes['xml:lang'])).toEqual([undefined, 'th']);
  });

  it('identifies entries and the feed with tag: URIs that stay as given (feed #254)', () => {
    const root = feed();
    expect(onlyChild(root, 'id').text).toBe('tag:wirefeed.example,2024:feed');
    expect(childrenNamed(root, 'entry').map((entry) => onlyChild(entry, 'id').text)).toEqual([
      'tag:wirefeed.example,2024:B',
      'tag:wirefeed.example,2024:A',
    ]);
  });

  it('percent-encodes what a tag: URI cannot carry, the way a URL parser would', () => {
    const uri = toTagUri('wirefeed.example,2024', 'path:2024/ข่าว story');
    expect(uri).toBe('tag:wirefeed.example,2024:path:2024/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7%20story');
    expect(new URL(uri).href).toBe(uri);
  });

  it('links the image as an enclosure without a guessed type, and the origin as "via"', () => {
    const [first, second] = childrenNamed(feed(), 'entry');
    expect(childrenNamed(first!, 'link').map((link) => link.attributes)).toEqual([
      { rel: 'alternate', type: 'text/html', href: 'https://news.example/articles/b' },
      { rel: 'enclosure', href: EXTENSIONLESS_IMAGE },
    ]);
    expect(childrenNamed(second!, 'link').map((link) => link.attributes.rel)).toEqual(['alternate', 'via']);
  });

  it('has a feed-level author and a self link', () => {
    const root = feed();
    expect(onlyChild(onlyChild(root, 'author'), 'name').text).toBe('wirefeed');
    expect(childrenNamed(root, 'link').find((link) => link.attributes.rel === 'self')?.attributes.href).toBe('https://news.example/atom.xml');
  });

  it('declares text titles and summaries and HTML content', () => {
    const entry = childrenNamed(feed(), 'entry')[0]!;
    expect(onlyChild(entry, 'title').attributes.type).toBeUndefined();
    expect(onlyChild(entry, 'content').attributes.type).toBe('html');
    expect(descendants(entry).every((element) => element.uri === 'http://www.w3.org/2005/Atom')).toBe(true);
  });
});

describe('JSON Feed', () => {
  const feed = () => JSON.parse(renderJsonText(modelOf(SAMPLE)));

  it('is version 1.1, with authors as a list and a language (feed #246)', () => {
    const json = feed();
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.authors).toEqual([{ name: 'wirefeed' }]);
    expect(json.author).toBeUndefined();
    expect(json.language).toBe('en');
  });

  it('gives every item an id, its language and its origin as external_url', () => {
    const [first, second] = feed().items;
    expect(first).toMatchObject({ id: 'B', language: 'en', image: EXTENSIONLESS_IMAGE, authors: [{ name: 'Mira' }], tags: ['WORLD', 'Ukraine', 'NATO'] });
    expect(second).toMatchObject({ id: 'A', language: 'th', external_url: 'https://origin.example/a' });
    expect(first.date_modified).toBe('2024-11-22T00:00:00.000Z');
  });
});

describe("the site's icon and logo", () => {
  const ICON = 'https://cdn.news.example/icon-512.png?v=2';
  const LOGO = 'https://cdn.news.example/logo-600x300.png';
  const site = testSite({ icon: ICON, logo: LOGO });

  it.each(['rss', 'atom', 'json'] as const)('leave the %s feed valid', (format) => {
    expect(CHECKERS[format](RENDERERS[format](modelOf(SAMPLE, site)))).toEqual([]);
  });

  it('are the RSS channel image: the icon, under the channel title, linking to the home page, as a reader finds it', () => {
    const xml = renderRss(modelOf(SAMPLE, site));
    const image = onlyChild(onlyChild(parseXmlStrict(xml), 'channel'), 'image');
    expect(image.children.map((child) => [child.name, child.text])).toEqual([
      ['url', ICON],
      ['title', 'Test News'],
      ['link', 'https://news.example/'],
    ]);
    expect(parseFeed(xml).image).toEqual({ url: ICON, title: 'Test News' });
  });

  it('are the Atom feed icon and logo, a reader showing the logo', () => {
    const xml = renderAtom(modelOf(SAMPLE, site));
    const root = parseXmlStrict(xml);
    expect([onlyChild(root, 'icon').text, onlyChild(root, 'logo').text]).toEqual([ICON, LOGO]);
    expect(parseFeed(xml).image?.url).toBe(LOGO);
  });

  it('are the JSON Feed icon and favicon (the square icon for both)', () => {
    const json = JSON.parse(renderJsonText(modelOf(SAMPLE, site)));
    expect([json.icon, json.favicon]).toEqual([ICON, ICON]);
  });

  it('appear in no format when the configuration names none', () => {
    expect(childrenNamed(onlyChild(parseXmlStrict(renderRss(modelOf(SAMPLE))), 'channel'), 'image')).toEqual([]);
    const atom = parseXmlStrict(renderAtom(modelOf(SAMPLE)));
    expect([...childrenNamed(atom, 'icon'), ...childrenNamed(atom, 'logo')]).toEqual([]);
    const json = JSON.parse(renderJsonText(modelOf(SAMPLE)));
    expect(['icon', 'favicon'].filter((key) => key in json)).toEqual([]);
  });

  it('give RSS an icon only: a logo alone leaves the channel without an image', () => {
    const logoOnly = testSite({ logo: LOGO });
    expect(childrenNamed(onlyChild(parseXmlStrict(renderRss(modelOf(SAMPLE, logoOnly))), 'channel'), 'image')).toEqual([]);
    expect(onlyChild(parseXmlStrict(renderAtom(modelOf(SAMPLE, logoOnly))), 'logo').text).toBe(LOGO);
  });
});
