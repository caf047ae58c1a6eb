/**
 * The content store of hosts that read article files (Node, the build): every load reads the
 * source, parses and normalizes each file, and builds a catalog; Markdown is rendered to HTML
 * only when a response needs it, and kept within a size budget.
 *
 * @example
 * const store = createContentStore(createFsSource('content'), site);
 * const { catalog } = await store.current();
 */
import { loadArticles } from '../articles/load.ts';
import { renderMarkdown } from '../articles/markdown.ts';
import { createLruCache } from '../lru.ts';
import type { Site } from '../site.ts';
import type { ContentSource } from '../sources/source.ts';
import { createUrls } from '../urls.ts';
import { createCatalog } from './catalog.ts';
import { createSnapshot, type ContentProvider, type ContentStore, type Snapshot } from './snapshot.ts';

export interface ContentStoreOptions {
  /** Called with each new snapshot, e.g. to log its problems. */
  readonly onLoad?: (snapshot: Snapshot) => void;
  /** Budget for rendered article HTML, in characters. */
  readonly contentCacheSize?: number;
}

/** Renders Markdown bodies on first use, keeping the most recently used HTML. */
export function createMarkdownContent(bodies: ReadonlyMap<string, string>, site: Site, cacheSize = 64_000_000): ContentProvider {
  const urls = createUrls(site.baseUrl);
  const html = createLruCache<string>(cacheSize);
  return {
    contentHtml(article) {
      let rendered = html.get(article.id);
      if (rendered === undefined) {
        rendered = renderMarkdown(bodies.get(article.id) ?? '', urls.article(article.slug));
        html.set(article.id, rendered, rendered.length);
      }
      return rendered;
    },
  };
}

export function createContentStore(source: ContentSource, site: Site, options: ContentStoreOptions = {}): ContentStore {
  let version = 0;
  let pending: Promise<Snapshot> | undefined;
  const load = async () => {
    const loaded = await loadArticles(source, site);
    const content = createMarkdownContent(loaded.bodies, site, options.contentCacheSize);
    const snapshot = createSnapshot(createCatalog(loaded, site), ++version, content);
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
