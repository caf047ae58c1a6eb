/**
 * One immutable view of the content: the catalog plus everything derived from it lazily
 * (rendered article HTML, rendered responses). A content change builds a new snapshot and
 * swaps it in whole, so a request never sees half of an update.
 *
 * @example
 * const store = createContentStore(createFsSource('content'), site);
 * const snapshot = await store.current();
 * snapshot.contentHtml(snapshot.catalog.articles[0]);
 */
import type { Article } from '../articles/article.ts';
import { loadArticles } from '../articles/load.ts';
import { renderMarkdown } from '../articles/markdown.ts';
import { createLruCache, type LruCache } from '../lru.ts';
import type { Site } from '../site.ts';
import type { ContentSource } from '../sources/source.ts';
import { createUrls } from '../urls.ts';
import { createCatalog, type Catalog } from './catalog.ts';

export interface Snapshot {
  readonly catalog: Catalog;
  /** Increases with every reload; part of every memo key. */
  readonly version: number;
  /** The article's content as sanitized HTML, rendered on first use and kept (LRU-bounded). */
  contentHtml(article: Article): string;
  /** Rendered responses of this snapshot by key, bounded by size; dropped with the snapshot. */
  readonly responses: LruCache<unknown>;
  /** Memo of small values derived from this snapshot, dropped with it. */
  memo<T>(key: string, compute: () => T): T;
}

export interface SnapshotLimits {
  /** Budget for rendered article HTML, in characters. */
  readonly contentCacheSize: number;
  /** Budget for rendered responses, in bytes. */
  readonly responseCacheSize: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { contentCacheSize: 64_000_000, responseCacheSize: 128_000_000 };

export function createSnapshot(catalog: Catalog, site: Site, version: number, limits = DEFAULT_SNAPSHOT_LIMITS): Snapshot {
  const urls = createUrls(site.baseUrl);
  const html = createLruCache<string>(limits.contentCacheSize);
  const memo = new Map<string, unknown>();
  return {
    catalog,
    version,
    contentHtml(article) {
      let rendered = html.get(article.id);
      if (rendered === undefined) {
        rendered = renderMarkdown(article.body, urls.article(article.slug));
        html.set(article.id, rendered, rendered.length);
      }
      return rendered;
    },
    responses: createLruCache<unknown>(limits.responseCacheSize),
    memo<T>(key: string, compute: () => T): T {
      if (memo.has(key)) return memo.get(key) as T;
      const value = compute();
      memo.set(key, value);
      return value;
    },
  };
}

export interface ContentStore {
  /** The snapshot to answer the next request from (loaded on first use). */
  current(): Promise<Snapshot>;
  /** Re-reads the source and swaps in a new snapshot once it is complete. */
  reload(): Promise<Snapshot>;
}

export interface ContentStoreOptions {
  /** Called with each new snapshot, e.g. to log its problems. */
  readonly onLoad?: (snapshot: Snapshot) => void;
}

export function createContentStore(source: ContentSource, site: Site, options: ContentStoreOptions = {}): ContentStore {
  let version = 0;
  let pending: Promise<Snapshot> | undefined;
  const load = async () => {
    const loaded = await loadArticles(source, site);
    const snapshot = createSnapshot(createCatalog(loaded, site), site, ++version);
    options.onLoad?.(snapshot);
    return snapshot;
  };
  return {
    current: () => (pending ??= load()),
    async reload() {
      const next = load();
      const snapshot = await next;
      pending = next;
      return snapshot;
    },
  };
}
