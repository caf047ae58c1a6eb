/**
 * The content store of hosts that read article files (Node, the Workers build, tests).
 *
 * - Indexing reads the start of each file only; an unchanged file (same size and modification
 *   time) is taken from the previous index - in memory, or persisted by the host - unread.
 * - A change to some files re-indexes just those files and swaps in a new snapshot; a file that
 *   turns invalid keeps its last good version until it is valid again.
 * - Article HTML is rendered from the whole file when a response first shows it, and kept within
 *   a size budget across snapshots (keyed by file version, so an edit is never served stale).
 *
 * @example
 * const store = createContentStore(createFsSource('content'), site);
 * const { catalog } = await store.current();
 * await store.update(['2024/11/story.md']);
 */
import { escapeHtml } from '../feeds/xml.ts';
import { KEPT_VERSION, type Article, type Problem } from '../articles/article.ts';
import { assembleArticles, INDEX_MANY_FROM, indexFile, indexSource, mapCodesInSlices, sameStamp, updateArticles, type Clashes, type EntryChange, type IndexEntry, type IndexMany, type IndexOptions, type KnownEntries, type LoadedArticles } from '../articles/load.ts';
import { bundleFolderOf } from '../articles/bundle.ts';
import { renderMarkdown } from '../articles/markdown.ts';
import { extractContent } from '../articles/normalize.ts';
import { parseArticleFile } from '../articles/parse.ts';
import { letThrough } from '../let-through.ts';
import type { Site } from '../site.ts';
import { createSortedMap, placeIn } from '../sorted-map.ts';
import { comparePaths, isSafeContentPath, stampsReusing, type ContentSource, type FileStamp, type FolderStamp } from '../sources/source.ts';
import { createUrls } from '../urls.ts';
import { compareNewestFirst, createCatalog, scopeKeysOf, type Catalog } from './catalog.ts';
import { MOST_CHANGED_ARTICLES, updateCatalog, type CatalogChange } from './catalog-change.ts';
import { createContentCache, type ContentCache, type FetchedContent } from './content-cache.ts';
import { createSnapshot, type ContentStore, type Snapshot } from './snapshot.ts';

/**
 * Entries read back from where a host keeps them, and - when they were saved with it - the
 * collection they made: a restart that finds every file unchanged publishes that as it is,
 * without checking 100,000 codes and slugs for clashes and sorting the articles again.
 */
export interface PersistedEntries extends KnownEntries {
  readonly collection?: LoadedArticles;
}

/** What the entries of a save made of the collection: its articles newest first, its problems. */
export interface SavedCollection {
  readonly articles: readonly Article[];
  readonly problems: readonly Problem[];
  readonly drafts: number;
  /** What its clashes of codes and slugs involve (when known), so that a change after a restart can update it (see updateArticles). */
  readonly clashes?: Clashes;
}

/** The paths of the listing the last run's entries came from, and the folders it read. */
export interface SavedListing {
  readonly paths: readonly string[];
  readonly folders: readonly FolderStamp[];
}

/** Where a host keeps the index between runs (Node: a file of its own). */
export interface IndexCache {
  /** The entries of the last run, or `undefined` when there is no usable cache. */
  load(): Promise<PersistedEntries | undefined>;
  /**
   * The listing the entries that {@link load} gives were saved with, had before they are
   * checked (`undefined`: none saved, or none to be had): when it still holds, a restart stats
   * its files while `load` checks the entries, and lists no folder.
   */
  listing?(): SavedListing | undefined;
  /** Whether there is anything to load at all (when it cannot be, the first scan skips the stat calls). */
  exists?(): boolean;
  /**
   * Keeps `entries` (in path order) and, when given, what they made of the collection and the
   * folders of the listing they came from (see {@link ContentSource.foldersOf}).
   */
  save(entries: readonly IndexEntry[], collection?: SavedCollection, folders?: readonly FolderStamp[]): Promise<void>;
  /** Finishes the writes that `save` scheduled (before the process exits). */
  flush(): Promise<void>;
}

