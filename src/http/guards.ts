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
 * A feed another tool publishes (`theirs`) and the feed here that holds the same articles
 * (`ours`); `{language}` and `{category}` each stand for one path segment. `slash`: the tool
 * writes the URL with a trailing slash (`/feed/rss2/`), which a static host may not take for the
 * URL without it.
 */
export interface FeedOfOtherTool {
  readonly theirs: string;
  readonly ours: string;
  readonly slash?: boolean;
}

/**
 * Where the feeds that Hugo, jekyll-feed and WordPress publish are served here, so that a site
 * that moves keeps its subscribers: the server redirects each only when what it leads to is
 * served, and a static export lists those that lead to a feed it wrote (`_redirects`).
 */
export const FEEDS_OF_OTHER_TOOLS: readonly FeedOfOtherTool[] = [
  // Hugo: the home page's RSS, a language's, and a category's (its taxonomy term).
  { theirs: '/index.xml', ours: '/rss.xml' },
  { theirs: '/{language}/index.xml', ours: '/{language}/rss.xml' },
  { theirs: '/categories/{category}/index.xml', ours: '/category/{category}/rss.xml' },
  { theirs: '/{language}/categories/{category}/index.xml', ours: '/{language}/category/{category}/rss.xml' },
  // jekyll-feed: Atom, the site's and a category's.
  { theirs: '/feed.xml', ours: '/atom.xml' },
  { theirs: '/feed/{category}.xml', ours: '/category/{category}/atom.xml' },
  // WordPress: its named formats (`/feed/` itself is `/feed` here, chosen by Accept).
  { theirs: '/feed/rss2', ours: '/rss.xml', slash: true },
  { theirs: '/feed/rss', ours: '/rss.xml', slash: true },
  { theirs: '/feed/atom', ours: '/atom.xml', slash: true },
  { theirs: '/category/{category}/feed/rss2', ours: '/category/{category}/rss.xml', slash: true },
  { theirs: '/category/{category}/feed/rss', ours: '/category/{category}/rss.xml', slash: true },
  { theirs: '/category/{category}/feed/atom', ours: '/category/{category}/atom.xml', slash: true },
];

/** A path template as a pattern whose named groups are its placeholders. */
function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${escaped}$`);
}

/** A path template with its placeholders filled from a match. */
function fill(template: string, match: RegExpExecArray): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => match.groups?.[name] ?? '');
}

const TEMPLATES = FEEDS_OF_OTHER_TOOLS.map((feed) => ({ ...feed, theirsPattern: templatePattern(feed.theirs), oursPattern: templatePattern(feed.ours) }));

/** The path here of a feed another tool publishes at `path` (canonical already), if it is one. */
export function feedOfOtherTool(path: string): string | undefined {
  for (const feed of TEMPLATES) {
    const match = feed.theirsPattern.exec(path);
    if (match) return fill(feed.ours, match);
  }
  return undefined;
}

/** Where other tools publish the feed served here at `path` (`/category/world/rss.xml`), each as the tool writes it. */
export function otherToolsFeedsOf(path: string): string[] {
  const paths: string[] = [];
  for (const feed of TEMPLATES) {
    const match = feed.oursPattern.exec(path);
    if (match === null) continue;
    const theirs = fill(feed.theirs, match);
    paths.push(theirs, ...(feed.slash ? [`${theirs}/`] : []));
  }
  return paths;
}

/**
 * The article page a permalink of another tool may be, as WordPress guesses on a 404 (by its
 * last segment, taken for a slug): Hugo's `/posts/storm/`, Jekyll's `/2024/11/20/storm.html`,
 * WordPress's `/2024/11/20/storm/` and `/storm/`. Only for a last segment with no extension but
 * `.html`, and never under `/articles/` (a page or a bundle's file that is not there).
 */
export function articleOfOtherTool(path: string): string | undefined {
  if (path.startsWith('/articles/')) return undefined;
  const last = path.slice(path.lastIndexOf('/') + 1).replace(/\.html?$/, '');
  return last === '' || last.includes('.') ? undefined : `/articles/${last}`;
}

/**
 * A 308 to the canonical URL when the request spelled a servable URL differently (case,
 * trailing slash), asked for a feed where Hugo, jekyll-feed or WordPress put it (see
 * feedOfOtherTool), or for an article at a permalink of theirs (see articleOfOtherTool);
 * `undefined` otherwise. `probe` asks the app whether a path is servable.
 */
export async function redirectToCanonical(
  c: Context,
  baseUrl: string,
  probe: (path: string) => Promise<number>,
): Promise<Response | undefined> {
  const url = new URL(c.req.url);
  const spelled = canonicalPath(url.pathname);
  const canonical = feedOfOtherTool(spelled) ?? spelled;
  const article = articleOfOtherTool(spelled);
  let target: string | undefined;
  if (canonical !== url.pathname && (await probe(canonical)) === 200) target = canonical;
  else if (article !== undefined && (await probe(article)) === 200) target = article;
  if (target === undefined) return undefined;
  return c.body(null, 308, {
    Location: `${baseUrl}${target}${url.search}`,
    'Cache-Control': 'public, max-age=86400',
    'Content-Length': '0',
  });
}
