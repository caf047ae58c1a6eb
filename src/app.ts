/**
 * The wirefeed application, independent of where it runs: give it a site and a content store
 * (and optionally a clock and a compressor), get a Hono app. Hosts (`node.ts`, `worker.ts`)
 * only add I/O.
 *
 * @example
 * const site = createSite(DEFAULT_SITE_CONFIG, { baseUrl: 'https://news.example' });
 * const app = createApp({ site, store: createContentStore(createMemorySource(files), site) });
 * const response = await app.request('/rss.xml');
 */
import type { BundleFiles } from './articles/bundle.ts';
import { Hono, type Context } from 'hono';
import { LinearRouter } from 'hono/router/linear-router';
import type { ContentStore } from './catalog/snapshot.ts';
import { countScheduled } from './catalog/query.ts';
import { requestKey, type PrebuiltResponses, type RememberedAnswer } from './http/context.ts';
import { createFeedRoutes } from './http/feed-routes.ts';
import { answerOtherMethod, redirectToCanonical } from './http/guards.ts';
import { createPageRoutes } from './http/page-routes.ts';
import type { Compression, Sha256 } from './http/representation.ts';
import { headerReader, respondWithError, serveAnswer } from './http/respond.ts';
import type { Site } from './site.ts';

export interface AppOptions {
  readonly site: Site;
  readonly store: ContentStore;
  /** The clock, milliseconds since the epoch. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Content codings the host produces (Node: br, gzip). Omit on Workers: the platform compresses. */
  readonly compression?: Compression;
  /** SHA-256 for entity tags, when the host has one on the main thread (Node); WebCrypto's by default. */
  readonly sha256?: Sha256;
  /** Responses rendered ahead of time (the Workers build), served when a request matches one. */
  readonly prebuilt?: PrebuiltResponses;
  /** The files beside page bundles' articles, served under their pages (the Node host reads its content folder). */
  readonly bundleFiles?: BundleFiles;
  /**
   * Build the router for a fast start rather than for the fastest match: on Workers an isolate
   * is often new, and compiling Hono's RegExpRouter on its first request costs more CPU than
   * linear matching over this app's few routes ever will.
   */
  readonly quickStart?: boolean;
  /** Where unexpected errors are reported. Defaults to `console.error`. */
  readonly onError?: (error: unknown) => void;
}

export function createApp(options: AppOptions): Hono {
  const deps = {
    site: options.site,
    store: options.store,
    now: options.now ?? Date.now,
    compression: options.compression,
    sha256: options.sha256,
    prebuilt: options.prebuilt,
    bundleFiles: options.bundleFiles,
  };
  const report = options.onError ?? ((error: unknown) => console.error('wirefeed: request failed:', error));
  const app = new Hono(options.quickStart ? { router: new LinearRouter() } : {});
  const probe = async (path: string) => (await app.request(path, { method: 'HEAD' })).status;
  const redirect = (c: Context) => redirectToCanonical(c, options.site.baseUrl, probe);

  // Other methods, and trailing slashes (settled before routing, so that every router treats
  // them alike).
  app.use(async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return answerOtherMethod(c);
    const path = c.req.path;
    if (path.length > 1 && path.endsWith('/')) return (await redirect(c)) ?? respondWithError(c, 404, 'Not found');
    return next();
  });
  app.route('/', createPageRoutes(deps, { redirect }));
  app.route('/', createFeedRoutes(deps, { redirect }));
  app.notFound(async (c) => (await redirect(c)) ?? respondWithError(c, 404, 'Not found'));
  app.onError((error, c) => {
    report(error);
    return respondWithError(c, 500, 'Internal error');
  });

  // The front door: a GET or HEAD for a URL the current snapshot already answered is answered
  // again from memory before Hono routes anything - as long as nothing scheduled has been
  // published since. Everything else goes to the routes, which keep the answers they make.
  const route = app.fetch;
  app.fetch = (request, env, executionContext) => {
    const method = request.method;
    const snapshot = deps.store.peek();
    if ((method === 'GET' || method === 'HEAD') && snapshot !== undefined) {
      const remembered = snapshot.answerFor(requestKey(request.url)) as RememberedAnswer | undefined;
      if (remembered !== undefined) {
        const now = deps.now();
        if (countScheduled(snapshot.catalog.articles, now) === remembered.scheduled) {
          return serveAnswer(headerReader(request, env), remembered.answer, now, method === 'HEAD');
        }
      }
    }
    return route(request, env, executionContext);
  };
  return app;
}
