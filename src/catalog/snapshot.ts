/**
 * One immutable view of the content: the catalog, the article HTML that goes with it, and
 * everything derived from both lazily (rendered responses). A content change builds a new
 * snapshot and swaps it in whole, so a request never sees half of an update.
 *
 * Where the HTML comes from is the host's business: the Node store reads and renders files on
 * first use; the Workers store fetches what the build rendered. Both look the same from here.
 *
 * @example
 * const snapshot = createSnapshot(catalog, 1, provider);
 * const content = await snapshot.loadContent(articles);
 * content.html(articles[0]); // sanitized HTML
 */
import type { Article } from '../articles/article.ts';
import { createLruCache, type LruCache } from '../lru.ts';
import type { Catalog } from './catalog.ts';

/** The content of articles that were loaded together. */
export interface ContentLookup {
  /** Sanitized HTML with absolute URLs. */
  html(article: Article): string;
  /**
   * The bytes `make` makes for this article (a renderer's form of it, named `name`): made once
   * per article version and kept with its HTML, within the same budget. Only for forms made from
   * the article alone, never from the feed or page it shows in.
   */
  form(article: Article, name: string, make: () => Uint8Array): Uint8Array;
  /**
   * The article with every field at hand. A catalog may hold only what lists are made from
   * (the Workers build: identity, dates, language, category and slug), the rest coming with
   * the article's content; elsewhere this is the article itself.
   */
  article(article: Article): Article;
}

/**
 * What a render needs of the articles it loads: their HTML (and every field), or only every
 * field (a list of titles).
 */
export type ContentNeeds = 'html' | 'details';

/** Supplies the sanitized HTML content of articles (see `createContentCache`). */
export interface ContentProvider {
  /** The content of these articles (read, rendered or fetched as needed, then kept for a while). */
  load(articles: readonly Article[], needs?: ContentNeeds): Promise<ContentLookup>;
  /** Names the version of an article's content: the same name, the same HTML. */
  versionOf(article: Article): string;
}

export interface Snapshot {
  readonly catalog: Catalog;
  /** Increases with every change; part of every memo key. */
  readonly version: number;
  /** The content of these articles as sanitized HTML with absolute URLs (or, with `'details'`, only their every field). */
  loadContent(articles: readonly Article[], needs?: ContentNeeds): Promise<ContentLookup>;
  /**
   * The version of an article's content as this snapshot has it; the article object alone does
   * not say it (a file broken after a good version keeps that version's article, and its HTML
   * while it is held, else the description).
   */
  contentVersionOf(article: Article): string;
  /**
   * Rendered responses by key, within the response budget. Those made from inputs that say all
   * they depend on (see KeptResponse) come over from the snapshot before, and serve on while
   * their inputs are the same; the others are dropped with the snapshot.
   */
  readonly responses: LruCache<KeptResponse>;
  /**
   * Ready answers by request URL (see http/respond.ts), within a budget of their own, kept with
   * {@link keepAnswer}. An answer serves a response of {@link responses} and goes when that
   * response goes (else an archive walked page by page would keep every page); so it counts for
   * its headers only, and a feed's bytes count once, where they are held.
   */
  readonly answers: LruCache<ReadyAnswer>;
  /** Keeps a ready answer for a URL, counted for `size` bytes, for as long as the response it serves is kept. */
  keepAnswer(url: string, answer: ReadyAnswer, size: number): void;
  /** The ready answer for a URL, its response marked as used too (a feed polled from here is one asked for again). */
  answerFor(url: string): ReadyAnswer | undefined;
  /** Memo of small values derived from this snapshot, dropped with it. */
  memo<T>(key: string, compute: () => T): T;
  /**
   * When an article was last taken out of each scope (by `scopeKey`; `''` the whole site) while
   * this process ran: its file deleted, or changed so that it left its places (made a draft,
   * moved to another category or language, re-dated). Taking one out moves no time of the
   * articles a feed still shows, yet changes the feed, so its `Last-Modified` must move too (see
   * `lastChangeOf`). Empty where no clock dates such changes (builds, exports, Workers).
   */
  readonly takenOutAt: ReadonlyMap<string, number>;
}

/**
 * A rendered response as a snapshot keeps it: the promise of it, and, for one that depends on
 * nothing but them, its inputs (for a feed: the articles it shows, its scope's names, how many
 * articles the scope holds, when it last lost one). A response with inputs is used again only
 * while a request's inputs are the same values (`Object.is`, one by one), in this snapshot or a
 * later one; articles that no change touched are the same objects from snapshot to snapshot,
 * so a change to one category leaves the feeds of every other as they were rendered, hashed
 * and compressed.
 */
