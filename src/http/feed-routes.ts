/**
 * Feed routes: `/{file}`, `/{lang}/{file}`, `/category/{category}/{file}` and
 * `/{lang}/category/{category}/{file}` for each file name (`rss.xml`, `atom.xml`,
 * `feed.json`). Thin: params -> scope -> memoized render -> response.
 */
import { Hono, type Context } from 'hono';
import type { Catalog, Scope } from '../catalog/catalog.ts';
import { scopeKey } from '../catalog/catalog.ts';
import { selectScope } from '../catalog/query.ts';
import { renderAtom } from '../feeds/atom.ts';
import { buildFeedModel, type FeedModel } from '../feeds/feed.ts';
import { renderJsonFeed } from '../feeds/json-feed.ts';
import { renderRss } from '../feeds/rss.ts';
import { FEED_FILE_NAMES, FEED_FORMATS, type FeedFormat } from '../urls.ts';
import { openView, type RouteDeps } from './context.ts';
import { CONTENT_TYPES, sendError, sendRendered, type Rendered } from './rendered.ts';

const RENDERERS: Readonly<Record<FeedFormat, (model: FeedModel) => string>> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

type ScopeResult = { readonly scope: Scope } | { readonly missing: string };

/** Turns route parameters into a scope of the catalog, or names what is unknown. */
export function resolveScope(catalog: Catalog, languageSlug?: string, categorySlug?: string): ScopeResult {
  const language = languageSlug === undefined ? undefined : catalog.languageBySlug.get(languageSlug);
  if (languageSlug !== undefined && language === undefined) return { missing: `language "${languageSlug}"` };
  const category = categorySlug === undefined ? undefined : catalog.categoryBySlug.get(categorySlug);
  if (categorySlug !== undefined && category === undefined) return { missing: `category "${categorySlug}"` };
  return { scope: { ...(language ? { language } : {}), ...(category ? { category } : {}) } };
}

export function createFeedRoutes(deps: RouteDeps): Hono {
  const routes = new Hono();
  const { site } = deps;

  const serveFeed = async (c: Context, format: FeedFormat, languageSlug?: string, categorySlug?: string) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const resolved = resolveScope(snapshot.catalog, languageSlug, categorySlug);
    if ('missing' in resolved) return sendError(c, 404, `Not found: no ${resolved.missing}`);
    const { scope } = resolved;
    const rendered = snapshot.memo(`feed|${format}|${scopeKey(scope)}|${view.publicationKey}`, (): Rendered => {
      const articles = selectScope(snapshot.catalog, scope, view.now).slice(0, site.feedSize);
      const model = buildFeedModel({
        site,
        scope,
        articles,
        contentHtml: snapshot.contentHtml,
        fallbackUpdated: view.siteUpdated,
      });
      return { body: RENDERERS[format](model), contentType: CONTENT_TYPES[format], lastModified: model.updated };
    });
    return sendRendered(c, rendered);
  };

  for (const format of FEED_FORMATS) {
    const file = FEED_FILE_NAMES[format];
    routes.get(`/${file}`, (c) => serveFeed(c, format));
    routes.get(`/category/:category/${file}`, (c) => serveFeed(c, format, undefined, c.req.param('category')));
    routes.get(`/:language/${file}`, (c) => serveFeed(c, format, c.req.param('language')));
    routes.get(`/:language/category/:category/${file}`, (c) =>
      serveFeed(c, format, c.req.param('language'), c.req.param('category')),
    );
  }
  return routes;
}