export interface ContentStoreOptions {
  /** Called with each new snapshot, e.g. to log its problems. */
  readonly onLoad?: (snapshot: Snapshot) => void;
  /** Keeps the index between runs; written in the background after changes. */
  readonly cache?: IndexCache;
  /** Budget for rendered article content (HTML and the JSON Feed items made from it), in bytes (see `createContentCache`). */
  readonly contentCacheSize?: number;
  /** Budget for the rendered responses, in bytes (see Snapshot.responses). */
  readonly responseCacheSize?: number;
  /** Budget for ready answers' headers, in bytes (see Snapshot.answers). */
  readonly answerCacheSize?: number;
  /** Told how far a scan of the whole folder has come (files done, files found). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Reads many files at once (the Node host: in several processes) when a scan finds many new or changed. */
  readonly indexMany?: IndexMany;
  /** Keeps rendered HTML between runs (see {@link ContentKeeper}). */
  readonly keeper?: ContentKeeper;
  /**
   * How long after the first snapshot a start that took its files from the index lists the
   * folder to confirm them (see confirmListing), in ms; default {@link CONFIRM_LISTING_AFTER_MS}.
   * `Infinity`: never, for a process that renders from the index it is given and nothing else
   * (see parallel-export.ts).
   */
  readonly confirmListingAfterMs?: number;
  /** From how many saved folders a restart watches them only after its first snapshot; default {@link WATCH_LATE_FROM}. */
  readonly watchLateFrom?: number;
  /**
   * Assembles the collection and makes the catalog of every snapshot whole, as a first scan
   * does, instead of from the last one where a change allows (see updateArticles and
   * updateCatalog): the same catalog, more slowly; for comparing.
   */
  readonly wholeCatalogs?: boolean;
  /**
   * The clock that dates an article's taking out of its scopes (see Snapshot.takenOutAt), for a
   * server, whose readers hold the responses before. None for a build or an export, whose every
   * response must be what one made afresh from the same files would be.
   */
  readonly takenOutClock?: () => number;
  /**
   * Whether each snapshot takes over the responses of the one before that say what they depend
   * on (see KeptResponse); by default it does. `false`: every snapshot renders its responses
   * afresh; for comparing.
   */
  readonly carryResponses?: boolean;
}

/**
 * The first requests after a restart go before the listing that confirms the files: listing
 * 100,000 files holds requests up for 10-20 ms a folder, and the first feed after a restart
 * took 0.1 s instead of 0.02 s when it came in meanwhile.
 */
export const CONFIRM_LISTING_AFTER_MS = 1000;

/**
 * How many folders a start hands on (to be watched) before its first snapshot. A restart whose
 * saved listing has more hands on none, a first start those it lists first; the others are
 * handed on by a listing a while after the first snapshot (see confirmListing), which then also
 * checks every file's stamp: a file edited between the start's read or stat of it and its
 * folder's watch is read then. Watching a folder takes about 8 µs on the main thread: a folder
 * per article (Hugo's page bundles, `2024/my-story/index.md`) made a restart at 100,000
 * articles wait 1.64-1.74 s for its first feed rather than 0.93-0.96 s.
 */
export const WATCH_LATE_FROM = 1000;

/**
 * Where a host keeps rendered article HTML between runs, so that the first responses after a
 * restart render none of what the last run had rendered. HTML is kept by article version (see
 * {@link contentVersion}): after a restart it is taken only for articles whose file has the
 * same size, modification time and slug as when it was rendered.
 */
export interface ContentKeeper {
  /** [version, html] pairs as `keep` last kept them; `undefined` when there are none usable. */
  load(): Promise<Iterable<readonly [string, string]> | undefined>;
  /** Keeps [version, html] pairs, most recently used first (a keeper with a budget keeps the first). */
  keep(content: readonly (readonly [string, string])[]): Promise<void>;
}

/** What names one version of an article's content: its file's path, size and modification time, and its slug (links are made from it). */
export function contentVersion(article: Article, stamp: FileStamp | undefined): string {
  return `${article.path}\u0000${stamp?.size}\u0000${stamp?.mtimeMs}\u0000${article.slug}`;
}

/** The path of the file a {@link contentVersion} names. */
function pathOfVersion(version: string): string {
  return version.slice(0, version.indexOf('\u0000'));
}

/** Budget for rendered article content: about 1,600 articles of 10,000 characters (1,000 once JSON Feeds show them too). */
export const DEFAULT_CONTENT_CACHE_SIZE = 32_000_000;

/** Article HTML rendered from the whole file on first use, kept per file version. */
export function createFileContent(
  source: ContentSource,
  site: Site,
  stampOf: (path: string) => FileStamp | undefined,
  cacheSize = DEFAULT_CONTENT_CACHE_SIZE,
): ContentCache {
  const urls = createUrls(site.baseUrl);
  const render = async (article: Article): Promise<FetchedContent> => {
    try {
      const parsed = parseArticleFile(article.path, await source.read(article.path));
      // A page bundle's links resolve against its folder, where the files beside it are served.
      const base = bundleFolderOf(article.path) === undefined ? urls.article(article.slug) : urls.articleFolder(article.slug);
      if (parsed.ok) return { html: await renderMarkdown(extractContent(parsed.value), base) };
    } catch {
      // the file went away or cannot be read between indexing and now: fall through
    }
    return { html: `<p>${escapeHtml(article.description)}</p>\n` };
  };
  return createContentCache(cacheSize, render, (article) => contentVersion(article, stampOf(article.path)));
}

/** The stamp of the version an entry's content comes from (see keepLastGood). */
function contentStampOf(entry: IndexEntry | undefined): FileStamp | undefined {
  return entry?.keptStamp ?? entry?.stamp;
}

