/**
 * Catalog data -> the neutral feed model every format renders from. This is the one place
 * where a feed's dates, ids, titles and links are chosen, so RSS, Atom and JSON Feed always
 * agree. No clock: the feed's `updated` is the newest change among its items.
 *
 * @example
 * const model = buildFeedModel({ site, scope, articles, paging, content: await snapshot.loadContent(articles), fallbackUpdated });
 * renderRss(model);
 */
import type { Article } from '../articles/article.ts';
import type { Scope } from '../catalog/catalog.ts';
import type { ContentLookup } from '../catalog/snapshot.ts';
import { configuredEntry, type Person, type Site } from '../site.ts';
import { createUrls, FEED_FORMATS, scopePath, toTagUri, type FeedFormat, type Urls } from '../urls.ts';

/** RFC 822 date-time in GMT, as RSS 2.0 requires (`Wed, 20 Nov 2024 10:18:06 GMT`). */
export function formatRfc822(time: number): string {
  return new Date(time).toUTCString();
}

/** RFC 3339 date-time in UTC, for Atom and JSON Feed (`2024-11-20T10:18:06.127Z`). */
export function formatRfc3339(time: number): string {
  return new Date(time).toISOString();
}

export const GENERATOR = { name: 'wirefeed', uri: 'https://github.com/wirefeed/wirefeed', version: '0.1.0' } as const;

export interface FeedItem {
  /** Permanent id (the article's `code`): RSS guid, JSON Feed id. */
  readonly id: string;
  /** The same identity as a `tag:` URI, for Atom. */
  readonly tagUri: string;
  readonly url: string;
  readonly title: string;
  /** Plain text. */
  readonly summary: string;
  /** Sanitized HTML with absolute URLs. */
  readonly contentHtml: string;
  /**
   * A renderer's form of this item (`make`'s bytes), kept per article version under `name`
   * (see `ContentLookup.form`): only for forms made from the item's own fields.
   */
  readonly form: (name: string, make: () => Uint8Array) => Uint8Array;
  readonly published: number;
  readonly updated: number;
  readonly language: string;
  /** The article's own authors; empty when the feed's author stands in. */
  readonly authors: readonly Person[];
  /** Category display name first, then tags. */
  readonly categories: readonly string[];
  readonly image?: string;
  readonly originUrl?: string;
}

/** Links of one page of a feed in one format (RFC 5005 paging links when there are pages). */
export interface FeedLinks {
  /** This page. */
  readonly self: string;
  /** The feed itself (its first page), which JSON Feed names as `feed_url`. */
  readonly feed: string;
  readonly first?: string;
  readonly last?: string;
  readonly previous?: string;
  readonly next?: string;
}

export interface FeedModel {
  /** Permanent `tag:` URI of this scope's feed (the same for every format and page). */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly language: string;
  readonly homeUrl: string;
  readonly links: Readonly<Record<FeedFormat, FeedLinks>>;
  /** The whole scope fits on this one page (RFC 5005 complete feed). */
  readonly complete: boolean;
  /** Newest `updated` among the items (or `fallbackUpdated` for an empty feed). */
  readonly updated: number;
  readonly author: Person;
  /** Minutes a reader may cache the feed (RSS `<ttl>`), from the site's cache policy. */
  readonly ttl: number;
  readonly hub?: string;
  /** The site's square image (see `Site.icon`) and its wide one (`Site.logo`), absolute URLs. */
  readonly icon?: string;
  readonly logo?: string;
  readonly items: readonly FeedItem[];
}

/** Which slice of a scope a feed response shows. */
export interface Paging {
  /** 1-based page number. */
  readonly page: number;
  readonly limit: number;
  /** Whether the request chose `limit` (then it stays in every link). */
  readonly limitChosen: boolean;
  /** Articles in the whole scope. */
  readonly total: number;
}

/** Number of pages of a scope: at least one, even when it is empty. */
export function countPages(total: number, limit: number): number {
  return Math.max(1, Math.ceil(total / limit));
}

