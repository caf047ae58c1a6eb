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
 * A 308 to the canonical URL when the request spelled a servable URL differently (case,
 * trailing slash); `undefined` otherwise. `probe` asks the app whether a path is servable.
 */
export async function redirectToCanonical(
  c: Context,
  baseUrl: string,
  probe: (path: string) => Promise<number>,
): Promise<Response | undefined> {
  const url = new URL(c.req.url);
  const canonical = canonicalPath(url.pathname);
  if (canonical === url.pathname || (await probe(canonical)) !== 200) return undefined;
  return c.body(null, 308, {
    Location: `${baseUrl}${canonical}${url.search}`,
    'Cache-Control': 'public, max-age=86400',
    'Content-Length': '0',
  });
}
