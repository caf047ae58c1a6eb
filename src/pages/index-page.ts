/**
 * The home page: every feed, grouped by language and then category, each format with a
 * copy-link button; the OPML file to import them all; the latest articles.
 *
 * @example
 * const page = renderIndexPage({ site, catalog, scopes, latest, countOf });
 */
import { html } from 'hono/html';
import type { Article } from '../articles/article.ts';
import type { Catalog, Language, Scope } from '../catalog/catalog.ts';
import { describeScopeTitle } from '../feeds/feed.ts';
import type { Site } from '../site.ts';
import { createUrls, FEED_FORMAT_NAMES, FEED_FORMATS, type Urls } from '../urls.ts';
import { formatDisplayDate } from './article-page.ts';
import { renderDiscoveryLinks, renderDocument, SCRIPT_PATH, toHtmlString, type FeedLink, type Html } from './document.ts';

export interface IndexPageInput {
  readonly site: Site;
  readonly catalog: Catalog;
  readonly scopes: readonly Scope[];
  /** Newest published articles to list. */
  readonly latest: readonly Article[];
  /** Published articles in a scope. */
  readonly countOf: (scope: Scope) => number;
}

const countText = (count: number) => `${count} ${count === 1 ? 'article' : 'articles'}`;

/** One scope: its name, how many articles it holds, and its three feeds with copy buttons. */
function renderScope(urls: Urls, scope: Scope, label: string, count: number): Html {
  return html`<li><div class="scope"><strong>${label}</strong> <span class="muted">${countText(count)}</span></div>
<div class="formats">${FEED_FORMATS.map((format) => {
    const url = urls.feed(scope, format);
    const name = FEED_FORMAT_NAMES[format];
    return html`<span class="feed"><a href="${url}">${name}</a><button type="button" data-copy="${url}" aria-label="Copy the ${name} link of ${label}" hidden>Copy</button></span>`;
  })}</div></li>
`;
}

function renderGroup(urls: Urls, id: string, heading: string, language: Language | undefined, scopes: readonly Scope[], countOf: (scope: Scope) => number): Html {
  return html`<section id="${id}"${language ? html` lang="${language.tag}"` : ''}>
<h2>${heading}</h2>
<ul class="feeds">
${scopes.map((scope) => renderScope(urls, scope, scope.category ? scope.category.name : 'All categories', countOf(scope)))}</ul>
</section>
`;
}

export function renderIndexPage(input: IndexPageInput): string {
  const { site, catalog, scopes, countOf } = input;
  const urls = createUrls(site.baseUrl);
  const feeds: FeedLink[] = scopes.flatMap((scope) =>
    FEED_FORMATS.map((format) => ({ title: describeScopeTitle(site, scope), format, url: urls.feed(scope, format) })),
  );
  const groups = [
    { id: 'all', heading: 'All languages', language: undefined, scopes: scopes.filter((scope) => !scope.language) },
    ...catalog.languages.map((language) => ({
      id: `lang-${language.slug}`,
      heading: language.name,
      language,
      scopes: scopes.filter((scope) => scope.language?.slug === language.slug),
    })),
  ];

  const body = html`<h1>${site.title}</h1>
<p class="lead">${site.description}</p>
<p>Copy a feed's link into your feed reader, or import every feed at once:</p>
<p><a class="button" href="${urls.opml}" type="text/x-opml">Download feeds.opml</a></p>
<ul class="jump" aria-label="Sections">
${groups.map((group) => html`<li><a href="#${group.id}">${group.heading}</a></li>
`)}<li><a href="#latest">Latest articles</a></li>
</ul>
${groups.map((group) => renderGroup(urls, group.id, group.heading, group.language, group.scopes, countOf))}<section id="latest">
<h2>Latest articles</h2>
<ul class="feeds">
${input.latest.map(
    (article) => html`<li lang="${article.language}"><a href="${urls.article(article.slug)}">${article.title}</a><br><span class="muted">${formatDisplayDate(article.published, article.language, site.timeZone)}${article.category ? ` · ${article.category.name}` : ''}</span></li>
`,
  )}</ul>
</section>
<p id="copy-status" class="visually-hidden" role="status"></p>`;

  return toHtmlString(
    renderDocument({
      language: site.defaultLanguage,
      title: site.title,
      head: renderDiscoveryLinks(feeds),
      body,
      script: `${site.baseUrl}${SCRIPT_PATH}`,
      ...(site.icon ? { icon: site.icon } : {}),
    }),
  );
}
