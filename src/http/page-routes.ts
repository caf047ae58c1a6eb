/**
 * Page routes: `/` (index of every feed), `/feeds.opml`, `/articles/{slug}`, and the index's
 * copy-button script.
 */
import { Hono, type Context } from 'hono';
import { selectArticle, selectListedScopes, selectNextPublication, selectScope, selectScopesOf } from '../catalog/query.ts';
import { renderArticlePage } from '../pages/article-page.ts';
import { renderIndexPage } from '../pages/index-page.ts';
import { PAGE_SECURITY_HEADERS, SCRIPT, SCRIPT_PATH } from '../pages/document.ts';
import { renderOpml } from '../pages/opml.ts';
import { answer, cachedRepresentation, lastChangeOf, openView, type RouteDeps } from './context.ts';
import { CORS_HEADERS } from './guards.ts';
import { CONTENT_TYPES, respondWithError } from './respond.ts';

const LATEST_ON_INDEX = 20;
const PAGE_HEADERS = PAGE_SECURITY_HEADERS;

export interface PageRouteOptions {
  readonly redirect: (c: Context) => Promise<Response | undefined>;
}

export function createPageRoutes(deps: RouteDeps, options: PageRouteOptions): Hono {
  const routes = new Hono();
  const { site, compression } = deps;

  routes.get('/', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const latest = view.published.slice(0, LATEST_ON_INDEX);
    const representation = await cachedRepresentation(
      deps,
      view,
      `index|${view.publicationKey}`,
      latest,
      (content) => ({
        body: renderIndexPage({
          site,
          catalog: snapshot.catalog,
          scopes: selectListedScopes(snapshot.catalog),
          latest: latest.map((article) => content.article(article)),
          countOf: (scope) => selectScope(snapshot.catalog, scope, view.now).length,
        }),
        contentType: CONTENT_TYPES.html,
        lastModified: lastChangeOf(view.siteUpdated, latest),
      }),
      'details',
    );
    const nextChange = selectNextPublication(snapshot.catalog, view.now);
    return answer(c, view, representation, { cache: site.cache, nextChange, headers: PAGE_HEADERS, compression });
  });

  routes.get(SCRIPT_PATH, async (c) => {
    const view = await openView(deps);
    const representation = await cachedRepresentation(deps, view, 'script', [], () => ({
      body: SCRIPT,
      contentType: CONTENT_TYPES.javascript,
      lastModified: view.siteUpdated,
    }));
    return answer(c, view, representation, { cache: site.cache, headers: { 'X-Content-Type-Options': 'nosniff' }, compression });
  });

  routes.get('/feeds.opml', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const representation = await cachedRepresentation(deps, view, `opml|${view.publicationKey}`, [], () => ({
      body: renderOpml({ site, scopes: selectListedScopes(snapshot.catalog), updated: view.siteUpdated }),
      contentType: CONTENT_TYPES.opml,
      lastModified: view.siteUpdated,
    }));
    const nextChange = selectNextPublication(snapshot.catalog, view.now);
    return answer(c, view, representation, { cache: site.cache, nextChange, headers: { ...CORS_HEADERS, 'X-Content-Type-Options': 'nosniff' }, compression });
  });

  routes.get('/articles/:slug', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const article = selectArticle(snapshot.catalog, c.req.param('slug'), view.now);
    if (article === undefined) return (await options.redirect(c)) ?? respondWithError(c, 404, 'Not found: no such article');
    const representation = await cachedRepresentation(deps, view, `article|${article.slug}`, [article], (content) => ({
      body: renderArticlePage({
        site,
        article: content.article(article),
        contentHtml: content.html(article),
        scopes: selectScopesOf(snapshot.catalog, article),
      }),
      contentType: CONTENT_TYPES.html,
      lastModified: lastChangeOf(article.updated, [article]),
    }));
    return answer(c, view, representation, { cache: site.cache, headers: PAGE_HEADERS, compression });
  });

  return routes;
}
