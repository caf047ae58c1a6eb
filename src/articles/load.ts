/**
 * Source -> index entries -> articles. Indexing reads only the start of each file (front
 * matter and the first lines of the body are all the catalog needs); bodies are read again,
 * whole, only when a response shows them. An entry remembers the file's stamp, so that an
 * unchanged file is never parsed twice. Collection-wide rules (unique `code`, unique slug) are
 * applied when entries are assembled, in path order, so "the second file" of a clash is always
 * the same one.
 *
 * @example
 * const entries = await indexSource(createFsSource('content'), site);
 * const { articles, problems } = assembleArticles(entries);
 */
import type { CatalogScan } from '../catalog/catalog.ts';
import { changedMap, MOST_CHANGED_KEYS } from '../changed-map.ts';
import type { Site } from '../site.ts';
import { comparePaths, type ContentSource, type FileStamp, type Stamps } from '../sources/source.ts';
import type { Article, Problem } from './article.ts';
import { normalizeArticle, type NormalizeResult } from './normalize.ts';
import { parseArticleFile } from './parse.ts';

/** Bytes read from the start of a file to index it; a file that needs more is read whole. */
export const HEAD_BYTES = 2048;

/** What indexing learnt from one version of one file. */
export interface IndexEntry {
  readonly path: string;
  readonly stamp: FileStamp;
  /** The article, unless errors keep it out. */
  readonly article?: Article;
  readonly draft: boolean;
  readonly problems: readonly Problem[];
  /**
   * The stamp of the version whose article it keeps, when that is not the file's now: a file
   * broken after a good version keeps that version's article, and its content (see keepLastGood
   * in catalog/content-store.ts).
   */
  readonly keptStamp?: FileStamp | undefined;
}

export interface LoadedArticles {
  /**
   * Every publishable article (drafts and files with errors left out): in path order as
   * assembled here, newest first as a persisted index gives them back (see PersistedEntries),
   * in no particular order after {@link updateArticles}.
   */
  readonly articles: readonly Article[];
  /** The same articles by slug (made while checking that slugs are unique; the catalog keeps it). */
  readonly articleBySlug: ReadonlyMap<string, Article>;
  /**
   * The same articles by code, when known (made while checking that codes are unique, and
   * carried from change to change; a persisted collection comes back without it).
   */
  readonly articleById?: ReadonlyMap<string, Article>;
  /**
   * Without {@link articleById}, the article of a code found by a search rather than a map of
   * every code (a persisted collection searches its index's text: about 2.5 ms at 100,000
   * articles, where the map takes 80 ms to make), for a change to a few files (see
   * {@link updateArticles}).
   */
  readonly findById?: (id: string) => Article | undefined;
  readonly problems: readonly Problem[];
  readonly drafts: number;
  /** Whether `articles` are newest first already, as the catalog orders them (a persisted collection, checked when read). */
  readonly newestFirst?: boolean;
  /** What the catalog finds going through `articles`, when known already (a persisted collection; see CatalogScan). */
  readonly scan?: CatalogScan;
  /** What the clashes of codes and slugs involve (assembled here, or saved with the index): what {@link updateArticles} needs to know. */
  readonly clashes?: Clashes;
}

/** The articles in clashes of codes or slugs. */
export interface Clashes {
  /** The paths of the articles that kept a code or slug another file's article also has. */
  readonly winners: ReadonlySet<string>;
  /** The codes and slugs of the articles left out for it. */
  readonly ids: ReadonlySet<string>;
  readonly slugs: ReadonlySet<string>;
}

function normalizeText(path: string, text: string, site: Site, bodyComplete: boolean, fileTime?: number): NormalizeResult {
  const parsed = parseArticleFile(path, text);
  if (!parsed.ok) return { draft: false, problems: [parsed.problem] };
  return normalizeArticle(path, parsed.value, site, { bodyComplete, fileTime });
}

/** The article the whole text of a file makes; `undefined` when errors keep it out. */
export function articleFromText(path: string, text: string, site: Site): Article | undefined {
  return normalizeText(path, text, site, true).article;
}

/**
 * Whether a head of a file holds its whole front matter: its opening line, then a closing `---`
 * line (`+++` after a `+++` one, Hugo's TOML).
 */
function holdsFrontMatter(head: string): boolean {
  const firstBreak = head.indexOf('\n');
  const closing = head.startsWith('+++') ? /\n\+\+\+[ \t]*(\r?\n|$)/ : /\n---[ \t]*(\r?\n|$)/;
  return firstBreak !== -1 && closing.test(head.slice(firstBreak));
}

