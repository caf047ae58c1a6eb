/**
 * Node host: reads the configuration and the content folder, serves the app with brotli and
 * gzip, reloads when the folder changes, and tells the WebSub hub (if configured) which feeds
 * changed.
 *
 *   PORT             port to listen on (default 8787)
 *   CONTENT_DIR      folder of articles (default ./content)
 *   BASE_URL         public base URL used in every absolute link (default http://localhost:PORT)
 *   WIREFEED_CONFIG  configuration file (default ./wirefeed.config.json, optional)
 */
import { serve } from '@hono/node-server';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from './app.ts';
import { formatProblem } from './articles/article.ts';
import { selectListedScopes, selectNextPublication } from './catalog/query.ts';
import { createContentStore } from './catalog/content-store.ts';
import { collectFeedTags, createWebSubPublisher, findChangedFeeds } from './http/websub.ts';
import { createNodeCompression } from './node/compression.ts';
import { readConfigFile, readPort, resolveSite, StartupError } from './node/config.ts';
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
  return { port, contentDir, site };
}

let config: ReturnType<typeof settings>;
try {
  config = settings();
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(`wirefeed: ${error.message}`);
  process.exit(1);
}
const { port, contentDir, site } = config;

const store = createContentStore(createFsSource(contentDir), site, {
  onLoad: ({ catalog, version }) => {
    for (const problem of catalog.problems) console.warn(`wirefeed: ${formatProblem(problem)}`);
    if (version > 1) console.log(`wirefeed: reloaded: ${catalog.articles.length} articles`);
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

// Reloads never overlap: a change during a reload schedules exactly one more.
let reloading: Promise<void> | undefined;
let again = false;
function reload(): void {
  if (reloading) {
    again = true;
    return;
  }
  reloading = (async () => {
    try {
      await store.reload();
      await announceChanges();
    } catch (error) {
      console.error('wirefeed: reload failed:', error);
    }
  })().finally(() => {
    reloading = undefined;
    if (again) {
      again = false;
      reload();
    }
  });
}
const watcher = watchContent(contentDir, reload);
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
