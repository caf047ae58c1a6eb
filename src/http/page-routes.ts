/**
 * Page routes: `/` (index of every feed), `/feeds.opml`, `/articles/{slug}`, the index's
 * copy-button script, what search engines read (`/sitemap.xml`, its pages, `/robots.txt`), and
 * the files beside page bundles' articles (`/articles/{slug}/{file}`).
 */
import { Hono, type Context } from 'hono';
import { bundleFileTypeOf } from '../articles/bundle.ts';
import { selectArticle, selectListedScopes, selectNextPublication, selectScope, selectScopesOf } from '../catalog/query.ts';
import { renderArticlePage } from '../pages/article-page.ts';
import { renderIndexPage } from '../pages/index-page.ts';
import { PAGE_SECURITY_HEADERS, SCRIPT, SCRIPT_PATH } from '../pages/document.ts';
import { renderOpml } from '../pages/opml.ts';
import { countSitemapPages, newestUpdate, renderRobots, renderSitemap, renderSitemapIndex, sitemapPage } from '../pages/sitemap.ts';
import { answer, cachedRepresentation, lastChangeOf, openView, takenOutOf, type RouteDeps } from './context.ts';
import { CORS_HEADERS } from './guards.ts';
import { CONTENT_TYPES, respond, respondWithError } from './respond.ts';
import { restoreRepresentation } from './representation.ts';

const LATEST_ON_INDEX = 20;
const PAGE_HEADERS = PAGE_SECURITY_HEADERS;
/** What is neither a page nor a feed (the script, sitemaps, robots.txt): sent as typed. */
const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };

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
        // Every published article's file counts: the page's lists and counts change with any.
        lastModified: lastChangeOf(view.siteUpdated, view.published, takenOutOf(view)),
      }),
      { needs: 'details' },
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
    return answer(c, view, representation, { cache: site.cache, headers: NOSNIFF, compression });
  });

  routes.get('/feeds.opml', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const representation = await cachedRepresentation(deps, view, `opml|${view.publicationKey}`, [], () => ({
      body: renderOpml({ site, scopes: selectListedScopes(snapshot.catalog), updated: view.siteUpdated }),
      contentType: CONTENT_TYPES.opml,
      // An article filed late in a new category adds its feeds without a newer `updated`.
      lastModified: lastChangeOf(view.siteUpdated, view.published, takenOutOf(view)),
    }));
    const nextChange = selectNextPublication(snapshot.catalog, view.now);
    return answer(c, view, representation, { cache: site.cache, nextChange, headers: { ...CORS_HEADERS, ...NOSNIFF }, compression });
  });

  routes.get('/sitemap.xml', async (c) => {
    const view = await openView(deps);
    const representation = await cachedRepresentation(deps, view, `sitemap|${view.publicationKey}`, [], () => {
      const pages = Array.from({ length: countSitemapPages(view.published.length) }, (_, index) => ({ updated: newestUpdate(sitemapPage(view.published, index + 1)) }));
      return { body: renderSitemapIndex({ site, pages }), contentType: CONTENT_TYPES.xml, lastModified: lastChangeOf(view.siteUpdated, view.published, takenOutOf(view)) };
    });
    const nextChange = selectNextPublication(view.snapshot.catalog, view.now);
    return answer(c, view, representation, { cache: site.cache, nextChange, headers: NOSNIFF, compression });
  });

  // No `*` in the pattern: Hono's LinearRouter (the Worker's) refuses a parameter with one.
  routes.get('/:file{sitemap-[1-9][0-9]{0,6}\\.xml}', async (c) => {
    const view = await openView(deps);
    const page = Number(c.req.param('file').slice('sitemap-'.length, -'.xml'.length));
    const pages = countSitemapPages(view.published.length);
    if (page > pages) return respondWithError(c, 404, `Not found: no sitemap page ${page}: there ${pages === 1 ? 'is 1' : `are ${pages}`}`);
    const representation = await cachedRepresentation(deps, view, `sitemap|${page}|${view.publicationKey}`, [], () => {
      const articles = sitemapPage(view.published, page);
      // Its files' times count too: a slug changed with `updated` left as it was changes the page.
      return { body: renderSitemap({ site, articles }), contentType: CONTENT_TYPES.xml, lastModified: lastChangeOf(newestUpdate(articles) || view.siteUpdated, articles, takenOutOf(view)) };
    });
    // Only the last page changes when an article comes due.
    const nextChange = page === pages ? selectNextPublication(view.snapshot.catalog, view.now) : undefined;
    return answer(c, view, representation, { cache: site.cache, nextChange, headers: NOSNIFF, compression });
  });

  routes.get('/robots.txt', async (c) => {
    const view = await openView(deps);
    const representation = await cachedRepresentation(deps, view, 'robots', [], () => ({
      body: renderRobots(site),
      contentType: CONTENT_TYPES.text,
      lastModified: view.siteUpdated,
    }));
    return answer(c, view, representation, { cache: site.cache, headers: NOSNIFF, compression });
  });

  // The files beside a page bundle's article (`/articles/storm/photo.jpg`): read when asked,
  // not kept by URL (images can be large); never compressed (they are already).
  routes.get('/articles/:slug/:file{.+}', async (c) => {
    const view = await openView(deps);
    const article = selectArticle(view.snapshot.catalog, c.req.param('slug'), view.now);
    const relative = c.req.param('file');
    const type = bundleFileTypeOf(relative);
    const file = article && type && (await deps.bundleFiles?.read(article, relative));
    if (!file || !type) return (await options.redirect(c)) ?? respondWithError(c, 404, 'Not found');
    const representation = restoreRepresentation({ body: file.body, etag: file.etag, contentType: type, lastModified: file.lastModified });
    // The pages' security headers, as a static export's `/articles/*` rule gives the file too.
    return respond(c, representation, { cache: site.cache, headers: PAGE_HEADERS }, view.now);
  });

  routes.get('/articles/:slug', async (c) => {
    const view = await openView(deps);
    const { snapshot } = view;
    const article = selectArticle(snapshot.catalog, c.req.param('slug'), view.now);
    if (article === undefined) return (await options.redirect(c)) ?? respondWithError(c, 404, 'Not found: no such article');
    const scopes = selectScopesOf(snapshot.catalog, article);
    // The page shows the article and links its feeds, under their scopes' names.
    const inputs = [article, snapshot.contentVersionOf(article), ...scopes.flatMap(({ language, category }) => [language?.name, category?.name])];
    const representation = await cachedRepresentation(
      deps,
      view,
      `article|${article.slug}`,
      [article],
      (content) => ({
        body: renderArticlePage({ site, article: content.article(article), contentHtml: content.html(article), scopes }),
        contentType: CONTENT_TYPES.html,
        lastModified: lastChangeOf(article.updated, [article]),
      }),
      { inputs },
    );
    return answer(c, view, representation, { cache: site.cache, headers: PAGE_HEADERS, compression });
  });

  return routes;
}
