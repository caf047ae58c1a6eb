/**
 * Feed model -> JSON Feed 1.1 (https://jsonfeed.org/version/1.1). The `feed` package only
 * writes 1.0 (singular `author`, no `language`), so this format is ours.
 *
 * @example
 * const json = renderJsonFeed(model); // '{"version":"https://jsonfeed.org/version/1.1",...'
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

function toJsonItem(item: FeedItem) {
  return {
    id: item.id,
    url: item.url,
    ...(item.originUrl ? { external_url: item.originUrl } : {}),
    title: item.title,
    content_html: item.contentHtml,
    summary: item.summary,
    ...(item.image ? { image: item.image } : {}),
    date_published: formatRfc3339(item.published),
    date_modified: formatRfc3339(item.updated),
    ...(item.authors.length > 0 ? { authors: item.authors.map(toJsonAuthor) } : {}),
    ...(item.categories.length > 0 ? { tags: item.categories } : {}),
    language: item.language,
  };
}

export function renderJsonFeed(model: FeedModel): string {
  const feed = {
    version: JSON_FEED_VERSION,
    title: model.title,
    home_page_url: model.homeUrl,
    feed_url: model.links.json.feed,
    ...(model.links.json.next ? { next_url: model.links.json.next } : {}),
    description: model.description,
    language: model.language,
    authors: [toJsonAuthor(model.author)],
    ...(model.hub ? { hubs: [{ type: 'WebSub', url: model.hub }] } : {}),
    items: model.items.map(toJsonItem),
  };
  return `${JSON.stringify(feed)}\n`;
}
