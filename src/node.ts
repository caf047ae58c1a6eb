/**
 * Node host: reads the configuration and the content folder, serves the app with brotli and
 * gzip, reloads when the folder changes, and tells the WebSub hub (if configured) which feeds
 * changed.
 *
 *   PORT             port to listen on (default 8787)
 *   CONTENT_DIR      folder of articles (default ./content)
 *   BASE_URL         public base URL used in every absolute link (default http://localhost:PORT)
 *   WIREFEED_CONFIG  configuration file (default ./wirefeed.config.json, optional)
 *   CACHE_DIR        where the index is kept between runs (default ./node_modules/.cache/wirefeed;
 *                    "off" to keep none)
 */
import { serve } from '@hono/node-server';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from './app.ts';
import { formatProblem } from './articles/article.ts';
import { selectListedScopes, selectNextPublication } from './catalog/query.ts';
import { createContentStore } from './catalog/content-store.ts';
import { collectFeedTags, createWebSubPublisher, findChangedFeeds } from './http/websub.ts';
import { createNodeCompression } from './node/compression.ts';
import { readConfigFile, readPort, resolveSite, StartupError } from './node/config.ts';
import { createFileIndexCache, defaultIndexPath, indexFingerprint } from './node/index-cache.ts';
import { watchContent } from './node/watch.ts';
import { createFsSource } from './sources/fs.ts';
import { FEED_FORMATS } from './urls.ts';

const MAX_TIMER_MS = 2_147_483_647;

function settings() {
  const port = readPort(process.env.PORT);
  const contentDir = resolve(process.env.CONTENT_DIR ?? 'content');
  if (!existsSync(contentDir) || !statSync(contentDir).isDirectory()) throw new StartupError(`content folder ${contentDir} does not exist`);
  const configPath = resolve(process.env.WIREFEED_CONFIG ?? 'wirefeed.config.json');
  const site = resolveSite(readConfigFile(configPath, process.env.WIREFEED_CONFIG !== undefined), process.env.BASE_URL, port);
  const cacheDir = process.env.CACHE_DIR ?? resolve('node_modules/.cache/wirefeed');
  return { port, contentDir, site, cacheDir };
}

let config: ReturnType<typeof settings>;
try {
  config = settings();
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`wirefeed: ${error.message}`);
  process.exit(1);
}
const { port, contentDir, site, cacheDir } = config;

// Problems are reported once per file version, not again with every snapshot.
const reported = new Set<string>();
const store = createContentStore(createFsSource(contentDir), site, {
  ...(cacheDir === 'off'
    ? {}
    : { cache: createFileIndexCache({ file: defaultIndexPath(cacheDir, contentDir), fingerprint: indexFingerprint(site), log: (message) => console.warn(`wirefeed: ${message}`) }) }),
  onLoad: ({ catalog, version }) => {
    for (const problem of catalog.problems) {
      const line = formatProblem(problem);
      if (!reported.has(line)) console.warn(`wirefeed: ${line}`);
      reported.add(line);
    }
    if (version > 1) console.log(`wirefeed: content changed: ${catalog.articles.length} articles`);
  },
});
const { catalog } = await store.current();
const deps = { site, store, now: Date.now, compression: createNodeCompression() };
const app = createApp(deps);

// WebSub: remember what every feed looked like, and tell the hub when that changes - after a
// content reload, and when a scheduled article comes due.
let announced = site.websubHub ? await collectFeedTags(deps) : new Map<string, string>();
let publicationTimer: ReturnType<typeof setTimeout> | undefined;
const publisher = site.websubHub
  ? createWebSubPublisher({
      hub: site.websubHub,
      fetch,
      onError: (url, reason) => console.warn(`wirefeed: WebSub: could not announce ${url}: ${reason}`),
    })
  : undefined;

async function announceChanges(): Promise<void> {
  if (!publisher) return;
  const current = await collectFeedTags(deps);
  const changed = findChangedFeeds(announced, current);
  announced = current;
  if (changed.length > 0) {
    const accepted = await publisher.publish(changed);
    console.log(`wirefeed: WebSub: announced ${accepted.length} of ${changed.length} changed feeds`);
  }
  clearTimeout(publicationTimer);
  const next = selectNextPublication((await store.current()).catalog, Date.now());
  if (next !== undefined) {
    publicationTimer = setTimeout(() => void announceChanges(), Math.min(next - Date.now() + 1000, MAX_TIMER_MS));
    publicationTimer.unref();
  }
}

// The store applies changes one after another; only the files named are read again (all of them,
// checked by size and time, when the platform cannot name them).
const isDirectory = (path: string) => statSync(join(contentDir, path), { throwIfNoEntry: false })?.isDirectory() ?? false;
const watcher = watchContent(contentDir, (paths) => {
  // A folder moved in or out brings or takes files the watcher does not name one by one.
  const rescan = paths === undefined || paths.some(isDirectory);
  (rescan ? store.reload() : store.update(paths))
    .then(() => announceChanges())
    .catch((error: unknown) => console.error('wirefeed: could not apply a content change:', error));
});
if (publisher) await announceChanges();

const server = serve({ fetch: app.fetch, port }, (info) => {
  const feeds = selectListedScopes(catalog).length * FEED_FORMATS.length;
  const errors = catalog.problems.filter((problem) => problem.severity === 'error').length;
  console.log(
    `wirefeed: ${catalog.articles.length} articles, ${feeds} feeds from ${contentDir}` +
      (errors > 0 ? ` (${errors} files skipped, see above)` : ''),
  );
  console.log(`wirefeed: listening on http://localhost:${info.port} (public URL ${site.baseUrl}/)`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    watcher.close();
    clearTimeout(publicationTimer);
    server.close();
    process.exit(0);
  });
}
