/**
 * Article content kept within a byte budget, for every host's content provider: the sanitized
 * HTML, fetched once per article version (the Node store renders it from the file, the Workers
 * store fetches what the build rendered), and forms made from it by renderers (a JSON Feed
 * item as UTF-8), each made the first time it is asked for and kept with the HTML.
 *
 * An article shows in many feeds (its category, its language, both, the site, their pages) and
 * in every snapshot until its file changes: a form made once is copied by all of them.
 *
 * @example
 * const provider = createContentCache(budget, (article) => fetchHtml(article), (article) => article.id);
 * const content = await provider.load(articles);
 * content.html(articles[0]); // '<p>…</p>\n'
 * content.form(articles[0], 'json-item', () => encode(articles[0])); // made once per version
 */
import type { Article } from '../articles/article.ts';
import { createLruCache, stringSize } from '../lru.ts';
import type { ContentLookup, ContentProvider } from './snapshot.ts';

/**
 * What a host fetches for one article: its HTML, and the article with every field when the
 * catalog's article lacks some (the Workers build keeps the details with the HTML).
 */
export interface FetchedContent {
  readonly html: string;
  readonly article?: Article;
}

/** One article version's content: what was fetched, and the forms made from it so far. */
interface CachedContent extends FetchedContent {
  readonly forms: Map<string, Uint8Array>;
}

function sizeOf(content: CachedContent): number {
  // A fetched article's other fields are not counted: they are small beside its HTML.
  let size = stringSize(content.html);
  for (const bytes of content.forms.values()) size += bytes.length;
  return size;
}

/** A content provider whose HTML can be handed to a later run of the host, and taken from an earlier one. */
export interface ContentCache extends ContentProvider {
  /** The HTML held, as [version, html] pairs, most recently used first. */
  recent(): (readonly [string, string])[];
  /** Holds `html` as the HTML of `version`, as if fetched now (an earlier run made it). */
  restore(version: string, html: string): void;
  /**
   * Keeps the HTML of `version` beyond the budget's evictions until {@link unpin}ned, when it
   * holds it now and the pinned HTML fits in a quarter of the budget: for a version that could
   * not be fetched again (a file broken after it: its HTML is in no file any more). Whether it
   * is pinned.
   */
  pin(version: string): boolean;
  unpin(version: string): void;
  /** The versions pinned. */
  pinned(): readonly string[];
}

export interface ContentCacheOptions {
  /**
   * Whether the catalog's articles hold every field (true: a load for `'details'` fetches
   * nothing), or only what lists need, the rest coming with `fetchContent` (the Workers build).
   */
  readonly catalogHasDetails?: boolean;
}

/**
 * A content provider over `fetchContent`, keeping what it fetched, and the forms made from it,
 * within `budget` bytes. `versionOf` names an article's version: content is shared by every
 * snapshot whose article has the same version, and never served for another.
 */
export function createContentCache(
  budget: number,
  fetchContent: (article: Article) => Promise<FetchedContent>,
  versionOf: (article: Article) => string,
  { catalogHasDetails = true }: ContentCacheOptions = {},
): ContentCache {
  const cache = createLruCache<CachedContent>(budget);
  const pins = new Map<string, CachedContent>();
  let pinnedSize = 0;
  return {
    versionOf,
    // The pinned first: a keeper with a budget keeps the first, and these could not be rendered again.
    recent: () => [...pins, ...[...cache.entries()].reverse().filter(([version]) => !pins.has(version))].map(([version, { html }]) => [version, html] as const),
    restore(version, html) {
      const content = { html, forms: new Map<string, Uint8Array>() };
      cache.set(version, content, sizeOf(content));
    },
    pin(version) {
      if (pins.has(version)) return true;
      const content = cache.peek(version);
      if (content === undefined || pinnedSize + stringSize(content.html) > budget / 4) return false;
      pins.set(version, content);
      pinnedSize += stringSize(content.html);
      return true;
    },
    unpin(version) {
      const content = pins.get(version);
      if (content === undefined) return;
      pins.delete(version);
      pinnedSize -= stringSize(content.html);
    },
    pinned: () => [...pins.keys()],
    async load(articles, needs = 'html') {
      if (needs === 'details' && catalogHasDetails) return AS_THEY_ARE;
      const found = new Map<string, { readonly key: string; readonly content: CachedContent }>();
      await Promise.all(
        articles.map(async (article) => {
          const key = versionOf(article);
          let content = cache.get(key);
          if (content === undefined) {
            content = pins.get(key) ?? { ...(await fetchContent(article)), forms: new Map() };
            cache.set(key, content, sizeOf(content));
          }
          found.set(article.id, { key, content });
        }),
      );
      const lookup: ContentLookup = {
        html: (article) => found.get(article.id)?.content.html ?? '',
        article: (article) => found.get(article.id)?.content.article ?? article,
        form(article, name, make) {
          const entry = found.get(article.id);
          if (entry === undefined) return make();
          const { key, content } = entry;
          let bytes = content.forms.get(name);
          if (bytes === undefined) {
            bytes = make();
            content.forms.set(name, bytes);
            // Count the new bytes (only while it is still cached: it may have been evicted since).
            if (cache.peek(key) === content) cache.set(key, content, sizeOf(content));
          }
          return bytes;
        },
      };
      return lookup;
    },
  };
}

/** Content from a plain function (tests, tools): HTML as it comes, forms made on every call. */
export function contentFrom(html: (article: Article) => string): ContentLookup {
  return { html, form: (_article, _name, make) => make(), article: (article) => article };
}

/** What a load for `'details'` gives when the catalog's articles hold every field already. */
const AS_THEY_ARE = contentFrom(() => '');
