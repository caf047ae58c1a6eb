/**
 * Node host: reads the configuration file and the content folder, serves the app.
 *
 *   PORT         port to listen on (default 8787)
 *   CONTENT_DIR  folder of articles (default ./content)
 *   BASE_URL     public base URL used in every absolute link (default http://localhost:PORT)
 *   WIREFEED_CONFIG  configuration file (default ./wirefeed.config.json, optional)
 */
import { serve } from '@hono/node-server';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from './app.ts';
import { formatProblem } from './articles/article.ts';
import { selectListedScopes } from './catalog/query.ts';
import { createContentStore } from './catalog/snapshot.ts';
import { ConfigError, createSite, DEFAULT_SITE_CONFIG, parseSiteConfig, type Site, type SiteConfig } from './site.ts';
import { createFsSource } from './sources/fs.ts';
import { FEED_FORMATS } from './urls.ts';

function fail(message: string): never {
  console.error(`wirefeed: ${message}`);
  process.exit(1);
}

function readConfigFile(path: string, required: boolean): SiteConfig {
  if (!existsSync(path)) {
    if (required) fail(`configuration file ${path} does not exist`);
    return DEFAULT_SITE_CONFIG;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(`configuration file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseSiteConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration file ${path}: ${error.message}`);
    throw error;
  }
}

function readPort(value: string | undefined): number {
  const port = Number(value ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a number from 0 to 65535, not "${value}"`);
  return port;
}

function resolveSite(config: SiteConfig, port: number): Site {
  try {
    return createSite(config, { baseUrl: process.env.BASE_URL ?? config.baseUrl ?? `http://localhost:${port}` });
  } catch (error) {
    if (error instanceof ConfigError) fail(`BASE_URL: ${error.reason}`);
    throw error;
  }
}

const port = readPort(process.env.PORT);
const contentDir = resolve(process.env.CONTENT_DIR ?? 'content');
if (!existsSync(contentDir) || !statSync(contentDir).isDirectory()) fail(`content folder ${contentDir} does not exist`);
const configPath = resolve(process.env.WIREFEED_CONFIG ?? 'wirefeed.config.json');
const site = resolveSite(readConfigFile(configPath, process.env.WIREFEED_CONFIG !== undefined), port);

const store = createContentStore(createFsSource(contentDir), site, {
  onLoad: ({ catalog }) => {
    for (const problem of catalog.problems) console.warn(`wirefeed: ${formatProblem(problem)}`);
  },
});
const { catalog } = await store.current();
const app = createApp({ site, store });

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
    server.close();
    process.exit(0);
  });
}
