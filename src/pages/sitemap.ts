/**
 * Catalog -> sitemaps (sitemaps.org protocol 0.9) and robots.txt, so that search engines find
 * every article page: `/sitemap.xml` is an index of pages of at most {@link SITEMAP_PAGE_SIZE}
 * article URLs each (WordPress's size: small enough to render in a few milliseconds on
 * Workers). Pages run oldest first, so that a full page stays the same as articles are added
 * (only the last one changes), and its validators with it.
 *
 * @example
 * renderSitemap({ site, articles: sitemapPage(published, 1) });
 */
import type { Article } from '../articles/article.ts';
import { formatRfc3339 } from '../feeds/feed.ts';
import { close, leaf, open, toDocument, XML_DECLARATION } from '../feeds/xml.ts';
import type { Site } from '../site.ts';
import { createUrls } from '../urls.ts';

export const SITEMAP_PAGE_SIZE = 2000;

const NAMESPACE = { xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' };

/** The path of a sitemap page (1-based) under the base URL. */
export function sitemapPagePath(page: number): string {
  return `/sitemap-${page}.xml`;
}

/** How many pages a sitemap of `total` articles has (one, empty, for none). */
export function countSitemapPages(total: number): number {
  return Math.max(1, Math.ceil(total / SITEMAP_PAGE_SIZE));
}

/** The articles of a page (1-based), oldest first, from a newest-first list of published ones. */
export function sitemapPage(published: readonly Article[], page: number): readonly Article[] {
  const end = published.length - (page - 1) * SITEMAP_PAGE_SIZE;
  return published.slice(Math.max(0, end - SITEMAP_PAGE_SIZE), Math.max(0, end)).reverse();
}

/** The newest `updated` among some articles (0 for none): a page's `lastmod`. */
export function newestUpdate(articles: readonly Article[]): number {
  let newest = 0;
  for (const article of articles) if (article.updated > newest) newest = article.updated;
  return newest;
}

/**
 * One page: each article's URL with its `updated` as `lastmod` (what the publisher says changed
 * it, not its file's time, which a fresh checkout sets on every file at once).
 */
export function renderSitemap({ site, articles }: { readonly site: Site; readonly articles: readonly Article[] }): string {
  const urls = createUrls(site.baseUrl);
  const lines = [XML_DECLARATION, open(0, 'urlset', NAMESPACE)];
  for (const article of articles) {
    lines.push(open(1, 'url'), leaf(2, 'loc', urls.article(article.slug)), leaf(2, 'lastmod', formatRfc3339(article.updated)), close(1, 'url'));
  }
  lines.push(close(0, 'urlset'));
  return toDocument(lines);
}

/** The index: every page, with the newest `updated` on it (none for an empty page). */
export function renderSitemapIndex({ site, pages }: { readonly site: Site; readonly pages: readonly { readonly updated: number }[] }): string {
  const lines = [XML_DECLARATION, open(0, 'sitemapindex', NAMESPACE)];
  pages.forEach(({ updated }, index) => {
    lines.push(open(1, 'sitemap'), leaf(2, 'loc', `${site.baseUrl}${sitemapPagePath(index + 1)}`));
    if (updated > 0) lines.push(leaf(2, 'lastmod', formatRfc3339(updated)));
    lines.push(close(1, 'sitemap'));
  });
  lines.push(close(0, 'sitemapindex'));
  return toDocument(lines);
}

/** robots.txt: everything may be crawled; the sitemap is named by its absolute URL, as the protocol asks. */
export function renderRobots(site: Site): string {
  return `User-agent: *\nDisallow:\n\nSitemap: ${site.baseUrl}/sitemap.xml\n`;
}
