/**
 * Feed routes: for each scope (`/`, `/{lang}/`, `/category/{category}/`,
 * `/{lang}/category/{category}/`) the explicit files `rss.xml`, `atom.xml`, `feed.json`, and
 * `feed`, which negotiates the format from `Accept`. Thin: params -> scope -> representation.
 */
import { Hono, type Context } from 'hono';
import type { Catalog, Scope } from '../catalog/catalog.ts';
import { createUrls, FEED_FILE_NAMES, FEED_FORMATS, FEED_MEDIA_TYPES, type FeedFormat } from '../urls.ts';
import { answer, openView, recount, type RouteDeps } from './context.ts';
import { parsePageRequest, representFeed } from './feed-responses.ts';
import { CORS_HEADERS } from './guards.ts';
import { selectFeedFormat } from './negotiation.ts';
import { respond, respondWithError } from './respond.ts';

type ScopeResult = { readonly scope: Scope } | { readonly missing: string };

/** Turns route parameters into a scope of the catalog, or names what is unknown. */
export function resolveScope(catalog: Catalog, languageSlug?: string, categorySlug?: string): ScopeResult {
  const language = languageSlug === undefined ? undefined : catalog.languageBySlug.get(languageSlug);
  if (languageSlug !== undefined && language === undefined) return { missing: `language "${languageSlug.slice(0, 64)}"` };
  const category = categorySlug === undefined ? undefined : catalog.categoryBySlug.get(categorySlug);
  if (categorySlug !== undefined && category === undefined) return { missing: `category "${categorySlug.slice(0, 64)}"` };
  return { scope: { ...(language ? { language } : {}), ...(category ? { category } : {}) } };
}

const NOT_ACCEPTABLE = `Not acceptable: this URL serves ${Object.values(FEED_MEDIA_TYPES).join(', ')}`;

export interface FeedRouteOptions {
  /** A 308 to the canonical spelling of the request's URL, if it has one. */
  readonly redirect: (c: Context) => Promise<Response | undefined>;
}

export function createFeedRoutes(deps: RouteDeps, options: FeedRouteOptions): Hono {
  const routes = new Hono();
  const { site } = deps;
  const urls = createUrls(site.baseUrl);

  const serveFeed = async (c: Context, file: FeedFormat | 'negotiated', languageSlug?: string, categorySlug?: string) => {
    const view = await openView(deps);
    const resolved = resolveScope(view.snapshot.catalog, languageSlug, categorySlug);
    if ('missing' in resolved) return (await options.redirect(c)) ?? respondWithError(c, 404, `Not found: no ${resolved.missing}`);
    const { scope } = resolved;
    const request = parsePageRequest(c.req.query('page'), c.req.query('limit'), site);
    if (!request.ok) return respondWithError(c, 400, `Bad request: ${request.message}`);

    const format = file === 'negotiated' ? selectFeedFormat(c.req.header('accept'), site.defaultFormat) : file;
    if (format === undefined) return respondWithError(c, 406, NOT_ACCEPTABLE, { Vary: 'Accept' });
    const feed = representFeed(deps, view, format, scope, request.value);
    // A page past the end is not there (yet: a scope's pages grow as it does), as WordPress
    // answers for one; the request itself was well made.
    if (!feed.ok) return respondWithError(c, 404, `Not found: ${feed.message}`);

    const { page, limit, limitChosen } = request.value;
    const self = urls.feed(scope, format, { page, limit: limitChosen ? limit : undefined });
    const headers: Record<string, string> = { ...CORS_HEADERS, 'X-Content-Type-Options': 'nosniff' };
    if (site.websubHub) headers.Link = `<${site.websubHub}>; rel="hub", <${self}>; rel="self"`;
    if (file === 'negotiated') headers['Content-Location'] = self;
    const respondOptions = { cache: site.cache, nextChange: feed.value.nextChange, headers, compression: deps.compression };
    const representation = await feed.value.representation;
    // A negotiated answer depends on Accept too: it is not kept by URL.
    if (file === 'negotiated') return respond(c, representation, { ...respondOptions, vary: ['Accept'] }, view.now, recount(view, representation));
    return answer(c, view, representation, respondOptions);
  };

  const files: readonly (readonly [string, FeedFormat | 'negotiated'])[] = [
    ...FEED_FORMATS.map((format) => [FEED_FILE_NAMES[format], format] as const),
    ['feed', 'negotiated'],
  ];
  for (const [file, format] of files) {
    routes.get(`/${file}`, (c) => serveFeed(c, format));
    routes.get(`/category/:category/${file}`, (c) => serveFeed(c, format, undefined, c.req.param('category')));
    routes.get(`/:language/${file}`, (c) => serveFeed(c, format, c.req.param('language')));
    routes.get(`/:language/category/:category/${file}`, (c) => serveFeed(c, format, c.req.param('language'), c.req.param('category')));
  }
  return routes;
}