export interface FeedModelInput {
  readonly site: Site;
  readonly scope: Scope;
  /** The articles of this page, newest first. */
  readonly articles: readonly Article[];
  readonly paging: Paging;
  readonly content: ContentLookup;
  /** `updated` of a feed without items: the newest change anywhere on the site. */
  readonly fallbackUpdated: number;
}

/**
 * "World - English | Site": says what the feed holds. A language with its own title in the
 * configuration names its feeds by it: "ข่าว Wirefeed", "World | ข่าว Wirefeed".
 */
export function describeScopeTitle(site: Site, scope: Scope): string {
  const { category, language } = scope;
  const languageTitle = language && configuredEntry(site.languages, language.slug)?.title;
  if (languageTitle) return category ? `${category.name} | ${languageTitle}` : languageTitle;
  const parts = [category?.name, language?.name].filter((part) => part !== undefined);
  return parts.length === 0 ? site.title : `${parts.join(' - ')} | ${site.title}`;
}

/** The configured description of the scope's language or category, or one made from their names. */
export function describeScopeDescription(site: Site, scope: Scope): string {
  const { category, language } = scope;
  if (category && language) return `${category.name} articles in ${language.name} from ${site.title}`;
  if (category) return configuredEntry(site.categories, category.slug)?.description ?? `${category.name} articles from ${site.title}`;
  if (language) return configuredEntry(site.languages, language.slug)?.description ?? `Articles in ${language.name} from ${site.title}`;
  return site.description;
}

function buildItem(site: Site, urls: Urls, listed: Article, content: ContentLookup): FeedItem {
  const article = content.article(listed);
  return {
    id: article.id,
    tagUri: toTagUri(site.idAuthority, article.id),
    url: urls.article(article.slug),
    title: article.title,
    summary: article.description,
    contentHtml: content.html(article),
    form: (name, make) => content.form(article, name, make),
    published: article.published,
    updated: article.updated,
    language: article.language,
    authors: article.authors,
    categories: [...new Set([...(article.category ? [article.category.name] : []), ...article.tags])],
    ...(article.image ? { image: article.image } : {}),
    ...(article.originUrl ? { originUrl: article.originUrl } : {}),
  };
}

function buildLinks(urls: Urls, scope: Scope, format: FeedFormat, paging: Paging): FeedLinks {
  const limit = paging.limitChosen ? paging.limit : undefined;
  const at = (page: number) => urls.feed(scope, format, { page, limit });
  const pages = countPages(paging.total, paging.limit);
  const self = at(paging.page);
  const feed = at(1);
  if (pages === 1) return { self, feed };
  return {
    self,
    feed,
    first: at(1),
    last: at(pages),
    ...(paging.page > 1 ? { previous: at(paging.page - 1) } : {}),
    ...(paging.page < pages ? { next: at(paging.page + 1) } : {}),
  };
}

export function buildFeedModel(input: FeedModelInput): FeedModel {
  const { site, scope, articles, paging } = input;
  const urls = createUrls(site.baseUrl);
  const items = articles.map((article) => buildItem(site, urls, article, input.content));
  const updated = items.reduce((newest, item) => Math.max(newest, item.updated), Number.NEGATIVE_INFINITY);
  const links = Object.fromEntries(FEED_FORMATS.map((format) => [format, buildLinks(urls, scope, format, paging)]));
  return {
    id: toTagUri(site.idAuthority, `feed/${scopePath(scope)}`.replace(/\/$/, '')),
    title: describeScopeTitle(site, scope),
    description: describeScopeDescription(site, scope),
    language: scope.language?.tag ?? site.defaultLanguage,
    homeUrl: urls.home,
    links: links as Record<FeedFormat, FeedLinks>,
    complete: countPages(paging.total, paging.limit) === 1,
    updated: items.length === 0 ? input.fallbackUpdated : updated,
    author: site.author,
    ttl: Math.max(1, Math.ceil(site.cache.maxAge / 60)),
    ...(site.websubHub ? { hub: site.websubHub } : {}),
    ...(site.icon ? { icon: site.icon } : {}),
    ...(site.logo ? { logo: site.logo } : {}),
    items,
  };
}