/** A problem telling that an invalid file is served in its last good version. */
function keptVersion(path: string): Problem {
  return { path, severity: 'warning', message: KEPT_VERSION };
}

/**
 * A half-written or broken file must not make a good article disappear: when a new version of
 * a file cannot be served and the previous one could, the previous article stays, with the new
 * version's problems (and stamp, so that the same broken version is not read again), and its
 * content is that version's (`keptStamp`): the HTML rendered from it while it is still held,
 * else, the file no longer having it, the description.
 */
function keepLastGood(entry: IndexEntry, old: IndexEntry | undefined): IndexEntry {
  const failed = entry.problems.some((problem) => problem.severity === 'error');
  if (!failed || old?.article === undefined) return entry;
  const keptStamp = old.keptStamp ?? old.stamp;
  return { path: old.path, draft: old.draft, article: old.article, stamp: entry.stamp, keptStamp, problems: [...entry.problems, keptVersion(entry.path)] };
}

/**
 * The articles a change to files took out and put in (see updateCatalog); `undefined` for more
 * than it takes, which are counted rather than listed (listing those of 33,334 files, a bulk
 * change, took 13-40 ms while requests waited, only for the catalog to be made whole).
 */
function catalogChange(changes: readonly EntryChange[]): CatalogChange | undefined {
  let articles = 0;
  for (const { before, after } of changes) articles += (before?.article === undefined ? 0 : 1) + (after?.article === undefined ? 0 : 1);
  if (articles > MOST_CHANGED_ARTICLES) return undefined;
  const articleOf = (entry: IndexEntry | undefined) => (entry?.article === undefined ? [] : [entry.article]);
  return { paths: new Set(changes.map(({ path }) => path)), before: changes.flatMap(({ before }) => articleOf(before)), after: changes.flatMap(({ after }) => articleOf(after)) };
}

/**
 * Whether a file's change takes its article out of the places it had in its scopes' lists: the
 * file deleted, the article made a draft or left out for errors, moved to another language or
 * category, or re-dated. An article edited in place needs no date of its taking out: a response
 * that shows it takes its file's time.
 */
function takesOut(before: Article, after: IndexEntry | undefined): boolean {
  const next = after === undefined || after.draft ? undefined : after.article;
  return (
    next === undefined ||
    next.published !== before.published ||
    next.language.toLowerCase() !== before.language.toLowerCase() ||
    next.category?.slug !== before.category?.slug
  );
}

/**
 * `takenOut` (see Snapshot.takenOutAt) after a change made at `time`: the scopes the articles it
 * takes out (see takesOut) were in, and the whole site, get `time`.
 */
function takenOutAfter(takenOut: ReadonlyMap<string, number>, changes: readonly EntryChange[], time: number): ReadonlyMap<string, number> {
  // Scopes named once per language and category, not once per article (a bulk change has thousands).
  const places = new Map<string, Article>();
  for (const { before, after } of changes) {
    const article = before?.article;
    if (article !== undefined && takesOut(article, after)) places.set(`${article.language}\n${article.category?.slug ?? ''}`, article);
  }
  if (places.size === 0) return takenOut;
  const next = new Map(takenOut).set('', time);
  for (const { language, category } of places.values()) for (const key of scopeKeysOf(language, category?.slug)) next.set(key, time);
  return next;
}

/** How long a change reads files before it lets requests through (see changeFiles). */
const LET_THROUGH_EVERY_MS = 20;

/**
 * The fewest changed files whose change, made from the last collection and catalog, lets
 * requests through after each of the two (as it does every 20 ms while it reads the files, and
 * as a change made whole does). At 100,000 articles the two take 15 ms together for 200 files,
 * 22 ms for 500, 27 ms for 1,000 and 51 ms for 2,000 (more on a busy server); below 200, a
 * change goes out in one go. By turns at 100k, 1,500 files appended to at once: the slowest
 * request 45-101 ms (median 70) against 97-154 ms (median 130) in one go, the change served
 * 26 ms later by the median (323 against 297 ms); 400 files, 38-52 ms against 68-93 ms.
 */
export const PAUSED_FROM_FILES = 200;

/** Where an entry for `path` is or would go among entries in path order. */
function placeOfPath(entries: readonly IndexEntry[], path: string): number {
  return placeIn(entries, (entry) => comparePaths(entry.path, path) < 0);
}

/**
 * Entries in path order with a change applied (each changed file's entry out, its new one in),
 * made in one pass: the unchanged runs between the changed files are copied as they are.
 */