/** Indexes one file, isolating any failure to it. */
export async function indexFile(source: ContentSource, path: string, site: Site): Promise<IndexEntry> {
  try {
    const head = await source.readHead(path, HEAD_BYTES);
    let result: NormalizeResult | undefined;
    const fileTime = head.stamp.mtimeMs;
    if (head.complete || holdsFrontMatter(head.text)) result = normalizeText(path, head.text, site, head.complete, fileTime);
    if (result === undefined || result.needsWholeFile) result = normalizeText(path, await source.read(path), site, true, fileTime);
    return { path, stamp: head.stamp, draft: result.draft, problems: result.problems, ...(result.article ? { article: result.article } : {}) };
  } catch (error) {
    const problem: Problem = { path, severity: 'error', message: `cannot be read: ${(error as Error).message}` };
    return { path, stamp: { size: -1, mtimeMs: -1 }, draft: false, problems: [problem] };
  }
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Indexes many files at once, in the order given (the Node host: in several processes); may fail as a whole. */
export interface IndexMany {
  (paths: readonly string[], onProgress?: (done: number) => void): Promise<IndexEntry[]>;
  /**
   * Gets ready ahead of the list it will be given (a first start, while the folder is still
   * being listed), so that starting up overlaps the listing. Whatever it started and was not
   * used is stopped by {@link IndexMany.release} when the files to read turn out too few for it.
   */
  prepare?(): void;
  /** Stops what {@link IndexMany.prepare} started, unused. */
  release?(): void;
}

/** From how many files to read an {@link IndexOptions.indexMany} is used. */
export const INDEX_MANY_FROM = 2000;

/** Entries of an earlier run, or the persisted index (see {@link IndexOptions.previous}). */
export interface KnownEntries extends ReadonlyMap<string, IndexEntry> {
  /**
   * These entries in path order, when `paths` are their paths in that order and each file has
   * in `stamps` the stamp its entry holds (a restart over an untouched folder): then every entry
   * is taken as it is, with nothing made or called per file. `undefined` otherwise, and also
   * when that cannot be told at once (each file is then matched on its own).
   */
  unchangedWith?(paths: readonly string[], stamps: Stamps): readonly IndexEntry[] | undefined;
}

export interface IndexOptions {
  /** The paths of the files to index, as listed by the source (default: the source's whole list). */
  readonly paths?: readonly string[];
  /** Entries of an earlier run, or the persisted index: a file whose stamp matches one is taken from it unread. */
  readonly previous?: KnownEntries;
  /** The stamps of `paths`, when already asked for (see {@link ContentSource.stamps}). */
  readonly stamps?: Stamps;
  /** Used instead of reading files one by one when {@link INDEX_MANY_FROM} or more must be read. */
  readonly indexMany?: IndexMany;
  /** Decides the entry of each file that was read, given its entry in `previous` (if it had one). */
  readonly settle?: (read: IndexEntry, old: IndexEntry | undefined) => IndexEntry;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Indexes every file of a source. Files whose stamp matches an entry of `previous` are taken
 * from it without being read; every other file is read and parsed.
 */
export async function indexSource(source: ContentSource, site: Site, options: IndexOptions = {}): Promise<IndexEntry[]> {
  const { previous, onProgress } = options;
  const paths = options.paths ?? (await source.list());
  const stamps = options.stamps ?? (previous === undefined || previous.size === 0 ? undefined : await source.stamps(paths));
  // A restart over an untouched folder: the entries as they are. Matched one by one, they took
  // 25-35 ms of a restart at 100,000 files (a stamp object made and compared per file, in code
  // not yet optimized, and the collection that followed), after the stamps came in.
  const unchanged = stamps && previous?.unchangedWith?.(paths, stamps);
  if (unchanged !== undefined) {
    onProgress?.(paths.length, paths.length);
    return unchanged.slice();
  }
  const pathOf = (index: number) => paths[index] as string;
  const entries: (IndexEntry | undefined)[] = [];
  const unread: number[] = [];
  /** The previous entry of each unread file, alongside `unread`. */
  const olds: (IndexEntry | undefined)[] = [];
  // The previous entries mostly hold the same paths in the same (path) order: each file is
  // matched against the one alongside it first, and looked up only when that differs. Those of
  // files gone are stepped over, and a file added leaves the next one alongside where it is, so
  // that one file added or removed does not make every file after it a lookup (at 100,000 that
  // was some 50 ms of a restart).
  const alongside = previous?.values();
  let next = alongside?.next().value;
  for (let index = 0; index < paths.length; index += 1) {
    const path = pathOf(index);
    while (next !== undefined && next.path < path) next = alongside?.next().value;
    const known = next?.path === path ? next : previous?.get(path);
    if (next?.path === path) next = alongside?.next().value;
    if (known !== undefined && stamps?.matches(index, known.stamp) === true) entries.push(known);
    else {
      entries.push(undefined);
      unread.push(index);
      olds.push(known);
    }
  }
  const reused = paths.length - unread.length;
  let read: IndexEntry[] | undefined;
  if (unread.length < INDEX_MANY_FROM) options.indexMany?.release?.();
  else if (options.indexMany) {
    try {
      read = await options.indexMany(unread.map(pathOf), (done) => onProgress?.(reused + done, paths.length));
      if (read.length !== unread.length) throw new Error(`${read.length} entries for ${unread.length} files`);
    } catch {
      // no processes to be had, or one failed: read the files here, one by one
      read = undefined;
    }
  }
  if (read === undefined) {
    read = [];
    for (const index of unread) {
      if (onProgress && read.length % 500 === 0) onProgress(reused + read.length, paths.length);
      read.push(await indexFile(source, pathOf(index), site));
    }
  }
  const { settle } = options;
  for (let position = 0; position < unread.length; position += 1) {
    const entry = read[position] as IndexEntry;
    entries[unread[position] as number] = settle ? settle(entry, olds[position]) : entry;
  }
  onProgress?.(paths.length, paths.length);
  return entries as IndexEntry[];
}

/** Entries (in path order) -> the articles of the collection, enforcing unique codes and slugs. */
export function assembleArticles(entries: readonly IndexEntry[]): LoadedArticles {
  const articles: Article[] = [];
  const problems: Problem[] = [];
  const articleById = new Map<string, Article>();
  const articleBySlug = new Map<string, Article>();
  const clashes = { winners: new Set<string>(), ids: new Set<string>(), slugs: new Set<string>() };
  let drafts = 0;
  for (const entry of entries) {
    if (entry.problems.length > 0) problems.push(...entry.problems);
    const { article } = entry;
    if (article === undefined) continue;
    if (entry.draft) {
      drafts += 1;
      continue;
    }
    const { id } = article;
    const sameId = articleById.get(id)?.path;
    if (sameId !== undefined) {
      problems.push({ path: article.path, severity: 'error', field: 'code', message: `"${id}" is already the code of ${sameId}` });
      clashes.winners.add(sameId);
      clashes.ids.add(id);
      clashes.slugs.add(article.slug);
      continue;
    }
    const sameSlug = articleBySlug.get(article.slug);
    if (sameSlug !== undefined) {
      problems.push({ path: article.path, severity: 'error', field: 'slug', message: `"${article.slug}" is already the slug of ${sameSlug.path}` });
      clashes.winners.add(sameSlug.path);
      clashes.ids.add(id);
      clashes.slugs.add(article.slug);
      continue;
    }
    articleById.set(id, article);
    articleBySlug.set(article.slug, article);
    articles.push(article);
  }
  return { articles, articleBySlug, articleById, problems, drafts, clashes };
}

/**
 * The most codes a change looks up with a collection's {@link LoadedArticles.findById} rather
 * than making its map of every code: the searches then cost less than the map (at 100,000
 * articles, 8 searches about 20 ms against 80 ms; at 500,000, about 100 against 500).
 */
const FEW_CODES = 8;

/** `find` after a change: the codes of the articles `entering` theirs, those `gone` no one's. */
function findAfter(find: (id: string) => Article | undefined, gone: readonly string[], entering: readonly Article[]): (id: string) => Article | undefined {
  const set = new Map(entering.map((article) => [article.id, article]));
  const goneIds = new Set(gone);
  return (id) => set.get(id) ?? (goneIds.has(id) ? undefined : find(id));
}

/** Articles by code. */
function byId(articles: readonly Article[]): Map<string, Article> {
  const made = new Map<string, Article>();
  for (const article of articles) made.set(article.id, article);
  return made;
}

/** Articles a slice of {@link mapCodesInSlices} takes: 15-25 ms of stored articles. */
const CODES_PER_SLICE = 20_000;

/**
 * The map by code {@link updateArticles} needs, made a slice at a time with `between()` awaited
 * between slices (the Node host lets requests through there), for a collection read back from
 * the index, which comes without one: the first change after a restart made it, 0.1 s of that
 * change at 100,000 articles and 0.5 s at 500,000 (a stored article decodes its code when
 * asked). `undefined` as soon as `unwanted()` says so.
 */
export async function mapCodesInSlices(
  articles: readonly Article[],
  between: () => Promise<void>,
  unwanted: () => boolean,
  slice = CODES_PER_SLICE,
): Promise<Map<string, Article> | undefined> {
  const made = new Map<string, Article>();
  for (let at = 0; at < articles.length; at += slice) {
    if (at > 0) await between();
    if (unwanted()) return undefined;
    for (const article of articles.slice(at, at + slice)) made.set(article.id, article);
  }
  return made;
}

/** A file a change touched: its entry before the change (none: it was added) and after it (none: removed). */
export interface EntryChange {
  readonly path: string;
  readonly before?: IndexEntry;
  readonly after?: IndexEntry;
}

/**
 * The collection after a change to a few files, made from the one before: their old articles
 * out, their new ones in, their problems in their place. Assembling 100,000 entries again took
 * 110-240 ms of each change (two Maps of every code and slug). `undefined` when the change
 * reaches across files - an article of the change shares a code or slug with another article
 * (one in the collection, one left out for a clash, or one of the change), or had kept one that
 * another file's article was left out for - or the collection before does not say what its
 * clashes involve: then it is assembled again, with the same result. Also `undefined` for a
 * change too large for this to be the quicker way: more than {@link MOST_CHANGED_KEYS} articles
 * out and in (or files changed), past which the map of slugs would be copied whole anyway. At
 * 100,000 articles, restarted, this took 28 ms for 1,000 files edited, 105 ms for 3,000, 242 ms
 * for 10,000 and 182 ms for 30,000, where assembling took 66, 68, 116 and 80 ms.
 * Its articles are in no particular order (the catalog sorts them).
 */
export function updateArticles(previous: LoadedArticles, changes: readonly EntryChange[]): LoadedArticles | undefined {
  const { clashes } = previous;
  if (clashes === undefined || changes.length > MOST_CHANGED_KEYS) return undefined;
  const leaving = new Set<Article>();
  const entering: Article[] = [];
  let drafts = previous.drafts;
  for (const { path, before, after } of changes) {
    if (before?.article !== undefined) {
      if (before.draft) drafts -= 1;
      else if (previous.articleBySlug.get(before.article.slug) !== before.article || clashes.winners.has(path)) return undefined;
      else leaving.add(before.article);
    }
    if (after?.article !== undefined) {
      if (after.draft) drafts += 1;
      else entering.push(after.article);
    }
  }
  if (leaving.size + entering.length > MOST_CHANGED_KEYS) return undefined;
  // No article of the change shares a code or slug with another article (of the change or not).
  const ids = new Set(entering.map((article) => article.id));
  const slugs = new Set(entering.map((article) => article.slug));
  if (ids.size !== entering.length || slugs.size !== entering.length) return undefined;
  if (entering.some((article) => clashes.ids.has(article.id) || clashes.slugs.has(article.slug))) return undefined;
  for (const slug of slugs) {
    const holder = previous.articleBySlug.get(slug);
    if (holder !== undefined && !leaving.has(holder)) return undefined;
  }
  // Looked up by code, not by going through every article's: a stored article makes its code
  // when asked, and doing so for 100,000 took most of a change's 50-60 ms here. A collection
  // read back from the index has no map by code: a change to a few files searches for their
  // codes (a restart over a folder edited while stopped, a change before the map is made
  // between requests; see mapCodesInSlices), any other makes the map.
  const { findById } = previous;
  const articleById = previous.articleById ?? (findById !== undefined && ids.size <= FEW_CODES ? undefined : byId(previous.articles));
  const holderOf = articleById === undefined ? (findById as (id: string) => Article | undefined) : (id: string) => articleById.get(id);
  for (const id of ids) {
    const holder = holderOf(id);
    if (holder !== undefined && !leaving.has(holder)) return undefined;
  }
  const articles = previous.articles.filter((article) => !leaving.has(article));
  for (const article of entering) articles.push(article);
  const articleBySlug = changedMap(
    previous.articleBySlug,
    [...leaving].map(({ slug }) => slug),
    entering.map((article) => [article.slug, article] as const),
  );
  const leavingIds = [...leaving].map(({ id }) => id);
  const byCode =
    articleById === undefined
      ? { findById: findAfter(holderOf, leavingIds, entering) }
      : { articleById: changedMap(articleById, leavingIds, entering.map((article) => [article.id, article] as const)) };

  // The problems, in path order: those of the changed files taken out, their new ones put in.
  const changed = new Set(changes.map(({ path }) => path));
  const added = [...changes].sort((a, b) => comparePaths(a.path, b.path)).flatMap(({ after }) => after?.problems ?? []);
  const problems: Problem[] = [];
  let next = 0;
  let last: string | undefined;
  for (const problem of previous.problems) {
    if (last !== undefined && comparePaths(last, problem.path) > 0) return undefined;
    last = problem.path;
    if (changed.has(problem.path)) continue;
    while (next < added.length && comparePaths((added[next] as Problem).path, problem.path) < 0) problems.push(added[next++] as Problem);
    problems.push(problem);
  }
  while (next < added.length) problems.push(added[next++] as Problem);
  return { articles, articleBySlug, ...byCode, problems, drafts, clashes };
}

/** Indexes a whole source and assembles its articles. */
export async function loadArticles(source: ContentSource, site: Site): Promise<LoadedArticles> {
  return assembleArticles(await indexSource(source, site));
}