export interface KeptResponse {
  /** Its key in {@link Snapshot.responses}. */
  readonly key: string;
  readonly made: Promise<unknown>;
  readonly inputs?: readonly unknown[];
}

/** A ready answer, as the host's HTTP layer made it, and the kept response it serves. */
export interface ReadyAnswer {
  readonly kept: KeptResponse;
}

/** What a snapshot is made with beyond its catalog and content. */
export interface SnapshotOptions {
  /** Budget for rendered responses (bytes); {@link DEFAULT_RESPONSE_CACHE_SIZE} by default. */
  readonly responseCacheSize?: number;
  /** Budget for ready answers' headers (bytes); {@link DEFAULT_ANSWER_CACHE_SIZE} by default. */
  readonly answerCacheSize?: number;
  /** See Snapshot.takenOutAt; empty by default. */
  readonly takenOutAt?: ReadonlyMap<string, number>;
  /** The snapshot this one follows, whose responses with inputs it takes over (see KeptResponse). */
  readonly after?: Snapshot;
}

/**
 * Budget for rendered responses, in bytes: each counts for the bytes it holds, its body and the
 * coded variants made of it. 64 MB holds every feed of an OPML of 27 scopes in full (81 feeds
 * of 475 KB, with one coded form each) with room to spare.
 */
export const DEFAULT_RESPONSE_CACHE_SIZE = 64_000_000;

/** Budget for ready answers, in bytes: each counts for its headers (see Snapshot.answers). */
export const DEFAULT_ANSWER_CACHE_SIZE = 32_000_000;

const NOTHING_TAKEN_OUT: ReadonlyMap<string, number> = new Map();

export function createSnapshot(
  catalog: Catalog,
  version: number,
  content: ContentProvider,
  {
    responseCacheSize = DEFAULT_RESPONSE_CACHE_SIZE,
    answerCacheSize = DEFAULT_ANSWER_CACHE_SIZE,
    takenOutAt = NOTHING_TAKEN_OUT,
    after,
  }: SnapshotOptions = {},
): Snapshot {
  const memo = new Map<string, unknown>();
  // The URLs whose answers serve each kept response, to drop them with it.
  const answeredAt = new WeakMap<KeptResponse, Set<string>>();
  const answers = createLruCache<ReadyAnswer>(answerCacheSize, { onDrop: (url, { kept }) => answeredAt.get(kept)?.delete(url) });
  const dropAnswers = (_key: string, kept: KeptResponse) => {
    for (const url of answeredAt.get(kept) ?? []) answers.delete(url);
    answeredAt.delete(kept);
  };
  // Only responses already made and sized: one still being rendered is sized in the snapshot it was asked of.
  const carried = after?.responses.copy((kept, size) => kept.inputs !== undefined && size > 0, responseCacheSize, { onDrop: dropAnswers });
  const responses = carried ?? createLruCache<KeptResponse>(responseCacheSize, { onDrop: dropAnswers });
  return {
    catalog,
    version,
    takenOutAt,
    loadContent: (articles, needs) => content.load(articles, needs),
    contentVersionOf: (article) => content.versionOf(article),
    responses,
    answers,
    answerFor(url) {
      const answer = answers.get(url);
      if (answer !== undefined) responses.get(answer.kept.key);
      return answer;
    },
    keepAnswer(url, answer, size) {
      // A response no longer kept (evicted meanwhile) has no answer kept either.
      if (responses.peek(answer.kept.key) !== answer.kept) return;
      // First, as it drops an answer it replaces (and that answer's URL from its response's).
      answers.set(url, answer, size);
      if (answers.peek(url) !== answer) return;
      let urls = answeredAt.get(answer.kept);
      if (urls === undefined) answeredAt.set(answer.kept, (urls = new Set()));
      urls.add(url);
    },
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
  /** The latest complete snapshot, if one has been made yet (no waiting). */
  peek(): Snapshot | undefined;
  /** Re-checks every file and swaps in a new snapshot once it is complete. */
  reload(): Promise<Snapshot>;
  /**
   * Re-reads just these files (changed, added or removed), and the files of `folders` (folders
   * that came or went: those known in them and those listed there now), and swaps in a new snapshot.
   * Updates asked for while another is made are made together, after it: one snapshot for all.
   */
  update(paths: readonly string[], folders?: readonly string[]): Promise<Snapshot>;
}

/** A store over one snapshot that never changes (pre-built content, tests). */
export function createFixedStore(snapshot: Snapshot): ContentStore {
  const same = async () => snapshot;
  return { current: same, peek: () => snapshot, reload: same, update: same };
}
