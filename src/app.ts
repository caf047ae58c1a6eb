/**
 * The wirefeed application, independent of where it runs: give it a site and a content store
 * (and optionally a clock), get a Hono app. Hosts (`node.ts`, `worker.ts`) only add I/O.
 *
 * @example
 * const site = createSite(DEFAULT_SITE_CONFIG, { baseUrl: 'https://news.example' });
 * const app = createApp({ site, store: createContentStore(createMemorySource(files), site) });
 * const response = await app.request('/rss.xml');
 */
import { Hono } from 'hono';
import type { ContentStore } from './catalog/snapshot.ts';
import { createFeedRoutes } from './http/feed-routes.ts';
import { createPageRoutes } from './http/page-routes.ts';
import { sendError } from './http/rendered.ts';
import type { Site } from './site.ts';

export interface AppOptions {
  readonly site: Site;
  readonly store: ContentStore;
  /** The clock, milliseconds since the epoch. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Where unexpected errors are reported. Defaults to `console.error`. */
  readonly onError?: (error: unknown) => void;
}

export function createApp(options: AppOptions): Hono {
  const deps = { site: options.site, store: options.store, now: options.now ?? Date.now };
  const report = options.onError ?? ((error: unknown) => console.error('wirefeed: request failed:', error));
  const app = new Hono();
  app.route('/', createPageRoutes(deps));
  app.route('/', createFeedRoutes(deps));
  app.notFound((c) => sendError(c, 404, 'Not found'));
  app.onError((error, c) => {
    report(error);
    return sendError(c, 500, 'Internal error');
  });
  return app;
}
