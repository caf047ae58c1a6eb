/**
 * Where article files come from. A source lists files, reads one whole or just its start, and
 * tells a file's size and modification time; it knows nothing of front matter or feeds. One
 * implementation per file: `fs.ts` (a folder, Node only) and `memory.ts` (a map of path ->
 * text, for tests and tools).
 *
 * @example
 * const source: ContentSource = createMemorySource({ 'a.md': '---\ndate: 2024-01-01\n---\nHi' });
 * for (const path of await source.list()) console.log(path, await source.read(path));
 */

/** File endings that hold articles. */
export const ARTICLE_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

/** What identifies a version of a file cheaply: a changed file changes one of them. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * A stamp's size as V8 keeps the sizes of stamps from `stat`: a small integer. A size read as a
 * double (from a Float64Array, say) is boxed; objects of one shape with both make V8 deprecate
 * the shape and migrate objects as they are read, which at 100,000 stamps cost more than
 * comparing them.
 */
export function asSmallInteger(value: number): number {
  return value <= 0x3fffffff && value >= -0x40000000 ? value | 0 : value;
}

/**
 * The stamps of many files, by their place in the list asked for. Kept as numbers, two to a
 * file: checking 100,000 of them against an index makes no object per file.
 */
export interface Stamps {
  readonly length: number;
  /** Each file's [size, mtimeMs] in turn, a negative size for one that is not a readable file: to check many at once. */
  readonly pairs: Float64Array;
  /** The stamp of the file at `index`; `undefined` when it is not a readable file. */
  get(index: number): FileStamp | undefined;
  /** Whether the file at `index` is a readable file with this stamp. */
  matches(index: number, stamp: FileStamp): boolean;
}

/** Stamps from [size, mtimeMs] pairs, two numbers to a file, a negative size for a file that has none. */
export function stampsFromPairs(pairs: Float64Array): Stamps {
  return {
    length: pairs.length / 2,
    pairs,
    get(index) {
      const size = pairs[2 * index];
      return size === undefined || size < 0 ? undefined : { size: asSmallInteger(size), mtimeMs: pairs[2 * index + 1] as number };
    },
    matches: (index, stamp) => (pairs[2 * index] as number) >= 0 && pairs[2 * index] === stamp.size && pairs[2 * index + 1] === stamp.mtimeMs,
  };
}

/** Stamps from one per file (`undefined` for a file that has none). */
export function stampsFrom(list: readonly (FileStamp | undefined)[]): Stamps {
  const pairs = new Float64Array(2 * list.length).fill(-1);
  list.forEach((stamp, index) => {
    if (stamp === undefined) return;
    pairs[2 * index] = stamp.size;
    pairs[2 * index + 1] = stamp.mtimeMs;
  });
  return stampsFromPairs(pairs);
}

/**
 * A folder a listing read, with its modification time from just before it was read. Adding,
 * removing or renaming a file or folder in a folder changes that time (editing a file does
 * not): while every folder of a listing has the time it had, the listing still holds.
 */
export interface FolderStamp {
  /** Relative to the source root, `''` for the root itself. */
  readonly path: string;
  readonly mtimeMs: number;
}

/** The start of a file: whole lines only, and whether that is all of it. */
export interface FileHead {
  readonly text: string;
  readonly complete: boolean;
  readonly stamp: FileStamp;
}

