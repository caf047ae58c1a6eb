/**
 * Page routes: `/` (index of every feed), `/feeds.opml`, `/articles/{slug}`.
 */
import { Hono } from 'hono';
import { selectArticle, selectListedScopes, selectScope, selectScopesOf } from '../catalog/query.ts';
import { renderArticlePage } from '../pages/article-page.ts';
import { renderIndexPage } from '../pages/index-page.ts';
import { renderOpml } from '../pages/opml.ts';
import { openView, type RouteDeps } from './context.ts';
import { CONTENT_TYPES, sendError, sendRendered, type Rendered } from './rendered.ts';

const LATEST_ON_INDEX = 20;

export function createPageRoutes(deps: RouteDeps): Hono {
  const routes = new Hono();
  const { site } = deps;

  routes.get('/', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const rendered = snapshot.memo(`index|${view.publicationKey}`, (): Rendered => {
      const body = renderIndexPage({
        site,
        catalog: snapshot.catalog,
        scopes: selectListedScopes(snapshot.catalog),
        latest: view.published.slice(0, LATEST_ON_INDEX),
        countOf: (scope) => selectScope(snapshot.catalog, scope, view.now).length,
      });
      return { body, contentType: CONTENT_TYPES.html, lastModified: view.siteUpdated };
    });
    return sendRendered(c, rendered);
  });

  routes.get('/feeds.opml', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const rendered = snapshot.memo(`opml|${view.publicationKey}`, (): Rendered => {
      const body = renderOpml({ site, scopes: selectListedScopes(snapshot.catalog), updated: view.siteUpdated });
      return { body, contentType: CONTENT_TYPES.opml, lastModified: view.siteUpdated };
    });
    return sendRendered(c, rendered);
  });

  routes.get('/articles/:slug', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const article = selectArticle(snapshot.catalog, c.req.param('slug'), view.now);
    if (article === undefined) return sendError(c, 404, 'Not found: no such article');
    const rendered = snapshot.memo(`article|${article.slug}`, (): Rendered => {
      const body = renderArticlePage({
        site,
        article,
        contentHtml: snapshot.contentHtml(article),
        scopes: selectScopesOf(snapshot.catalog, article),
      });
      return { body, contentType: CONTENT_TYPES.html, lastModified: article.updated };
    });
    return sendRendered(c, rendered);
  });

  return routes;
}
