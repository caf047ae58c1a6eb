/**
 * Feed model -> Atom 1.0 (RFC 4287).
 *
 * Ids are `tag:` URIs; the feed carries `xml:lang`, a self link, and a feed-level author so
 * that every entry has one; entries in another language than the feed carry their own
 * `xml:lang`. Titles and summaries are `type="text"`, content is `type="html"`. The lead image
 * is a `rel="enclosure"` link without a guessed media type; the origin is `rel="via"`.
 *
 * @example
 * const xml = renderAtom(model); // '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns=...'
 */
import type { Person } from '../site.ts';
import { FEED_MEDIA_TYPES } from '../urls.ts';
import { formatRfc3339, GENERATOR, type FeedItem, type FeedModel } from './feed.ts';
import { close, empty, htmlLeaf, leaf, open, toDocument, XML_DECLARATION } from './xml.ts';

const PAGING_RELATIONS = ['first', 'previous', 'next', 'last'] as const;

function renderPerson(lines: string[], depth: number, role: 'author', person: Person): void {
  lines.push(open(depth, role));
  lines.push(leaf(depth + 1, 'name', person.name));
  if (person.email) lines.push(leaf(depth + 1, 'email', person.email));
  if (person.url) lines.push(leaf(depth + 1, 'uri', person.url));
  lines.push(close(depth, role));
}

function renderEntry(lines: string[], item: FeedItem, model: FeedModel): void {
  lines.push(open(1, 'entry', item.language === model.language ? undefined : { 'xml:lang': item.language }));
  lines.push(leaf(2, 'id', item.tagUri));
  lines.push(leaf(2, 'title', item.title));
  lines.push(empty(2, 'link', { rel: 'alternate', type: 'text/html', href: item.url }));
  if (item.originUrl) lines.push(empty(2, 'link', { rel: 'via', href: item.originUrl }));
  if (item.image) lines.push(empty(2, 'link', { rel: 'enclosure', href: item.image }));
  lines.push(leaf(2, 'published', formatRfc3339(item.published)));
  lines.push(leaf(2, 'updated', formatRfc3339(item.updated)));
  for (const author of item.authors) renderPerson(lines, 2, 'author', author);
  for (const category of item.categories) lines.push(empty(2, 'category', { term: category }));
  lines.push(leaf(2, 'summary', item.summary));
  lines.push(htmlLeaf(2, 'content', item.contentHtml, { type: 'html' }));
  lines.push(close(1, 'entry'));
}

export function renderAtom(model: FeedModel): string {
  const lines = [
    XML_DECLARATION,
    open(0, 'feed', { xmlns: 'http://www.w3.org/2005/Atom', 'xmlns:fh': 'http://purl.org/syndication/history/1.0', 'xml:lang': model.language }),
  ];
  lines.push(leaf(1, 'id', model.id));
  lines.push(leaf(1, 'title', model.title));
  lines.push(leaf(1, 'subtitle', model.description));
  lines.push(leaf(1, 'updated', formatRfc3339(model.updated)));
  renderPerson(lines, 1, 'author', model.author);
  const links = model.links.atom;
  lines.push(empty(1, 'link', { rel: 'self', type: FEED_MEDIA_TYPES.atom, href: links.self }));
  lines.push(empty(1, 'link', { rel: 'alternate', type: 'text/html', href: model.homeUrl }));
  if (model.hub) lines.push(empty(1, 'link', { rel: 'hub', href: model.hub }));
  for (const rel of PAGING_RELATIONS) {
    const href = links[rel];
    if (href) lines.push(empty(1, 'link', { rel, type: FEED_MEDIA_TYPES.atom, href }));
  }
  if (model.complete) lines.push(empty(1, 'fh:complete', {}));
  lines.push(leaf(1, 'generator', GENERATOR.name, { uri: GENERATOR.uri, version: GENERATOR.version }));
  if (model.icon) lines.push(leaf(1, 'icon', model.icon));
  if (model.logo) lines.push(leaf(1, 'logo', model.logo));
  for (const item of model.items) renderEntry(lines, item, model);
  lines.push(close(0, 'feed'));
  return toDocument(lines);
}