export interface ContentSource {
  /**
   * The path of every article file (relative to the source root, with `/` separators, never
   * starting with `/` or containing `..`), sorted so that "first" and "second" mean the same
   * thing everywhere. `onListed` is told how many files are listed so far as the listing goes on (a
   * source that lists at once tells it once). A source that hands each folder on (to be
   * watched) before it reads it hands on the first `handOnFolders` only (default: every one);
   * the caller then lists again later, and checks every file's stamp after that listing.
   */
  list(onListed?: (files: number) => void, handOnFolders?: number): Promise<readonly string[]>;
  /**
   * The article files in one folder of the source (`2024/my-story`) and its folders, as
   * {@link list} lists them and in its order (none for a folder that is not there, or is a
   * symbolic link), each folder handed on as a listing hands it on: for a folder that came or
   * went while the source is watched.
   */
  listFolder?(folder: string): Promise<readonly string[]>;
  /** Whether a listing hands each folder on (to be watched) before it reads it (see the fs source's `onFolder`). */
  readonly handsOnFolders?: boolean;
  /** The UTF-8 text of one file. */
  read(path: string): Promise<string>;
  /** At most about `bytes` bytes from the start of a file, cut after a line break. */
  readHead(path: string, bytes: number): Promise<FileHead>;
  /** Size and modification time; `undefined` when the file does not exist (any more). */
  stat(path: string): Promise<FileStamp | undefined>;
  /** {@link stat} for many files at once, in the same order (a folder source spreads the work over threads). */
  stamps(paths: readonly string[]): Promise<Stamps>;
  /**
   * Gets ready to take the stamps of many files, before they are known (the folder source
   * starts its threads): the next {@link stamps} of a large list uses what this started.
   */
  prepareStamps?(): void;
  /**
   * The folders read by the listing that returned `paths`, when this source can tell whether it
   * still holds (see {@link listingHolds}); `undefined` when it cannot. A folder that changed too
   * recently for its time to tell a later change apart has a time no folder has, so that it is
   * read again.
   */
  foldersOf?(paths: readonly string[]): readonly FolderStamp[] | undefined;
  /**
   * Whether a listing that read `folders` still holds: every folder is there with the time it
   * had, so no file was added, removed or renamed since. Each folder is handed on as a listing
   * hands it on (to be watched) before its time is read.
   */
  listingHolds?(folders: readonly FolderStamp[]): Promise<boolean>;
  /**
   * Lists the source again from an earlier listing (`paths`, and the `folders` it read): a
   * folder whose time has not changed since is taken from it unread, files and subfolders
   * (adding, removing or renaming either moves a folder's time on), every other one is read.
   * Each folder is handed on as a listing hands it on (the first `handOnFolders` only, as
   * {@link list} says).
   */
  relist?(paths: readonly string[], folders: readonly FolderStamp[], handOnFolders?: number, folderTimes?: ReadonlyMap<string, number>): Promise<readonly string[]>;
  /**
   * For a restart that watches its folders only after it serves: whether a listing that read
   * `folders` still holds, as {@link listingHolds} tells it without handing any folder on, read
   * with the stamps of its files (`paths`), on the stat threads for a large list: those stamps,
   * and, when it does not hold, the times the folders have now (NaN for one that is no folder
   * now), for {@link relist} to read only those whose time moved without reading the others'
   * again. `undefined` when `folders` are not those of a listing.
   */
  checkListing?(folders: readonly FolderStamp[], paths: readonly string[]): Promise<ListingCheck | undefined>;
}

/** What {@link ContentSource.checkListing} found. */
export interface ListingCheck {
  /** The stamps of the files it was given, taken as the folders' times were read. */
  readonly stamps: Stamps;
  /** Only when the listing no longer holds: every folder's time now (NaN for one that is no folder now). */
  readonly folderTimes?: ReadonlyMap<string, number>;
}

/**
 * The stamps of `paths` when those of `known.paths` were just taken (`known.stamps`): those are
 * taken from there, and only the others are asked of `stampsOf`. A restart after a deploy
 * that added one article to 100,000 page bundles makes one `stat` more, not 100,001 (its
 * check of the listing took every stamp the index was saved with; about 0.3 s here). Both
 * lists in path order: a path out of order is asked for again, never given another's stamp.
 */
export async function stampsReusing(
  paths: readonly string[],
  known: { readonly paths: readonly string[]; readonly stamps: Stamps },
  stampsOf: (paths: readonly string[]) => Promise<Stamps>,
): Promise<Stamps> {
  const pairs = new Float64Array(2 * paths.length);
  const knownPairs = known.stamps.pairs;
  const missing: number[] = [];
  let at = 0;
  paths.forEach((path, index) => {
    while (at < known.paths.length && (known.paths[at] as string) < path) at += 1;
    if (known.paths[at] !== path) {
      missing.push(index);
      return;
    }
    pairs[2 * index] = knownPairs[2 * at] as number;
    pairs[2 * index + 1] = knownPairs[2 * at + 1] as number;
  });
  if (missing.length > 0) {
    const fresh = (await stampsOf(missing.map((index) => paths[index] as string))).pairs;
    missing.forEach((index, i) => {
      pairs[2 * index] = fresh[2 * i] as number;
      pairs[2 * index + 1] = fresh[2 * i + 1] as number;
    });
  }
  return stampsFromPairs(pairs);
}