function mergeChanges(ordered: readonly IndexEntry[], changes: readonly EntryChange[]): IndexEntry[] {
  const next: IndexEntry[] = [];
  let from = 0;
  for (const { path, after } of [...changes].sort((a, b) => comparePaths(a.path, b.path))) {
    const at = placeOfPath(ordered, path);
    for (let index = from; index < at; index += 1) next.push(ordered[index] as IndexEntry);
    from = ordered[at]?.path === path ? at + 1 : at;
    if (after !== undefined) next.push(after);
  }
  for (let index = from; index < ordered.length; index += 1) next.push(ordered[index] as IndexEntry);
  return next;
}

/**
 * The entries of `previous` whose files are not among `indexed`, as a change. `inPathOrder`:
 * `indexed` is known to be in strictly rising path order (see entriesByPath).
 */
function entriesGone(previous: KnownEntries, indexed: readonly IndexEntry[], inPathOrder: boolean): EntryChange[] {
  const gone: EntryChange[] = [];
  // Both in path order, as a rule (the index is saved so, a scan lists so): walked side by side,
  // with no set of 100,000 paths (40-50 ms of a restart after a deploy that removed an article).
  if (inPathOrder) {
    let at = 0;
    let last: string | undefined;
    for (const before of previous.values()) {
      const { path } = before;
      if (last !== undefined && !(last < path)) return entriesGoneInAnyOrder(previous, indexed);
      last = path;
      while (at < indexed.length && (indexed[at] as IndexEntry).path < path) at += 1;
      if (indexed[at]?.path !== path) gone.push({ path, before });
    }
    return gone;
  }
  return entriesGoneInAnyOrder(previous, indexed);
}

function entriesGoneInAnyOrder(previous: KnownEntries, indexed: readonly IndexEntry[]): EntryChange[] {
  const there = new Set(indexed.map(({ path }) => path));
  return [...previous.values()].filter(({ path }) => !there.has(path)).map((before) => ({ path: before.path, before }));
}

/**
 * Entries in path order, by path: looked up by binary search rather than put in a Map (a scan
 * lists its files in path order; at 100,000 a Map took 50-85 ms of a first start, its last
 * steps on one core). Any other order gets a Map.
 */
function entriesByPath(entries: readonly IndexEntry[]): ReadonlyMap<string, IndexEntry> {
  try {
    return createSortedMap(entries, (entry) => entry.path);
  } catch {
    return new Map(entries.map((entry) => [entry.path, entry]));
  }
}

/** What the first scan took from the persisted index and what it read (for the start's log line). */
export interface StartReport {
  /** Whether there was a usable index; without one, every file was read. */
  readonly fromIndex: boolean;
  /** Files read: every file without an index; with one, those added or changed since it was written. */
  readonly read: number;
  /** Files of the index that were gone. */
  readonly gone: number;
}

/** A content store of files, which can hand the HTML it rendered to the next run (see {@link ContentKeeper}). */
export interface FileContentStore extends ContentStore {
  /** Gives the rendered HTML held to the keeper, if there is one. */
  keepContent(): Promise<void>;
  /** What the first scan took from the index and read; `undefined` until it is done. */
  startReport(): StartReport | undefined;
  /** The stamp a file had when the latest snapshot's entry for it was read; `undefined` for a file it does not hold. */
  stampOf(path: string): FileStamp | undefined;
}

