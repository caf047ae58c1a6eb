/**
 * The HTML frame shared by the service's pages: doctype, charset, viewport, one small
 * stylesheet (readable type, responsive images, dark mode), no external requests.
 * Everything interpolated through `html` is escaped; only `raw` values are trusted.
 *
 * @example
 * renderDocument({ language: 'en', title: 'Hi', head: html`<meta name="x" content="y">`, body: html`<p>Hi</p>` })
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { FEED_FORMAT_NAMES, FEED_MEDIA_TYPES, type FeedFormat } from '../urls.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #5d5d66; --bg: #fdfdfc; --line: #e3e3e8; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8ec; --muted: #a3a3ad; --bg: #151518; --line: #2e2e35; --accent: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1.0625rem/1.65 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Thai", sans-serif; }
main { max-width: 42rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; overflow-wrap: break-word; }
a { color: var(--accent); }
h1 { font-size: clamp(1.6rem, 5vw, 2.2rem); line-height: 1.2; margin: 0.5rem 0 0.75rem; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; }
img { max-width: 100%; height: auto; display: block; margin: 1rem auto; border-radius: 4px; }
figure { margin: 1.5rem 0; }
figcaption, .meta, .muted { color: var(--muted); font-size: 0.9rem; }
blockquote { margin: 1.5rem 0; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }
pre { overflow-x: auto; }
table { display: block; overflow-x: auto; border-collapse: collapse; }
ul.feeds { list-style: none; padding: 0; }
ul.feeds li { padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
.formats a { margin-right: 0.75rem; }
nav.site { font-size: 0.95rem; }
`;

/** SHA-256 of STYLE, for the Content-Security-Policy (a unit test keeps it in step with STYLE). */
export const STYLE_HASH = 'sha256-L3pXki1pQMYVETHDnNWAnVTIzXZGWk4hsk9pp0IM2yI=';

/**
 * Headers of every HTML page: no script runs (the JSON-LD block is data, which CSP does not
 * execute), only our own stylesheet applies, images may come from any http(s) origin, nothing
 * can frame the page, post a form or change its base URL.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `default-src 'none'; img-src https: http:; style-src '${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

export interface DocumentParts {
  readonly language: string;
  readonly title: string;
  /** Extra `<head>` content (metadata, discovery links). */
  readonly head: Html;
  readonly body: Html;
}

export function renderDocument(parts: DocumentParts): Html {
  return html`<!doctype html>
<html lang="${parts.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title}</title>
${parts.head}
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
${parts.body}
</main>
</body>
</html>
`;
}

export interface FeedLink {
  readonly title: string;
  readonly format: FeedFormat;
  readonly url: string;
}

/** `<link rel="alternate">` tags that let readers discover feeds from a page. */
export function renderDiscoveryLinks(links: readonly FeedLink[]): Html {
  return html`${links.map(
    (link) =>
      html`<link rel="alternate" type="${FEED_MEDIA_TYPES[link.format]}" title="${link.title} (${FEED_FORMAT_NAMES[link.format]})" href="${link.url}">
`,
  )}`;
}

/** The string a page is. Pages are built from plain values only, so they are never async. */
export function toHtmlString(page: Html): string {
  if (page instanceof Promise) throw new Error('a page template produced a Promise; pages must be synchronous');
  return page.toString();
}