/**
 * Hugo's section pages (`_index.md`: the title and text of a list page, such as `posts/` or the
 * home page), which a Hugo site's content folder holds beside its articles: never an article.
 */
const SECTION_PAGE = /^_index\.[^.]*$/i;

/**
 * Whether a file name has one of the {@link ARTICLE_EXTENSIONS} (case-insensitive) and is no
 * Hugo section page (see {@link SECTION_PAGE}).
 */
export function isArticlePath(path: string): boolean {
  // Only the ending is lower-cased: this runs for every file of every scan.
  const extension = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(extension)) return false;
  const name = path.lastIndexOf('/') + 1;
  return path.charCodeAt(name) !== 0x5f || !SECTION_PAGE.test(path.slice(name));
}

/**
 * Whether a listing of the folder skips a file or folder name: hidden ones (`.` and `..` among
 * them) and any with a backslash. Never content, and nothing that a watcher reports.
 */
export function isSkippedName(name: string): boolean {
  return name.startsWith('.') || name.includes('\\');
}

/** An entry of a folder as read from it (Node's `Dirent`): a symbolic link is neither a folder nor a file. */
export interface FolderEntry {
  readonly name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * What a listing takes an entry of a folder for: a folder to read, an article file, or nothing
 * (a skipped name, another kind of file, a symbolic link). The one rule for the listing and for
 * a watcher checking a folder it cannot watch.
 */
export function listedAs(entry: FolderEntry): 'folder' | 'article' | undefined {
  if (isSkippedName(entry.name)) return undefined;
  if (entry.isDirectory()) return 'folder';
  return entry.isFile() && isArticlePath(entry.name) ? 'article' : undefined;
}

/**
 * Whether an entry the listing skips is a symbolic link that someone may have meant as
 * content: one named like an article, or (`leadsToFolder`, asked only then) one that leads to a
 * folder. The listing tells of these (a link is never followed, see the fs source), so that a
 * folder of links - a Kubernetes ConfigMap mounted as the content - does not serve nothing
 * without a word.
 */
export function isSkippedContentLink(entry: FolderEntry, leadsToFolder: () => boolean): boolean {
  return entry.isSymbolicLink() && !isSkippedName(entry.name) && (isArticlePath(entry.name) || leadsToFolder());
}

/** The article extensions, without their dots, as alternatives of a regular expression. */
const EXTENSIONS = ARTICLE_EXTENSIONS.map((extension) => extension.slice(1)).join('|');

/**
 * What a relative path that may name a content file looks like: `/`-separated, no empty or
 * hidden segment (which rules out `.` and `..` too; the listing and the watcher skip hidden
 * names, see {@link isSkippedName}), no leading slash, no backslash or NUL, an article
 * extension (see {@link ARTICLE_EXTENSIONS}), and no Hugo section page as its file (see
 * {@link SECTION_PAGE}), which a watcher may name.
 */
const SAFE_CONTENT_PATH = new RegExp(String.raw`^(?:[^./\\\0][^/\\\0]*/)*(?!_index\.(?:${EXTENSIONS})$)[^./\\\0][^/\\\0]*\.(?:${EXTENSIONS})$`, 'i');

/** Whether a relative path may name a content file (see {@link SAFE_CONTENT_PATH}). */
export function isSafeContentPath(path: string): boolean {
  return SAFE_CONTENT_PATH.test(path);
}

/** Whether a relative path may name a folder of the source: `''` (the root), or segments as {@link isSafeContentPath} allows them, none hidden. */
export function isSafeFolderPath(path: string): boolean {
  if (path === '') return true;
  if (path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && !segment.startsWith('.'));
}

/** Orders paths by code unit, the same on every platform and runtime. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
