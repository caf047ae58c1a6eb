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
import { GENERATOR } from '../feeds/feed.ts';
import { FEED_FORMAT_NAMES, FEED_MEDIA_TYPES, type FeedFormat } from '../urls.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #5d5d66; --bg: #fdfdfc; --panel: #f3f3f1; --line: #e3e3e8; --accent: #0b57d0; --accent-fg: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8ec; --muted: #a3a3ad; --bg: #151518; --panel: #1f1f24; --line: #2e2e35; --accent: #8ab4f8; --accent-fg: #151518; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1.0625rem/1.65 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Thai", "Helvetica Neue", Arial, sans-serif; }
body > header, main, body > footer { max-width: 42rem; margin: 0 auto; padding: 0 1rem; }
body > header { padding-top: 1rem; font-size: 0.95rem; }
body > header a { color: var(--muted); text-decoration: none; font-weight: 600; }
main { padding-bottom: 3rem; overflow-wrap: break-word; }
body > footer { padding-bottom: 2rem; border-top: 1px solid var(--line); padding-top: 1rem; color: var(--muted); font-size: 0.85rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
h1 { font-size: clamp(1.6rem, 6vw, 2.3rem); line-height: 1.2; margin: 0.75rem 0; letter-spacing: -0.01em; }
h2 { font-size: 1.3rem; line-height: 1.3; margin: 2.5rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 2rem 0 0.5rem; }
img, video { max-width: 100%; height: auto; }
.content img, figure img { display: block; margin: 1.25rem auto; border-radius: 4px; }
figure { margin: 1.5rem 0; }
figure img { width: 100%; margin: 0; }
figcaption, .meta, .muted { color: var(--muted); font-size: 0.9rem; }
figcaption { margin-top: 0.5rem; }
blockquote { margin: 1.5rem 0; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }
pre, table { display: block; max-width: 100%; overflow-x: auto; }
pre { padding: 0.75rem 1rem; background: var(--panel); border-radius: 6px; font-size: 0.9rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
table { border-collapse: collapse; }
th, td { padding: 0.35rem 0.75rem; border-bottom: 1px solid var(--line); text-align: left; }
hr { border: 0; border-top: 1px solid var(--line); margin: 2rem 0; }
.lead { font-size: 1.15rem; color: var(--muted); margin-top: 0; }
.button { display: inline-block; padding: 0.4rem 0.9rem; border-radius: 999px; background: var(--accent); color: var(--accent-fg); text-decoration: none; font-weight: 600; font-size: 0.95rem; }
.jump { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; padding: 0; list-style: none; font-size: 0.95rem; }
ul.feeds { list-style: none; padding: 0; margin: 0; }
ul.feeds > li { padding: 0.75rem 0; border-bottom: 1px solid var(--line); }
.scope { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 0.5rem; }
.formats { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.4rem; }
.feed { display: inline-flex; align-items: center; border: 1px solid var(--line); border-radius: 999px; overflow: hidden; font-size: 0.9rem; }
.feed a { padding: 0.2rem 0.7rem; text-decoration: none; font-weight: 600; }
.feed button { font: inherit; font-size: 0.85rem; color: var(--muted); background: var(--panel); border: 0; border-left: 1px solid var(--line); padding: 0.2rem 0.7rem; cursor: pointer; }
.feed button:hover, .feed button:focus-visible { color: var(--fg); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/**
 * The copy-link buttons of the index page, served as a file of its own (`SCRIPT_PATH`): pages
 * carry no inline script but the JSON-LD data block. The buttons are shown only where this
 * runs; where the Clipboard API is missing (plain http) the link is offered in a prompt.
 */
export const SCRIPT = `const status = document.getElementById('copy-status');
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const url = button.dataset.copy;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      window.prompt('Copy this link:', url);
      return;
    }
    button.textContent = 'Copied';
    status.textContent = 'Link copied: ' + url;
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
}
`;

/** Where SCRIPT is served, below the base URL. */
export const SCRIPT_PATH = '/copy-link.js';

/** SHA-256 of STYLE, for the Content-Security-Policy (a unit test keeps it in step with STYLE). */
export const STYLE_HASH = 'sha256-wm7U6qMUOw7RVzq/u5m8yFMf7ztv8YGtepWjre0Cy48=';

/**
 * Headers of every HTML page: only our own stylesheet (by its hash) and scripts from our own
 * origin (the copy-button file) apply - no inline script, and the JSON-LD block is data, which
 * CSP does not run; images may come from any http(s) origin; nothing can frame the page, post a
 * form or change its base URL.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `default-src 'none'; img-src https: http:; style-src '${STYLE_HASH}'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

export interface DocumentParts {
  readonly language: string;
  readonly title: string;
  /** Extra `<head>` content (metadata, discovery links). */
  readonly head: Html;
  readonly body: Html;
  /** The site's name and home page, linked at the top (not on the home page itself). */
  readonly site?: { readonly title: string; readonly home: string };
  /** URL of a script the page runs (the index page's copy buttons). */
  readonly script?: string;
  /** The site's icon (`Site.icon`), for the browser's tab and bookmarks. */
  readonly icon?: string;
}

export function renderDocument(parts: DocumentParts): Html {
  return html`<!doctype html>
<html lang="${parts.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title}</title>
${parts.icon ? html`<link rel="icon" href="${parts.icon}">
` : ''}${parts.head}
<style>${raw(STYLE)}</style>
</head>
<body>
${parts.site ? html`<header><a href="${parts.site.home}">${parts.site.title}</a></header>
` : ''}<main>
${parts.body}
</main>
<footer>Feeds in RSS, Atom and JSON Feed by <a href="${GENERATOR.uri}">wirefeed</a>.</footer>
${parts.script ? html`<script type="module" src="${parts.script}"></script>
` : ''}</body>
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