export function createContentStore(source: ContentSource, site: Site, options: ContentStoreOptions = {}): FileContentStore {
  let entries: PersistedEntries = new Map();
  // What `entries` made of the collection (see publish).
  let lastLoaded: LoadedArticles | undefined;
  // `entries` in path order, when they are known to be (see publish); a change splices them.
  let pathOrdered: readonly IndexEntry[] | undefined;
  // The folders of the listing that `entries` came from: a change to a file since leaves them
  // as they were (adding or removing one changes its folder's time, so they no longer hold).
  let folders: readonly FolderStamp[] | undefined;
  // Cleared once folder times are found not to tell of every file added or removed (see confirmListing).
  let trustFolders = true;
  // The catalog of the collection saved with the index, made while the stat threads finish (see scanFirst).
  let early: { readonly loaded: LoadedArticles; readonly catalog: Catalog } | undefined;
  let published: Snapshot | undefined;
  let version = 0;
  let latest: Promise<Snapshot> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  // The change waiting for its turn, if one is: what is reported meanwhile joins it (see update).
  let waiting: { readonly paths: Set<string>; readonly folders: Set<string>; readonly made: Promise<Snapshot> } | undefined;
  // What the last scan of the whole folder took from `previous` and read, and the first one's.
  let scanned: StartReport | undefined;
  let started: StartReport | undefined;
  const content = createFileContent(source, site, (path) => contentStampOf(entries.get(path)), options.contentCacheSize);

  /**
   * Publishes the entries of `next` (`ordered`: them in path order, when the caller has that
   * already) and has them saved with what they make of the collection - unless that is known
   * already (`collection`: nothing changed since it was saved, so there is nothing to save) -
   * and with the folders of the listing they came from (`listed`; by default the last one's).
   * `changes`: the files changed since the snapshot published last (or, before the first, since
   * the index was saved), when they are known (its collection and catalog are then made from the
   * last ones where they can be; see updateArticles and updateCatalog).
   * Once a snapshot is out, requests are let through before and after the collection and after
   * the catalog when either is made whole (each about 0.1 s at 100,000 articles: a bulk edit held
   * requests for both at once), and inside the catalog's making (see catalogMadeWhole), answered
   * from that snapshot: nothing of this one is seen before it is out whole. Made from the last
   * ones (a change to a few files: a few milliseconds each), they are made in one go, so that the
   * change is out as soon as it can be (letting requests through there served one-file changes
   * 12 ms later, by the median of 54 by turns at 100k), but for PAUSED_FROM_FILES files or more,
   * with requests let through after each.
   */
  const publish = async (next: ReadonlyMap<string, IndexEntry>, ordered?: readonly IndexEntry[], collection?: LoadedArticles, listed = folders, changes?: readonly EntryChange[]) => {
    // Requests waiting meanwhile go first, once there is a snapshot to answer them from.
    const waitingFirst = () => (published === undefined ? Promise.resolve() : letThrough());
    const inOrder = ordered ?? [...next.values()].sort((a, b) => comparePaths(a.path, b.path));
    // After a change to a few files, the collection and catalog are made from the last ones where
    // they can be: those published last, or on a restart those saved with the index (see scanFirst).
    const before = published !== undefined && lastLoaded !== undefined ? { loaded: lastLoaded, catalog: published.catalog } : early;
    const last = changes !== undefined && before !== undefined && options.wholeCatalogs !== true ? { ...before, changes } : undefined;
    const many = changes !== undefined && changes.length >= PAUSED_FROM_FILES;
    const kept = collection ?? (last && updateArticles(last.loaded, last.changes));
    // Made whole, the collection follows the reading and merging of the changed files (tens of
    // milliseconds for a bulk change): requests that came meanwhile go first here too.
    if (kept === undefined) await waitingFirst();
    const loaded = kept ?? assembleArticles(inOrder);
    if (kept === undefined || many) await waitingFirst();
    const change = last && catalogChange(last.changes);
    const updated = early?.loaded === loaded ? early.catalog : change && updateCatalog(last.catalog, loaded, change, site);
    const catalog = updated ?? (await catalogMadeWhole(loaded));
    if (updated === undefined || many) await waitingFirst();
    entries = next;
    holdKeptContent(changes);
    folders = trustFolders ? listed : undefined;
    // A Map of entries given with their order may have them in the listing's order, which need
    // not be path order; a sorted map was checked to be in it.
    pathOrdered = ordered === undefined || !(next instanceof Map) ? inOrder : undefined;
    lastLoaded = loaded;
    early = undefined;
    const takenOut = published?.takenOutAt ?? new Map<string, number>();
    const { takenOutClock } = options;
    const takenOutAt = changes === undefined || takenOutClock === undefined ? takenOut : takenOutAfter(takenOut, changes, takenOutClock());
    const snapshot = createSnapshot(catalog, ++version, content, {
      ...(options.responseCacheSize === undefined ? {} : { responseCacheSize: options.responseCacheSize }),
      ...(options.answerCacheSize === undefined ? {} : { answerCacheSize: options.answerCacheSize }),
      takenOutAt,
      ...(published === undefined || options.carryResponses === false ? {} : { after: published }),
    });
    published = snapshot;
    options.onLoad?.(snapshot);
    const { articles, problems } = snapshot.catalog;
    if (collection === undefined) void options.cache?.save(inOrder, { articles, problems, drafts: loaded.drafts, ...(loaded.clashes ? { clashes: loaded.clashes } : {}) }, folders);
    return snapshot;
  };

  /**
   * The catalog of `loaded` made whole. Once a snapshot is out, its articles are sorted first and
   * requests let through before they are put into their scopes: at 100,000 articles the two take
   * about 30 and 50 ms, and in one go a bulk change held a request for the whole of it (127 ms,
   * traced, with 30,000 files touched). By turns, seven pairs of 30,000 files touched at 100k: the
   * slowest request 78-117 ms (median 105) against 110-150 ms (median 116); the assembly of the
   * collection, a step of its own, is now the longest.
   */
  const catalogMadeWhole = async (loaded: LoadedArticles): Promise<Catalog> => {
    if (published === undefined || loaded.newestFirst === true) return createCatalog(loaded, site);
    const articles = [...loaded.articles].sort(compareNewestFirst);
    await letThrough();
    return createCatalog({ articles, articleBySlug: loaded.articleBySlug, problems: loaded.problems, newestFirst: true }, site);
  };

  /** Indexes the files of a listing (and the folders it read, when known), taking what it can from `previous`. */
  type Scan = IndexOptions & { readonly paths: readonly string[]; readonly folders: readonly FolderStamp[] | undefined; readonly previous?: PersistedEntries };
  const scan = async ({ folders: listed, ...run }: Scan) => {
    const { previous } = run;
    const { onProgress, indexMany } = options;
    // The files read again, each with its entry in `previous` (if it had one).
    const changes: EntryChange[] = [];
    const settle = (entry: IndexEntry, old: IndexEntry | undefined) => {
      const after = keepLastGood(entry, old);
      changes.push({ path: after.path, ...(old ? { before: old } : {}), after });
      return after;
    };
    const indexed = await indexSource(source, site, { ...run, settle, ...(onProgress ? { onProgress } : {}), ...(indexMany ? { indexMany } : {}) });
    if (previous === undefined) {
      scanned = { fromIndex: false, read: indexed.length, gone: 0 };
      return publish(entriesByPath(indexed), indexed, undefined, listed);
    }
    // Every file taken unread from `previous`, and none gone: the same entries as before.
    const gone = previous.size - (indexed.length - changes.filter(({ before }) => before === undefined).length);
    scanned = { fromIndex: true, read: changes.length, gone };
    // Nothing changed (a restart over an untouched folder): the previous entries are these, and
    // they make the collection they made before (nothing to save, either).
    if (changes.length === 0 && gone === 0) return publish(previous, indexed, previous.collection ?? assembleArticles(indexed), listed);
    // Else the files read again and those gone are the change to make (a restart over a folder
    // edited while the server was stopped: the saved collection and its catalog, updated).
    // A sorted map of them is one checked to be in path order (any other order gets a Map).
    const byPath = entriesByPath(indexed);
    if (gone > 0) changes.push(...entriesGone(previous, indexed, !(byPath instanceof Map)));
    return publish(byPath, indexed, undefined, listed, changes);
  };

  /**
   * The first scan: while other threads stat every file, this one reads the persisted index, so
   * that a restart waits for the slower of the two rather than for both. The files are those
   * the index was saved with when no folder's time has changed since; then the folder is listed
   * a while after the first snapshot is out (see confirmListing and CONFIRM_LISTING_AFTER_MS).
   */
  const scanFirst = async () => {
    const { cache } = options;
    const restarting = cache !== undefined && (cache.exists?.() ?? true);
    // The stat threads start while the index is opened; on a first start, the indexing
    // processes start while the rest of the folder is listed, once it is long enough for them.
    if (restarting) source.prepareStamps?.();
    const { indexMany } = options;
    const prepareIndexing =
      restarting || indexMany?.prepare === undefined
        ? undefined
        : (listed: number) => {
            if (listed >= INDEX_MANY_FROM) indexMany.prepare?.();
          };
    // The files the index was saved with, when no folder's time has changed since; else those
    // of the folders whose time has not, and a listing of the others (files added or removed while stopped).
    const saved = cache?.listing?.();
    const after = options.confirmListingAfterMs ?? CONFIRM_LISTING_AFTER_MS;
    // Folders watched before the first snapshot: past these, the listing that confirms the start
    // watches them (see WATCH_LATE_FROM). A source that hands none on (a static export, a build) has none to put off.
    const watchedFirst = Number.isFinite(after) && source.handsOnFolders === true ? (options.watchLateFrom ?? WATCH_LATE_FROM) : Number.POSITIVE_INFINITY;
    // Such a restart reads its folders' times with its files' stamps, on the stat threads, while
    // this thread decodes the index (see checkListing); a source that cannot watches them first.
    const watchLate = saved !== undefined && saved.folders.length >= watchedFirst && source.checkListing !== undefined;
    const checking = watchLate ? source.checkListing?.(saved.folders, saved.paths) : undefined;
    checking?.catch(() => undefined);
    const loading = checking && cache?.load();
    loading?.catch(() => undefined);
    const checked = await checking?.catch(() => undefined);
    const holds = saved !== undefined && (checked !== undefined ? checked.folderTimes === undefined : checking === undefined && (await source.listingHolds?.(saved.folders)) === true);
    const relisted = !holds && saved !== undefined && source.relist !== undefined ? await source.relist(saved.paths, saved.folders, watchedFirst, checked?.folderTimes) : undefined;
    const paths = holds ? saved.paths : (relisted ?? (await source.list(prepareIndexing, watchedFirst)));
    // The check took the stamps of the files the index was saved with: where the listing moved
    // on (files added or removed while stopped), only the files new to it are stat'ed.
    const stamping = !restarting
      ? undefined
      : checked === undefined || saved === undefined
        ? source.stamps(paths)
        : holds
          ? Promise.resolve(checked.stamps)
          : stampsReusing(paths, { paths: saved.paths, stamps: checked.stamps }, (rest) => source.stamps(rest));
    stamping?.catch(() => undefined);
    const previous = await (loading ?? cache?.load());
    // This thread would wait for the stat threads now: it makes the catalog of the saved
    // collection meanwhile, which is the catalog to publish if no file changed (and is dropped if one did).
    if (previous?.collection !== undefined && stamping !== undefined) early = { loaded: previous.collection, catalog: createCatalog(previous.collection, site) };
    let snapshot: Snapshot;
    if (previous !== undefined && stamping !== undefined) {
      snapshot = await scan({ paths, folders: holds ? saved.folders : source.foldersOf?.(paths), previous, stamps: await stamping });
      const trusted = holds || relisted !== undefined;
      const settle = async () => {
        // A start that put off watching lists again whatever it listed first.
        if (trusted || watchLate) await confirmListing(watchLate);
        await mapCodes();
      };
      if (after <= 0) void settle();
      // (unref: where timers have it, the wait does not keep the process alive)
      else if (Number.isFinite(after)) (setTimeout(() => void settle(), after) as { unref?: () => void }).unref?.();
    } else {
      // No usable index after all (and a listing that came with it is not to be trusted): every file is read.
      const listed = holds || relisted !== undefined ? await source.list() : paths;
      const folders = source.foldersOf?.(listed);
      snapshot = await scan({ paths: listed, folders });
      // A first listing that watched only the first folders: the others are watched by listing
      // again once this is out, and the files read meanwhile are checked then.
      if (listed === paths && folders !== undefined && folders.length > watchedFirst) {
        (setTimeout(() => void confirmListing(true), Math.max(0, after)) as { unref?: () => void }).unref?.();
      }
    }
    started = scanned;
    await restoreContent();
    return snapshot;
  };

  /**
   * Lists the folder after a start that took its files from the index (or that watched only
   * some folders), and applies what the listing finds added or removed as a change. On a file
   * system that keeps folder times as POSIX says it finds nothing; some network and FUSE file
   * systems do not (git keeps its untracked cache, the same idea, opt-in for them). There, a file added or removed while the
   * server was stopped shows about a second after the start, as a change made then would, and
   * this run saves no folder times, so the next start lists first.
   * With `checkStamps` (a start that watched no folder before it served, see WATCH_LATE_FROM),
   * every file's stamp is checked too once its folder is watched, and a file edited since the
   * start stat'ed it is read again: an edit leaves its name and its folder's time as they were.
   */
  const confirmListing = async (checkStamps: boolean) => {
    try {
      const listed = await source.list();
      const known = [...entries.keys()].sort();
      const differ: string[] = [];
      // Both in path order: walked side by side, each path not in the other is a difference
      // (checked again on disk by the change, as a watcher's report is).
      let at = 0;
      let knownAt = 0;
      while (at < listed.length || knownAt < known.length) {
        const path = listed[at];
        const knownPath = known[knownAt];
        if (path === knownPath) {
          at += 1;
          knownAt += 1;
        } else if (path !== undefined && (knownPath === undefined || path < knownPath)) {
          differ.push(path);
          at += 1;
        } else {
          differ.push(knownPath as string);
          knownAt += 1;
        }
      }
      if (differ.length > 0) {
        trustFolders = false;
        folders = undefined;
      }
      if (checkStamps) {
        const stamps = await source.stamps(listed);
        listed.forEach((path, index) => {
          const entry = entries.get(path);
          if (entry !== undefined && !stamps.matches(index, entry.stamp)) differ.push(path);
        });
      }
      if (differ.length === 0) return;
      await enqueue(() => changeFiles(differ));
    } catch {
      // The folder cannot be listed now: the watcher reports what changes from here on.
    }
  };

  /**
   * Gives a collection read back from the index its map by code, between requests, so that the
   * first change after a restart does not make it (see mapCodesInSlices). A change that comes
   * first makes its own, and this one is dropped.
   */
  const mapCodes = async () => {
    const loaded = lastLoaded;
    if (loaded === undefined || loaded.articleById !== undefined || loaded.clashes === undefined || options.wholeCatalogs === true) return;
    const articleById = await mapCodesInSlices(loaded.articles, letThrough, () => lastLoaded !== loaded);
    if (articleById !== undefined && lastLoaded === loaded) lastLoaded = { ...loaded, articleById };
  };

  /**
   * Pins the HTML of the versions that files broken since keep (see keepLastGood) while the
   * content holds it, so that no eviction leaves them to the description (the file no longer has
   * it), and lets go of those no entry keeps any more (the file valid again, or gone). `changes`:
   * the entries just changed (a restart's pins are made as the kept HTML is restored).
   */
  const holdKeptContent = (changes: readonly EntryChange[] = []) => {
    for (const version of content.pinned()) {
      const entry = entries.get(pathOfVersion(version));
      if (entry?.article === undefined || entry.keptStamp === undefined || contentVersion(entry.article, entry.keptStamp) !== version) content.unpin(version);
    }
    for (const { after } of changes) {
      if (after?.article !== undefined && after.keptStamp !== undefined) content.pin(contentVersion(after.article, after.keptStamp));
    }
  };

  /** Takes the HTML the last run kept, for the articles whose version it still is. */
  const restoreContent = async () => {
    const kept = await options.keeper?.load().catch(() => undefined);
    // Least recently used first, so that the last run's most recent stay the most recent.
    for (const [version, html] of [...(kept ?? [])].reverse()) {
      const entry = entries.get(pathOfVersion(version));
      if (entry?.article === undefined || contentVersion(entry.article, contentStampOf(entry)) !== version) continue;
      content.restore(version, html);
      if (entry.keptStamp !== undefined) content.pin(version);
    }
  };

  /**
   * The files of `folders` (folders that came or went, at any depth): those known, and those
   * listed there now (each folder handed on as a listing hands it on). One pass over the known
   * paths, whatever the number of folders.
   */
  const filesOfFolders = async (folders: readonly string[]): Promise<string[]> => {
    const named = new Set(folders);
    const files: string[] = [];
    for (const path of entries.keys()) {
      for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
        if (named.has(path.slice(0, slash))) {
          files.push(path);
          break;
        }
      }
    }
    for (const folder of folders) files.push(...((await source.listFolder?.(folder)) ?? []));
    return files;
  };

  /**
   * Applies a change to the files `named`, and to those of `changedFolders` (see
   * filesOfFolders): each is read again unless its stamp is the same.
   * The entries are kept in path order, and the change is merged into them in one pass (at
   * 100,000 entries, copying them into a Map and sorting them again took 45-110 ms; splicing
   * each added or removed file in took 0.2 ms a file, 6 s for 30,000). While many files are
   * read, requests answered from memory are let through now and then.
   */
  const changeFiles = async (named: readonly string[], changedFolders: readonly string[] = []) => {
    const paths = changedFolders.length === 0 ? named : [...named, ...(await filesOfFolders(changedFolders))];
    const changes: EntryChange[] = [];
    let since = Date.now();
    for (const path of new Set(paths)) {
      // Also between files found unchanged: a folder checked for the first time names every file.
      if (Date.now() - since >= LET_THROUGH_EVERY_MS) {
        await letThrough();
        since = Date.now();
      }
      if (!isSafeContentPath(path)) continue;
      const stamp = await source.stat(path);
      const old = entries.get(path);
      if (old !== undefined && stamp !== undefined && sameStamp(old.stamp, stamp)) continue;
      if (old === undefined && stamp === undefined) continue;
      const after = stamp === undefined ? undefined : keepLastGood(await indexFile(source, path, site), old);
      changes.push({ path, ...(old ? { before: old } : {}), ...(after ? { after } : {}) });
    }
    if (changes.length === 0 && published) return published;
    const next = mergeChanges(pathOrdered ?? [...entries.values()].sort((a, b) => comparePaths(a.path, b.path)), changes);
    return publish(entriesByPath(next), next, undefined, folders, changes);
  };

  /**
   * Runs changes one after another, so that snapshots follow each other in order; requests keep
   * getting the last complete snapshot, also when a change fails. A change reported while
   * another is made waits for it, and what is reported after it joins it (see update): at 100k,
   * an rsync of the whole folder was reported in batches of a few hundred files, and made one
   * after another they kept the thread busy for 0.6 s at a time.
   */
  const enqueue = (work: () => Promise<Snapshot>) => {
    const previous = latest;
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    latest = previous ? result.catch(() => previous) : result;
    return result;
  };
  const first = () => latest ?? enqueue(scanFirst);
  const reload = async () => {
    await first();
    return enqueue(async () => {
      const paths = await source.list();
      return scan({ paths, folders: source.foldersOf?.(paths), previous: entries });
    });
  };

  return {
    current: first,
    peek: () => published,
    reload,
    update: async (paths, folders = []) => {
      // A source that cannot list one folder lists them all.
      if (folders.length > 0 && source.listFolder === undefined) return reload();
      await first();
      if (waiting !== undefined) {
        for (const path of paths) waiting.paths.add(path);
        for (const folder of folders) waiting.folders.add(folder);
        return waiting.made;
      }
      const change = { paths: new Set(paths), folders: new Set(folders) };
      const made = enqueue(async () => {
        // Requests that came during the change before go first, and names reported meanwhile join this one.
        await letThrough();
        waiting = undefined;
        return changeFiles([...change.paths], [...change.folders]);
      });
      waiting = { ...change, made };
      return made;
    },
    keepContent: async () => {
      await options.keeper?.keep(content.recent());
    },
    startReport: () => started,
    stampOf: (path) => entries.get(path)?.stamp,
  };
}
