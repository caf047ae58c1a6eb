/**
 * Feed model -> JSON Feed 1.1 (https://jsonfeed.org/version/1.1). The `feed` package only
 * writes 1.0 (singular `author`, no `language`), so this format is ours.
 *
 * @example
 * const bytes = renderJsonFeed(model); // UTF-8 of '{"version":"https://jsonfeed.org/version/1.1",...'
 */
import type { Person } from '../site.ts';
import { formatRfc3339, type FeedItem, type FeedModel } from './feed.ts';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

interface JsonAuthor {
  readonly name: string;
  readonly url?: string;
}

function toJsonAuthor(person: Person): JsonAuthor {
  // JSON Feed authors have no e-mail field; a mailto: URL carries it when there is no url.
  const url = person.url ?? (person.email ? `mailto:${person.email}` : undefined);
  return url === undefined ? { name: person.name } : { name: person.name, url };
}

/** Byte arrays joined into one. */
function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One item, its members in the order the spec lists them (members set to `undefined` are left out). */
function toJsonItem(item: FeedItem): string {
  return JSON.stringify({
    id: item.id,
    url: item.url,
    external_url: item.originUrl,
    title: item.title,
    content_html: item.contentHtml,
    summary: item.summary,
    image: item.image,
    date_published: formatRfc3339(item.published),
    date_modified: formatRfc3339(item.updated),
    authors: item.authors.length > 0 ? item.authors.map(toJsonAuthor) : undefined,
    tags: item.categories.length > 0 ? item.categories : undefined,
    language: item.language,
  });
}

const ITEM_FORM = 'json-feed-item';
const encoder = new TextEncoder();
const COMMA = encoder.encode(',');
const END = encoder.encode(']}\n');

/**
 * The feed as UTF-8 bytes. An item is made from the article alone, so its bytes are made once
 * per article version and kept (`FeedItem.form`): escaping an article's HTML is most of what a
 * JSON Feed costs, and every other JSON Feed the article shows in copies the bytes instead.
 */
export function renderJsonFeed(model: FeedModel): Uint8Array {
  const feed = JSON.stringify({
    version: JSON_FEED_VERSION,
    title: model.title,
    home_page_url: model.homeUrl,
    feed_url: model.links.json.feed,
    next_url: model.links.json.next,
    description: model.description,
    // The one square image serves both: readers scale it to the size they show.
    icon: model.icon,
    favicon: model.icon,
    language: model.language,
    authors: [toJsonAuthor(model.author)],
    hubs: model.hub ? [{ type: 'WebSub', url: model.hub }] : undefined,
  });
  const parts: Uint8Array[] = [encoder.encode(`${feed.slice(0, -1)},"items":[`)];
  for (const [index, item] of model.items.entries()) {
    if (index > 0) parts.push(COMMA);
    parts.push(item.form(ITEM_FORM, () => encoder.encode(toJsonItem(item))));
  }
  parts.push(END);
  return concatBytes(parts);
}
