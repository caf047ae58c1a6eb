/**
 * Every public URL the service hands out, built from the configured base URL (never from the
 * request, which behind a proxy or on Workers is not always what the reader used).
 *
 * @example
 * const urls = createUrls('https://news.example');
 * urls.feed({ category: world }, 'rss') // => 'https://news.example/category/world/rss.xml'
 */
import type { Scope } from './catalog/catalog.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** File name of each format in the URL scheme. */
export const FEED_FILE_NAMES: Readonly<Record<FeedFormat, string>> = {
  rss: 'rss.xml',
  atom: 'atom.xml',
  json: 'feed.json',
};

/** Media type of each format (without parameters). */
export const FEED_MEDIA_TYPES: Readonly<Record<FeedFormat, string>> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

/** Human name of each format. */
export const FEED_FORMAT_NAMES: Readonly<Record<FeedFormat, string>> = {
  rss: 'RSS',
  atom: 'Atom',
  json: 'JSON Feed',
};

/** The path of a scope, relative to the base: `''`, `th/`, `category/world/`, `th/category/world/`. */
export function scopePath(scope: Scope): string {
  const language = scope.language ? `${encodeURIComponent(scope.language.slug)}/` : '';
  const category = scope.category ? `category/${encodeURIComponent(scope.category.slug)}/` : '';
  return language + category;
}

/** Which page of a feed: `page` from 1; `limit` only when the request chose a page size. */
export interface PageQuery {
  readonly page: number;
  readonly limit?: number | undefined;
}

export interface Urls {
  readonly home: string;
  readonly opml: string;
  /** A feed's URL; with a page query, `?page=` (from page 2) and `?limit=` (when chosen). */
  feed(scope: Scope, format: FeedFormat, query?: PageQuery): string;
  /** The content-negotiated URL of a scope (`/feed`, `/th/feed`). */
  negotiated(scope: Scope): string;
  article(slug: string): string;
  /** What a page bundle's relative links resolve against: the article's URL as a folder (`/articles/storm/`), where the files beside it are served. */
  articleFolder(slug: string): string;
}

function toSearch(query: PageQuery | undefined): string {
  if (query === undefined) return '';
  const params: string[] = [];
  if (query.page > 1) params.push(`page=${query.page}`);
  if (query.limit !== undefined) params.push(`limit=${query.limit}`);
  return params.length === 0 ? '' : `?${params.join('&')}`;
}

export function createUrls(baseUrl: string): Urls {
  return {
    home: `${baseUrl}/`,
    opml: `${baseUrl}/feeds.opml`,
    feed: (scope, format, query) => `${baseUrl}/${scopePath(scope)}${FEED_FILE_NAMES[format]}${toSearch(query)}`,
    negotiated: (scope) => `${baseUrl}/${scopePath(scope)}feed`,
    article: (slug) => `${baseUrl}/articles/${encodeURIComponent(slug)}`,
    articleFolder: (slug) => `${baseUrl}/articles/${encodeURIComponent(slug)}/`,
  };
}

/** Characters a `tag:` URI may carry unescaped in its specific part (RFC 4151: pchar, "/" and "?"). */
const TAG_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;
const ALL_TAG_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*$/;

/**
 * A `tag:` URI (RFC 4151) for `specific` under an authority such as `example.com,2024`.
 * Characters outside the URI grammar are percent-encoded, so the result is already in the
 * normalized form a URL parser would give it.
 */
export function toTagUri(authority: string, specific: string): string {
  if (ALL_TAG_SAFE.test(specific)) return `tag:${authority}:${specific}`;
  let encoded = '';
  for (const char of specific) encoded += TAG_SAFE.test(char) ? char : encodeURIComponent(char);
  return `tag:${authority}:${encoded}`;
}
