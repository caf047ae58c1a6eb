/**
 * Feed model -> RSS 2.0 (with the content, Dublin Core, Media RSS and Atom namespaces).
 *
 * Item `description` is the plain-text summary as HTML (RSS descriptions are HTML), the full
 * article goes in `content:encoded`; authors are `dc:creator` (RSS `<author>` must be an
 * e-mail address); the lead image is `media:content` + `media:thumbnail`. No `<enclosure>`:
 * it needs a real length and media type, which an image URL alone does not give.
 *
 * @example
 * const xml = renderRss(model); // '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" ...'
 */
import { FEED_MEDIA_TYPES } from '../urls.ts';
import { formatRfc822, GENERATOR, type FeedItem, type FeedModel } from './feed.ts';
import { close, empty, escapeHtml, htmlLeaf, leaf, open, plainLeaf, toDocument, XML_DECLARATION } from './xml.ts';

const NAMESPACES = {
  version: '2.0',
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  'xmlns:media': 'http://search.yahoo.com/mrss/',
  'xmlns:fh': 'http://purl.org/syndication/history/1.0',
};

const PAGING_RELATIONS = ['first', 'previous', 'next', 'last'] as const;

function renderItem(lines: string[], item: FeedItem, model: FeedModel): void {
  lines.push(open(2, 'item'));
  lines.push(plainLeaf(3, 'title', item.title));
  lines.push(leaf(3, 'link', item.url));
  lines.push(leaf(3, 'guid', item.id, { isPermaLink: 'false' }));
  lines.push(leaf(3, 'pubDate', formatRfc822(item.published)));
  const authors = item.authors.length > 0 ? item.authors : [model.author];
  for (const author of authors) lines.push(plainLeaf(3, 'dc:creator', author.name));
  for (const category of item.categories) lines.push(plainLeaf(3, 'category', category));
  lines.push(leaf(3, 'description', escapeHtml(item.summary)));
  lines.push(htmlLeaf(3, 'content:encoded', item.contentHtml));
  if (item.image) {
    lines.push(empty(3, 'media:content', { url: item.image, medium: 'image' }));
    lines.push(empty(3, 'media:thumbnail', { url: item.image }));
  }
  lines.push(close(2, 'item'));
}

export function renderRss(model: FeedModel): string {
  const lines = [XML_DECLARATION, open(0, 'rss', NAMESPACES), open(1, 'channel')];
  lines.push(plainLeaf(2, 'title', model.title));
  lines.push(leaf(2, 'link', model.homeUrl));
  lines.push(plainLeaf(2, 'description', model.description));
  lines.push(leaf(2, 'language', model.language));
  lines.push(leaf(2, 'lastBuildDate', formatRfc822(model.updated)));
  lines.push(leaf(2, 'generator', `${GENERATOR.name} ${GENERATOR.version}`));
  lines.push(leaf(2, 'docs', 'https://www.rssboard.org/rss-specification'));
  lines.push(leaf(2, 'ttl', String(model.ttl)));
  if (model.icon) {
    // The channel's image links to the channel's page under the channel's title, as the spec asks.
    lines.push(open(2, 'image'), leaf(3, 'url', model.icon), plainLeaf(3, 'title', model.title), leaf(3, 'link', model.homeUrl), close(2, 'image'));
  }
  const links = model.links.rss;
  lines.push(empty(2, 'atom:link', { href: links.self, rel: 'self', type: FEED_MEDIA_TYPES.rss }));
  if (model.hub) lines.push(empty(2, 'atom:link', { href: model.hub, rel: 'hub' }));
  for (const rel of PAGING_RELATIONS) {
    const href = links[rel];
    if (href) lines.push(empty(2, 'atom:link', { href, rel, type: FEED_MEDIA_TYPES.rss }));
  }
  if (model.complete) lines.push(empty(2, 'fh:complete', {}));
  for (const item of model.items) renderItem(lines, item, model);
  lines.push(close(1, 'channel'), close(0, 'rss'));
  return toDocument(lines);
}
