/**
 * Article -> its HTML page: the article itself, plus the metadata that link previews, search
 * engines and feed readers look for (Open Graph, Twitter card, JSON-LD NewsArticle, canonical
 * link, feed discovery links).
 *
 * @example
 * const page = renderArticlePage({ site, article, contentHtml, scopes: [{}, { language }] });
 */
import { tz } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { enUS } from 'date-fns/locale/en-US';
import { th } from 'date-fns/locale/th';
import { html, raw } from 'hono/html';
import type { Article } from '../articles/article.ts';
import type { Scope } from '../catalog/catalog.ts';
import { describeScopeTitle, formatRfc3339 } from '../feeds/feed.ts';
import type { Site } from '../site.ts';
import { createUrls, FEED_FORMATS } from '../urls.ts';
import { renderDiscoveryLinks, renderDocument, toHtmlString, type FeedLink } from './document.ts';

const DATE_LOCALES = { en: enUS, th } as const;

/** Formatters of the languages date-fns has no locale of here, by language and time zone (a few: a language's articles share one). */
const intlFormats = new Map<string, Intl.DateTimeFormat>();
const INTL_FORMATS_KEPT = 64;

function intlFormat(language: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${language}\u0000${timeZone}`;
  let made = intlFormats.get(key);
  if (made === undefined) {
    made = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone });
    if (intlFormats.size < INTL_FORMATS_KEPT) intlFormats.set(key, made);
  }
  return made;
}

/**
 * Date and time as readers of the article's language write them, in the site's time zone:
 * date-fns's long date and short time (`November 12th, 2024 10:04 AM`) in the languages it has
 * a locale of here (English, Thai), the runtime's own (`12. November 2024 um 10:04`) in any
 * other, rather than English on a German page.
 */
export function formatDisplayDate(time: number, language: string, timeZone: string): string {
  const primary = language.split('-')[0]?.toLowerCase() ?? 'en';
  if (primary in DATE_LOCALES) return format(time, 'PPP p', { locale: DATE_LOCALES[primary as keyof typeof DATE_LOCALES], in: tz(timeZone) });
  try {
    return intlFormat(language, timeZone).format(time);
  } catch {
    return format(time, 'PPP p', { locale: enUS, in: tz(timeZone) });
  }
}

/** Open Graph locale (`en_US`, `th_TH`) for a BCP 47 tag, using the likely region when none is given. */
export function toOpenGraphLocale(tag: string): string {
  try {
    const locale = new Intl.Locale(tag).maximize();
    return locale.region ? `${locale.language}_${locale.region}` : locale.language;
  } catch {
    return tag.replace(/-/g, '_');
  }
}

/** JSON for a `<script>` data block: nothing in it can close the element or open a comment. */
export function toScriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface ArticlePageInput {
  readonly site: Site;
  readonly article: Article;
  readonly contentHtml: string;
  /** The feeds this article appears in, for discovery links. */
  readonly scopes: readonly Scope[];
}

function buildJsonLd(input: ArticlePageInput, pageUrl: string, canonicalUrl: string) {
  const { site, article } = input;
  const authors = article.authors.length > 0 ? article.authors : [site.author];
  const publisherLogo = site.logo ?? site.icon;
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    description: article.description,
    url: pageUrl,
    mainEntityOfPage: { '@type': 'WebPage', '@id': canonicalUrl },
    ...(article.image ? { image: [article.image] } : {}),
    datePublished: formatRfc3339(article.published),
    dateModified: formatRfc3339(article.updated),
    inLanguage: article.language,
    ...(article.category ? { articleSection: article.category.name } : {}),
    ...(article.tags.length > 0 ? { keywords: article.tags } : {}),
    author: authors.map((person) => ({
      '@type': article.authors.length > 0 ? 'Person' : 'Organization',
      name: person.name,
      ...(person.url ? { url: person.url } : {}),
    })),
    publisher: { '@type': 'Organization', name: site.title, url: `${site.baseUrl}/`, ...(publisherLogo ? { logo: { '@type': 'ImageObject', url: publisherLogo } } : {}) },
    ...(article.originUrl ? { isBasedOn: article.originUrl } : {}),
    identifier: article.id,
  };
}

export function renderArticlePage(input: ArticlePageInput): string {
  const { site, article, contentHtml } = input;
  const urls = createUrls(site.baseUrl);
  const pageUrl = urls.article(article.slug);
  const canonicalUrl = site.canonical === 'origin' && article.originUrl ? article.originUrl : pageUrl;
  const published = formatRfc3339(article.published);
  const updated = formatRfc3339(article.updated);
  const feeds: FeedLink[] = input.scopes.flatMap((scope) =>
    FEED_FORMATS.map((format) => ({ title: describeScopeTitle(site, scope), format, url: urls.feed(scope, format) })),
  );
  const imageAlt = article.title;
  // Shared without a lead image, an article shows the site's icon: a square, as the small card wants.
  const shared = article.image ? { url: article.image, alt: imageAlt } : site.icon ? { url: site.icon, alt: site.title } : undefined;

  const head = html`<meta name="description" content="${article.description}">
<link rel="canonical" href="${canonicalUrl}">
<meta property="og:type" content="article">
<meta property="og:title" content="${article.title}">
<meta property="og:description" content="${article.description}">
<meta property="og:url" content="${canonicalUrl}">
<meta property="og:site_name" content="${site.title}">
<meta property="og:locale" content="${toOpenGraphLocale(article.language)}">
${shared ? html`<meta property="og:image" content="${shared.url}">
<meta property="og:image:alt" content="${shared.alt}">
` : ''}<meta property="article:published_time" content="${published}">
<meta property="article:modified_time" content="${updated}">
${article.category ? html`<meta property="article:section" content="${article.category.name}">
` : ''}${article.tags.map((tag) => html`<meta property="article:tag" content="${tag}">
`)}<meta name="twitter:card" content="${article.image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${article.title}">
<meta name="twitter:description" content="${article.description}">
${shared ? html`<meta name="twitter:image" content="${shared.url}">
<meta name="twitter:image:alt" content="${shared.alt}">
` : ''}${site.twitterSite ? html`<meta name="twitter:site" content="${site.twitterSite}">
` : ''}${renderDiscoveryLinks(feeds)}<script type="application/ld+json">${raw(toScriptJson(buildJsonLd(input, pageUrl, canonicalUrl)))}</script>`;

  const byline = article.authors.map((person, index) =>
    html`${index > 0 ? ', ' : ''}${person.url ? html`<a href="${person.url}" rel="author">${person.name}</a>` : person.name}`,
  );
  const body = html`<article>
<header>
<h1>${article.title}</h1>
<p class="meta"><time datetime="${published}">${formatDisplayDate(article.published, article.language, site.timeZone)}</time>${
    article.category ? html` · ${article.category.name}` : ''
  }${article.authors.length > 0 ? html` · ${byline}` : ''}</p>
</header>
${article.image ? html`<figure><img src="${article.image}" alt="${imageAlt}" fetchpriority="high"></figure>
` : ''}<div class="content">
${raw(contentHtml)}
</div>
${article.originUrl ? html`<footer><p class="muted">Originally published at <a href="${article.originUrl}" rel="noopener">${new URL(article.originUrl).hostname}</a></p></footer>
` : ''}</article>`;

  return toHtmlString(
    renderDocument({
      language: article.language,
      title: `${article.title} | ${site.title}`,
      site: { title: site.title, home: urls.home },
      head,
      body,
      ...(site.icon ? { icon: site.icon } : {}),
    }),
  );
}
