/**
 * The home page: every feed, grouped by language and category, with discovery links, the
 * OPML file, and the latest articles.
 *
 * @example
 * const page = renderIndexPage({ site, catalog, scopes, latest, countOf });
 */
import { html } from 'hono/html';
import type { Article } from '../articles/article.ts';
import type { Catalog, Scope } from '../catalog/catalog.ts';
import { describeScopeTitle } from '../feeds/feed.ts';
import type { Site } from '../site.ts';
import { createUrls, FEED_FORMAT_NAMES, FEED_FORMATS } from '../urls.ts';
import { formatDisplayDate } from './article-page.ts';
import { renderDiscoveryLinks, renderDocument, toHtmlString, type FeedLink, type Html } from './document.ts';

export interface IndexPageInput {
  readonly site: Site;
  readonly catalog: Catalog;
  readonly scopes: readonly Scope[];
  /** Newest published articles to list. */
  readonly latest: readonly Article[];
  /** Published articles in a scope. */
  readonly countOf: (scope: Scope) => number;
}

export function renderIndexPage(input: IndexPageInput): string {
  const { site, catalog, scopes } = input;
  const urls = createUrls(site.baseUrl);
  const feeds: FeedLink[] = scopes.flatMap((scope) =>
    FEED_FORMATS.map((format) => ({ title: describeScopeTitle(site, scope), format, url: urls.feed(scope, format) })),
  );

  const row = (scope: Scope, label: string): Html => html`<li><strong>${label}</strong> <span class="muted">(${input.countOf(scope)})</span><br>
<span class="formats">${FEED_FORMATS.map((format) => html`<a href="${urls.feed(scope, format)}">${FEED_FORMAT_NAMES[format]}</a>`)}</span></li>
`;
  const group = (heading: string, language: Scope['language'], rows: readonly Scope[]): Html => html`<section${
    language ? html` lang="${language.tag}"` : ''
  }>
<h2>${heading}</h2>
<ul class="feeds">
${rows.map((scope) => row(scope, scope.category ? scope.category.name : 'All categories'))}</ul>
</section>
`;

  const everything = scopes.filter((scope) => !scope.language);
  const body = html`<h1>${site.title}</h1>
<p>${site.description}</p>
<p>Subscribe to any feed below, or import them all: <a href="${urls.opml}">feeds.opml</a>.</p>
${group('All languages', undefined, everything)}${catalog.languages.map((language) =>
    group(
      language.name,
      language,
      scopes.filter((scope) => scope.language?.slug === language.slug),
    ),
  )}<section>
<h2>Latest articles</h2>
<ul class="feeds">
${input.latest.map(
    (article) => html`<li lang="${article.language}"><a href="${urls.article(article.slug)}">${article.title}</a><br><span class="muted">${formatDisplayDate(article.published, article.language, site.timeZone)}${article.category ? ` · ${article.category.name}` : ''}</span></li>
`,
  )}</ul>
</section>`;

  return toHtmlString(renderDocument({ language: site.defaultLanguage, title: site.title, head: renderDiscoveryLinks(feeds), body }));
}
