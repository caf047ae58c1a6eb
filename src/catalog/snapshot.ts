/**
 * One immutable view of the content: the catalog, the article HTML that goes with it, and
 * everything derived from both lazily (rendered responses). A content change builds a new
 * snapshot and swaps it in whole, so a request never sees half of an update.
 *
 * Where the HTML comes from is the host's business: the Node store renders Markdown on first
 * use; the Workers store fetches what the build rendered. Both look the same from here.
 *
 * @example
 * const snapshot = createSnapshot(catalog, 1, { contentHtml: (article) => html.get(article.id) ?? '' });
 * await snapshot.prepare(articles);
 * snapshot.contentHtml(articles[0]);
 */
import type { Article } from '../articles/article.ts';
import { createLruCache, type LruCache } from '../lru.ts';
import type { Catalog } from './catalog.ts';

/** Supplies the sanitized HTML content of articles. */
export interface ContentProvider {
  /** Makes the HTML of these articles available to `contentHtml` (a no-op where it is local). */
  prepare?(articles: readonly Article[]): Promise<void>;
  contentHtml(article: Article): string;
}

export interface Snapshot {
  readonly catalog: Catalog;
  /** Increases with every reload; part of every memo key. */
  readonly version: number;
  /** Resolves once `contentHtml` can answer for each of these articles. */
  prepare(articles: readonly Article[]): Promise<void>;
  /** The article's content as sanitized HTML with absolute URLs. */
  contentHtml(article: Article): string;
  /** Rendered responses of this snapshot by key, bounded by size; dropped with the snapshot. */
  readonly responses: LruCache<unknown>;
  /** Memo of small values derived from this snapshot, dropped with it. */
  memo<T>(key: string, compute: () => T): T;
}

/** Budget for rendered responses, in bytes. */
export const DEFAULT_RESPONSE_CACHE_SIZE = 128_000_000;

export function createSnapshot(catalog: Catalog, version: number, content: ContentProvider, responseCacheSize = DEFAULT_RESPONSE_CACHE_SIZE): Snapshot {
  const memo = new Map<string, unknown>();
  return {
    catalog,
    version,
    prepare: async (articles) => {
      await content.prepare?.(articles);
    },
    contentHtml: (article) => content.contentHtml(article),
    responses: createLruCache<unknown>(responseCacheSize),
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
  /** Re-reads the content and swaps in a new snapshot once it is complete. */
  reload(): Promise<Snapshot>;
}

/** A store over one snapshot that never changes (pre-built content, tests). */
export function createFixedStore(snapshot: Snapshot): ContentStore {
  return { current: async () => snapshot, reload: async () => snapshot };
}
