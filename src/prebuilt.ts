/**
 * Content compiled ahead of time for hosts that cannot read or parse article files (Workers):
 * the normalized catalog, each article's rendered HTML, and the responses rendered at build
 * time, stored as files that a request fetches one at a time and only when it needs them.
 *
 * The same routes serve from it: content HTML is fetched before a render needs it, and a
 * pre-built response is used whenever a request would render exactly what the build rendered
 * (same memo key: same scope, format, page and publication state).
 *
 * @example
 * const store = createFixedStore(createPrebuiltSnapshot(createPrebuiltCatalog(data), data, env.ASSETS));
 * const app = createApp({ site: data.site, store, prebuilt: createPrebuiltResponses(data, env.ASSETS) });
 */
import type { Article, Problem } from './articles/article.ts';
import { createCatalog, type Catalog } from './catalog/catalog.ts';
import { createContentCache } from './catalog/content-cache.ts';
import { createSnapshot, type ContentProvider, type Snapshot } from './catalog/snapshot.ts';
import type { PrebuiltResponses } from './http/context.ts';
import { restoreRepresentation, type Representation } from './http/representation.ts';
import type { Site } from './site.ts';

export const PREBUILT_FORMAT_VERSION = 1;

/** Folder (under the assets root) that holds pre-built files. */
export const PREBUILT_DIRECTORY = '_wirefeed';

export interface PrebuiltResponse {
  /** The memo key the routes render this response under. */
  readonly key: string;
  /** Asset path of the body, from the assets root (`/_wirefeed/r/12`). */
  readonly file: string;
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: number;
}

export interface PrebuiltData {
  readonly formatVersion: number;
  /** The "now" the build rendered at (milliseconds). */
  readonly builtAt: number;
  readonly site: Site;
  readonly articles: readonly Article[];
  readonly problems: readonly Problem[];
  /** Asset path of each article's HTML, by article id. */
  readonly contentFiles: Readonly<Record<string, string>>;
  readonly responses: readonly PrebuiltResponse[];
}

/** The one thing a host must supply: a way to fetch a file by path (Workers: `env.ASSETS`). */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

async function fetchAsset(assets: AssetFetcher, path: string): Promise<Response> {
  const response = await assets.fetch(new Request(`https://assets.invalid${path}`));
  if (!response.ok) throw new Error(`pre-built file ${path} is missing (${response.status}); run the build again`);
  return response;
}

/** Article HTML fetched from pre-built files when a render needs it, kept within a budget. */
export function createPrebuiltContent(data: PrebuiltData, assets: AssetFetcher, cacheSize: number): ContentProvider {
  const fetchHtml = async (article: Article) => {
    const file = data.contentFiles[article.id];
    if (file === undefined) throw new Error(`no pre-built HTML for article ${article.id}`);
    return (await fetchAsset(assets, file)).text();
  };
  return createContentCache(cacheSize, fetchHtml, (article) => article.id);
}

export interface PrebuiltLimits {
  /** Budget for article content kept in memory (HTML and the JSON Feed items made from it), in bytes (see `createContentCache`). */
  readonly contentCacheSize: number;
  /** Budget for rendered responses kept in memory, in bytes. */
  readonly responseCacheSize: number;
}

/** Workers have 128 MB per isolate: keep the caches well inside it. */
export const WORKER_LIMITS: PrebuiltLimits = { contentCacheSize: 8_000_000, responseCacheSize: 24_000_000 };

/** The catalog of pre-built data; cheap enough to build while the Worker script starts. */
export function createPrebuiltCatalog(data: PrebuiltData): Catalog {
  if (data.formatVersion !== PREBUILT_FORMAT_VERSION) {
    throw new Error(`pre-built data has format ${data.formatVersion}, this code reads ${PREBUILT_FORMAT_VERSION}; run the build again`);
  }
  return createCatalog({ articles: data.articles, problems: data.problems }, data.site);
}

export function createPrebuiltSnapshot(
  catalog: Catalog,
  data: PrebuiltData,
  assets: AssetFetcher,
  limits: PrebuiltLimits = WORKER_LIMITS,
): Snapshot {
  return createSnapshot(catalog, 1, createPrebuiltContent(data, assets, limits.contentCacheSize), limits.responseCacheSize);
}

/** Responses the build rendered, fetched by memo key. */
export function createPrebuiltResponses(data: PrebuiltData, assets: AssetFetcher): PrebuiltResponses {
  const byKey = new Map(data.responses.map((entry) => [entry.key, entry]));
  return {
    async get(key): Promise<Representation | undefined> {
      const entry = byKey.get(key);
      if (entry === undefined) return undefined;
      const body = new Uint8Array(await (await fetchAsset(assets, entry.file)).arrayBuffer());
      return restoreRepresentation({ body, etag: entry.etag, contentType: entry.contentType, lastModified: entry.lastModified });
    },
  };
}
