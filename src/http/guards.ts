/**
 * Requests that never reach a route: methods other than GET and HEAD (405, or 204 for an
 * OPTIONS / CORS preflight), and non-canonical spellings of a URL (308 to the canonical one).
 */
import type { Context } from 'hono';
import { respondWithError } from './respond.ts';

export const ALLOW = 'GET, HEAD, OPTIONS';

/** Headers that let browser-based readers fetch feeds cross-origin and read their validators. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Last-Modified, Link, Content-Location',
};

/** The answer to a method other than GET and HEAD: a CORS preflight for OPTIONS, else 405. */
export function answerOtherMethod(c: Context): Response {
  const method = c.req.method;
  if (method === 'OPTIONS') {
    return c.body(null, 204, {
      Allow: ALLOW,
      ...CORS_HEADERS,
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since, Accept',
      'Access-Control-Max-Age': '86400',
    });
  }
  return respondWithError(c, 405, `Method not allowed: ${method.slice(0, 20)}; use GET or HEAD`, { Allow: ALLOW });
}

/** The canonical spelling of a path: lower case, no trailing slash. */
export function canonicalPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.toLowerCase() || '/';
}

/**
 * Where the feeds that Hugo, jekyll-feed and WordPress publish are served here, so that a site
 * that moves keeps its subscribers (each is redirected only when what it leads to is served).
 */
const FEEDS_OF_OTHER_TOOLS: readonly (readonly [RegExp, string])[] = [
  // Hugo: the home page's RSS, a language's, and a category's (its taxonomy term).
  [/^\/index\.xml$/, '/rss.xml'],
  [/^\/([^/]+)\/index\.xml$/, '/$1/rss.xml'],
  [/^\/categories\/([^/]+)\/index\.xml$/, '/category/$1/rss.xml'],
  [/^\/([^/]+)\/categories\/([^/]+)\/index\.xml$/, '/$1/category/$2/rss.xml'],
  // jekyll-feed: Atom, the site's and a category's.
  [/^\/feed\.xml$/, '/atom.xml'],
  [/^\/feed\/([^/]+)\.xml$/, '/category/$1/atom.xml'],
  // WordPress: its named formats (`/feed/` itself is `/feed`, chosen by Accept).
  [/^\/feed\/(?:rss2|rss)$/, '/rss.xml'],
  [/^\/feed\/atom$/, '/atom.xml'],
  [/^\/category\/([^/]+)\/feed\/(?:rss2|rss)$/, '/category/$1/rss.xml'],
  [/^\/category\/([^/]+)\/feed\/atom$/, '/category/$1/atom.xml'],
];

/** The path here of a feed another tool publishes at `path` (canonical already), if it is one. */
export function feedOfOtherTool(path: string): string | undefined {
  for (const [pattern, target] of FEEDS_OF_OTHER_TOOLS) if (pattern.test(path)) return path.replace(pattern, target);
  return undefined;
}

/**
 * A 308 to the canonical URL when the request spelled a servable URL differently (case,
 * trailing slash) or asked for a feed where Hugo, jekyll-feed or WordPress put it (see
 * feedOfOtherTool); `undefined` otherwise. `probe` asks the app whether a path is servable.
 */
export async function redirectToCanonical(
  c: Context,
  baseUrl: string,
  probe: (path: string) => Promise<number>,
): Promise<Response | undefined> {
  const url = new URL(c.req.url);
  const spelled = canonicalPath(url.pathname);
  const canonical = feedOfOtherTool(spelled) ?? spelled;
  if (canonical === url.pathname || (await probe(canonical)) !== 200) return undefined;
  return c.body(null, 308, {
    Location: `${baseUrl}${canonical}${url.search}`,
    'Cache-Control': 'public, max-age=86400',
    'Content-Length': '0',
  });
}
