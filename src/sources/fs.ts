/**
 * A source over a folder on disk (Node only): every `.md`, `.markdown` and `.txt` file, nested
 * folders included. Reads are synchronous: for many small files that is several times faster
 * than Node's thread-pool I/O, and they happen while indexing or for the few files a response
 * shows. Checking the stamps of a large folder (every restart does) is spread over worker
 * threads. A listing remembers each folder's modification time, so that a restart can tell
 * without listing 100,000 files again that none was added, removed or renamed (as git's
 * untracked cache does). No path can leave the folder.
 *
 * @example
 * const source = createFsSource('content');
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Problem } from '../articles/article.ts';
import { usableCores } from '../node/resources.ts';
import {
  isSafeContentPath,
  isSafeFolderPath,
  isSkippedContentLink,
  listedAs,
  stampsFrom,
  stampsFromPairs,
  type ContentSource,
  type FileHead,
  type FileStamp,
  type FolderStamp,
  type Stamps,
} from './source.ts';

/** Below this many files, starting threads costs more than the stat calls they would share. */
const THREADED_STAMPS_FROM = 4096;

/** How long a listing reads folders before it lets requests through. */
const LET_THROUGH_EVERY_MS = 10;

/**
 * A folder changed this recently (or, by its clock, later than now) when it was listed may
 * change again without its time moving on: file systems keep times to a clock tick, some to
 * two seconds. Such a folder is given the time UNSETTLED in the listing's folders (see
 * foldersOf), which is never taken to match: it is read again by the next listing, and the
 * listing is not said to hold.
 */
const SETTLED_AFTER_MS = 2000;
/** The time of a folder that changed too recently to vouch for (see SETTLED_AFTER_MS). */
const UNSETTLED = -1;

/**
 * Waits for a folder and a list of paths in it (NUL-separated), then stats them and posts
 * back [size, mtimeMs] pairs, size -1 for a path that is not a readable file. The paths are
 * checked by the thread that asks (see stampOnThreads). Plain CommonJS, so that it runs the
 * same from src/ and from the bundle. It is told its folder with the list, so that it can be
 * started before the folder is known (see startStatThreadsEarly).
 */
/** The size a stat thread gives a folder, with its time (a file's is never negative, and anything else's is -1). */
const FOLDER_SIZE = -2;

const STAMP_WORKER = `
const { parentPort } = require('node:worker_threads');
const { lstatSync } = require('node:fs');
parentPort.once('message', ({ root, joined }) => {
  const paths = joined === '' ? [] : joined.split('\\0');
  const stamps = new Float64Array(paths.length * 2).fill(-1);
  for (let i = 0; i < paths.length; i += 1) {
    try {
      const stats = lstatSync(root + '/' + paths[i], { throwIfNoEntry: false });
      if (stats !== undefined && stats.isFile()) { stamps[2 * i] = stats.size; stamps[2 * i + 1] = stats.mtimeMs; }
      else if (stats !== undefined && stats.isDirectory()) { stamps[2 * i] = ${FOLDER_SIZE}; stamps[2 * i + 1] = stats.mtimeMs; }
    } catch {}
  }
  parentPort.postMessage(stamps, [stamps.buffer]);
});
`;

/**
 * Opens a content file for reading, never through a symbolic link (ELOOP): a listing skips
 * links, and a link a watcher reports could lead to any file the server can read.
 */
export const openContentFile = (file: string) => openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);

/** The text of a content file (see {@link openContentFile}). */
export function readContentFile(file: string): string {
  const fd = openContentFile(file);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's stamp; `undefined` also when it cannot be stat'ed, so that indexing reports why, and
 * for a symbolic link, which is no content file (see {@link openContentFile}).
 */
function statFile(file: string): FileStamp | undefined {
  try {
    const stats = lstatSync(file, { throwIfNoEntry: false });
    return stats?.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** A stat thread, started: it stats the first list it is given, of files in `root`. */
interface StatThread {
  stamp(root: string, paths: readonly string[]): Promise<Float64Array>;
  /** Stops it, unused. */
  stop(): void;
}

function startStatThread(): StatThread {
  const worker = new Worker(STAMP_WORKER, { eval: true });
  const answer = new Promise<Float64Array>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the stat thread stopped (exit code ${code})`)));
  });
  answer.catch(() => undefined);
  // Started ahead of its list, it must not keep the process alive should that never come.
  // After the listeners: adding a 'message' listener refs a worker again, and a process that
  // started threads it never used (`wirefeed index` beside another configuration's index)
  // waited for them to be stopped, 10 s, before it exited.
  worker.unref();
  return {
    stamp(root, paths) {
      // Now its answer is awaited, and is all that a process may be waiting for.
      worker.ref();
      // One string rather than an array: copying it to the thread is a memcpy, not 50,000 clones.
      // NUL cannot occur in a content path (see isSafeContentPath), so it can separate them.
      worker.postMessage({ root, joined: paths.join('\0') });
      return answer;
    },
    stop: () => void worker.terminate(),
  };
}

/** How many threads share the stat calls of a large list. */
const statThreadCount = () => Math.max(1, Math.min(usableCores(), 4));

const startStatThreads = () => Array.from({ length: statThreadCount() }, startStatThread);

/** Threads started by {@link startStatThreadsEarly} that no source has taken yet. */
let startedEarly: StatThread[] | undefined;

/** Threads no source has taken this long after they were started early are stopped. */
const EARLY_THREADS_KEPT_MS = 10_000;

/**
 * Starts the stat threads of a restart as the program starts, before it knows its folder: the
 * server's entry calls this before the rest of the program is loaded (see src/node/early.ts).
 * Starting a thread takes it 50-80 ms of CPU; started with the server's own threads, after
 * the program had loaded, that came out of the restart's stat calls (a restart at 100,000
 * files uses both cores to the end); started here, it is spent while the program loads, on
 * the core that idles then (by turns, 16 pairs of warm restarts at 100,000 files: 33 ms faster
 * at the median, 10 of 16 faster). The first source to stat a large list (or to get ready to,
 * see prepareStamps) takes them; threads that none has taken after `keepMs` are stopped.
 */
export function startStatThreadsEarly(keepMs = EARLY_THREADS_KEPT_MS): void {
  if (startedEarly !== undefined) return;
  try {
    startedEarly = startStatThreads();
  } catch {
    return; // no threads to be had here: a source starts its own, or stats on its thread
  }
  const threads = startedEarly;
  setTimeout(() => {
    if (startedEarly !== threads) return;
    for (const thread of threads) thread.stop();
    startedEarly = undefined;
  }, keepMs).unref();
}

/** The threads started early, if no source has taken them, else new ones. */
function takeStatThreads(): StatThread[] {
  const threads = startedEarly ?? startStatThreads();
  startedEarly = undefined;
  return threads;
}

/**
 * Stamps of many files in `root`: the kernel's work spread over threads, one slice of the list
 * each. The threads do not check the paths: the caller does, while they stat (see `stamps`).
 */
async function stampOnThreads(threads: readonly StatThread[], root: string, paths: readonly string[]): Promise<Stamps> {
  const slice = Math.ceil(paths.length / threads.length);
  const slices = await Promise.all(threads.map((thread, index) => thread.stamp(root, paths.slice(index * slice, (index + 1) * slice))));
  const pairs = new Float64Array(2 * paths.length);
  let at = 0;
  for (const stamps of slices) {
    pairs.set(stamps, at);
    at += stamps.length;
  }
  return stampsFromPairs(pairs);
}

/** A path's folder: what comes before its last `/` (`''`, the root, when there is none). */
function folderOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/** An earlier listing by folder: each folder's time and subfolders, and its files. */
interface EarlierListing {
  readonly folders: ReadonlyMap<string, { readonly mtimeMs: number; readonly children: readonly string[] }>;
  readonly files: ReadonlyMap<string, readonly string[]>;
}

/** The files and folders of an earlier listing, by folder (none of the folders if one may not be a folder of the source). */
function earlierListing(paths: readonly string[], stamps: readonly FolderStamp[]): EarlierListing {
  const folders = new Map<string, { mtimeMs: number; children: string[] }>();
  const files = new Map<string, string[]>();
  if (stamps[0]?.path !== '' || !stamps.every(({ path }) => isSafeFolderPath(path))) return { folders, files };
  for (const { path, mtimeMs } of stamps) folders.set(path, { mtimeMs, children: [] });
  for (const { path } of stamps) if (path !== '') folders.get(folderOf(path))?.children.push(path);
  for (const path of paths) {
    const folder = folderOf(path);
    let inFolder = files.get(folder);
    if (inFolder === undefined) files.set(folder, (inFolder = []));
    inFolder.push(path);
  }
  return { folders, files };
}

/** Throws, naming it, for the first path that may not name a content file. */
function refuseUnsafe(paths: readonly string[]): void {
  const unsafe = paths.find((path) => !isSafeContentPath(path));
  if (unsafe !== undefined) throw new Error(`not a content file path: ${JSON.stringify(unsafe.slice(0, 200))}`);
}

export interface FsSourceOptions {
  /**
   * Called with each folder (relative to the root, `''` for the root) just before a listing
   * reads it: a watcher started there misses no change that the listing does not show.
   */
  readonly onFolder?: (folder: string) => void;
  /**
   * Told of what a listing leaves out and should not without a word, as each folder is read (and
   * of a link when a change names one: see `stat`):
   * - a folder below the root that it cannot read (its permissions, say), an error: the next
   *   listing tries it again (a root that cannot be read throws);
   * - a symbolic link named like an article, or leading to a folder, a warning: links are
   *   never followed (see isSkippedContentLink).
   */
  readonly onListingProblem?: (problem: Problem) => void;
}

/**
 * A folder source for a command that reads the folder once (`check`, `build`, `index`), and
 * the problems of its listing (see onListingProblem), filled in as it lists.
 */
export function createReportingFsSource(root: string): { readonly source: ContentSource; readonly listingProblems: readonly Problem[] } {
  const listingProblems: Problem[] = [];
  return { source: createFsSource(root, { onListingProblem: (problem) => listingProblems.push(problem) }), listingProblems };
}

/** The warning for a symbolic link the listing skips (see isSkippedContentLink). */
export function skippedLinkProblem(path: string): Problem {
  return {
    path,
    severity: 'warning',
    message:
      'a symbolic link, not followed (a link could publish any file the server can read): copy in what it leads to, ' +
      "or make the folder the links lead to the content folder (a Kubernetes ConfigMap's ..data)",
  };
}

export function createFsSource(root: string, options: FsSourceOptions = {}): ContentSource {
  const { onFolder, onListingProblem } = options;
  // One buffer for every head read: indexing reads them one after another.
  let headBuffer = Buffer.allocUnsafe(4096);
  // Lists this source made itself, with the folders they read (`undefined`: one changed too
  // recently to tell).
  const listed = new WeakMap<readonly string[], readonly FolderStamp[] | undefined>();
  // Those of them made by reading every folder: their paths are safe by construction (see
  // walk), and are not checked again when their stamps are asked for.
  const safe = new WeakSet<readonly string[]>();
  // Stat threads started ahead of the list they are to stat (see prepareStamps).
  let prepared: readonly StatThread[] | undefined;
  // A safe path has no `.`, `..` or empty segment, so joining it to the folder is putting the
  // two together: path.join's normalizing took 2% of indexing 100,000 files.
  const folder = join(root, '.');
  const folderPrefix = folder.endsWith(sep) ? folder : folder + sep;
  const resolvePath = (path: string) => {
    refuseUnsafe([path]);
    return folderPrefix + path;
  };
  /**
   * The stamps of `paths`, and the times of `folders` (NaN for one that is no folder now), the
   * kernel's work on the stat threads for a large list.
   */
  const stampsOf = async (paths: readonly string[], folders: readonly FolderStamp[] = []): Promise<Stamps & { readonly folders: readonly number[] }> => {
    const count = folders.length + paths.length;
    const threads = count >= THREADED_STAMPS_FROM ? threadsForStamps() : undefined;
    // Threads started for a list that turned out small: not kept idle for the process's life.
    for (const thread of prepared ?? []) thread.stop();
    prepared = undefined;
    const list = folders.length === 0 ? paths : [...folders.map(({ path }) => path), ...paths];
    const stamping = threads && stampOnThreads(threads, root, list);
    stamping?.catch(() => undefined);
    // The threads stat while this one checks the paths (a list this source made is safe by
    // construction), and none of their stamps is given if one is not a content file path (a
    // stat neither opens nor changes a file). In the threads, the check took 50 ms of the 440
    // that 100,000 files take two threads here, while this thread has time to spare: on a
    // restart, the index it decodes meanwhile is done 0.1-0.3 s before them.
    if (!safe.has(paths)) refuseUnsafe(paths);
    let pairs: Float64Array | undefined;
    if (stamping !== undefined) {
      try {
        pairs = (await stamping).pairs;
      } catch {
        // a thread stopped: stat on this one
      }
    }
    pairs ??= statOnThisThread(folders, paths);
    const all = pairs;
    const times = folders.map((_, index) => (all[2 * index] === FOLDER_SIZE ? (all[2 * index + 1] as number) : Number.NaN));
    return Object.assign(stampsFromPairs(folders.length === 0 ? all : all.subarray(2 * folders.length)), { folders: times });
  };
  /** The pairs a stat thread gives for `folders` then `paths`, taken on this thread. */
  const statOnThisThread = (folders: readonly FolderStamp[], paths: readonly string[]): Float64Array => {
    const pairs = new Float64Array(2 * (folders.length + paths.length)).fill(-1);
    folders.forEach(({ path }, index) => {
      const stats = statSync(join(root, path), { throwIfNoEntry: false });
      if (stats?.isDirectory() === true) pairs.set([FOLDER_SIZE, stats.mtimeMs], 2 * index);
    });
    pairs.set(stampsFrom(paths.map((path) => statFile(folderPrefix + path))).pairs, 2 * folders.length);
    return pairs;
  };
  /** The threads to stat a large list on: those got ready for it, else new ones; none when there are none to be had here. */
  const threadsForStamps = () => {
    try {
      return prepared ?? takeStatThreads();
    } catch {
      return undefined;
    } finally {
      prepared = undefined;
    }
  };
  /** A folder's entries; `undefined` for one gone since, or one that cannot be read (told to onListingProblem). */
  const readFolder = (folder: string, path: string): Dirent[] | undefined => {
    try {
      return readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if (path === '') throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // Gone, or no longer a folder, since it was stat'ed: its parent's watcher reports it.
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      onListingProblem?.({ path, severity: 'error', message: `folder cannot be read (${code ?? String(error)}): the articles in it are left out` });
      return undefined;
    }
  };
  /**
   * The articles and subfolders of the folder at `folder` (`prefix`: its path relative to the
   * root, with a trailing `/`, or `''` for the root), each as a path relative to the root, as a
   * listing takes them (see listedAs; a link skipped is told of); `undefined` for one gone since,
   * or one that cannot be read (see readFolder).
   */
  const entriesOf = (folder: string, prefix: string): { readonly files: string[]; readonly folders: string[] } | undefined => {
    const dirents = readFolder(folder, prefix.slice(0, -1));
    if (dirents === undefined) return undefined;
    const files: string[] = [];
    const folders: string[] = [];
    for (const dirent of dirents) {
      const kind = listedAs(dirent);
      if (kind === 'folder') folders.push(`${prefix}${dirent.name}`);
      else if (kind === 'article') files.push(`${prefix}${dirent.name}`);
      else if (onListingProblem && isSkippedContentLink(dirent, () => statSync(join(folder, dirent.name), { throwIfNoEntry: false })?.isDirectory() === true)) {
        onListingProblem(skippedLinkProblem(`${prefix}${dirent.name}`));
      }
    }
    return { files, folders };
  };

  /**
   * Lists the folder, folder by folder; a folder whose time is the one it had in `earlier` is
   * taken from that listing unread (its files and subfolders), every other one is read. Only
   * the first `handOnFolders` are handed on; `start` lists one folder only; `folderTimes` are
   * folders' times read just before, not read again (NaN: no folder).
   */
  const walk = async (
    onListed?: (files: number) => void,
    earlier?: EarlierListing,
    handOnFolders = Number.POSITIVE_INFINITY,
    start = '',
    folderTimes?: ReadonlyMap<string, number>,
  ): Promise<readonly string[]> => {
    const paths: string[] = [];
    let handedOn = 0;
    const folders: FolderStamp[] = [];
    let tookEarlier = false;
    const listedAt = Date.now();
    // Folder by folder, building each relative path as we go: about twice as fast as
    // readdirSync's own recursion, which makes a Dirent with a parent path for every file.
    // Every path read is safe by construction (isSafeContentPath holds): names from a folder are
    // never empty and hold no `/` or NUL, hidden ones (`.`, `..` among them) are skipped, and
    // so is any name with a backslash. Requests are let through between folders, at most
    // every LET_THROUGH_EVERY_MS (a listing of 100,000 files takes 0.2-0.3 s here; the server
    // lists while it serves, see content-store.ts): after every folder, a listing of 100,000
    // folders of one article each spent more time waiting for its turn than reading them.
    // A folder's own path is the folder's prefix put together with its relative one, as a
    // file's is (see resolvePath), not path.join's normalizing of each.
    const pending: [folder: string, prefix: string][] = [start === '' ? [root, ''] : [`${folderPrefix}${start}`, `${start}/`]];
    let since = performance.now();
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [folder, prefix] = next;
      const path = prefix.slice(0, -1);
      if (handedOn < handOnFolders) {
        onFolder?.(path);
        handedOn += 1;
      }
      // Its time before it is read: a change while it is read moves the time on.
      const known = path === '' ? undefined : folderTimes?.get(path);
      let mtimeMs: number;
      if (known !== undefined) {
        // Read just before (see checkListing); NaN: no folder now.
        if (Number.isNaN(known)) continue;
        mtimeMs = known;
      } else {
        const stats = statSync(folder, { throwIfNoEntry: path === '' });
        // Gone, or no longer a folder, since its parent was read (or since the earlier listing,
        // where a file system kept its parent's time): its parent's watcher reports it.
        if (stats?.isDirectory() !== true && path !== '') continue;
        mtimeMs = (stats as Stats).mtimeMs;
      }
      folders.push({ path, mtimeMs: mtimeMs <= listedAt - SETTLED_AFTER_MS ? mtimeMs : UNSETTLED });
      const unchanged = earlier?.folders.get(path);
      if (unchanged !== undefined && unchanged.mtimeMs !== UNSETTLED && unchanged.mtimeMs === mtimeMs) {
        // No file or folder in it added, removed or renamed since (see listingHolds).
        tookEarlier = true;
        for (const file of earlier?.files.get(path) ?? []) paths.push(file);
        for (const child of unchanged.children) pending.push([`${folderPrefix}${child}`, `${child}/`]);
      } else {
        const entries = entriesOf(folder, prefix);
        // Read again by the next listing, which tells of it again until it can be read.
        if (entries === undefined) folders[folders.length - 1] = { path, mtimeMs: UNSETTLED };
        for (const child of entries?.folders ?? []) pending.push([`${folderPrefix}${child}`, `${child}/`]);
        for (const file of entries?.files ?? []) paths.push(file);
      }
      onListed?.(paths.length);
      if (pending.length > 0 && performance.now() - since >= LET_THROUGH_EVERY_MS) {
        await new Promise((next) => setImmediate(next));
        since = performance.now();
      }
    }
    // Strings sorted without a comparator are in code-unit order, as comparePaths orders them,
    // and without a call into JavaScript per comparison (5 ms for 100,000 paths, not 45).
    paths.sort();
    // Paths taken from an earlier listing are checked when their stamps are asked for.
    if (!tookEarlier) safe.add(paths);
    listed.set(paths, folders);
    return paths;
  };

  /**
   * {@link ContentSource.relist} when every folder's time was read just before (`folderTimes`,
   * see checkListing): the earlier listing, with only the folders whose time moved read again.
   * Their files and subfolders are put right: a subfolder new to one is listed whole, a
   * subfolder gone from one (or gone itself: NaN) leaves with everything under it. What a walk
   * from the earlier listing finds, without the walk: over 100,000 page bundles one of which an
   * added article had moved on, it took 0.3 s of a restart and left as much garbage.
   */
  const relistMoved = async (
    earlierPaths: readonly string[],
    earlierFolders: readonly FolderStamp[],
    folderTimes: ReadonlyMap<string, number>,
    handOnFolders = Number.POSITIVE_INFINITY,
  ): Promise<readonly string[]> => {
    const listedAt = Date.now();
    // No root any more: a walk throws, naming it.
    if (Number.isNaN(folderTimes.get(''))) return walk(undefined, undefined, handOnFolders);
    // The folders to read again (gone ones among them), and the subfolders each had: each it
    // has no more is gone, with everything under it, and each new to it is listed whole.
    const movedPaths = new Set(earlierFolders.filter(({ path, mtimeMs }) => mtimeMs === UNSETTLED || folderTimes.get(path) !== mtimeMs).map(({ path }) => path));
    const had = new Map<string, Set<string>>();
    for (const { path } of earlierFolders) {
      const parent = folderOf(path);
      if (path === '' || !movedPaths.has(parent)) continue;
      let inParent = had.get(parent);
      if (inParent === undefined) had.set(parent, (inParent = new Set()));
      inParent.add(path);
    }
    const gone = new Set<string>();
    // Whether a folder is gone or under one that is.
    const isGone = (folder: string): boolean => {
      if (gone.size === 0) return false;
      for (let at = folder; ; at = folderOf(at)) {
        if (gone.has(at)) return true;
        if (at === '') return false;
      }
    };
    const folders: FolderStamp[] = [];
    let handedOn = 0;
    // The folders read again, and the files found in them and in the folders new to them.
    const read = new Set<string>();
    const added: string[] = [];
    const addedFolders: FolderStamp[] = [];
    // Parents before their subfolders, as a listing gives them: a folder its parent no longer
    // holds is known to be gone before its turn (and not read, through a link say).
    for (const earlier of earlierFolders) {
      const { path } = earlier;
      const now = folderTimes.get(path) as number;
      if (Number.isNaN(now)) gone.add(path);
      if (isGone(path)) continue;
      // Handed on as a walk hands each folder on: when it reaches it, before reading it.
      const handOn = handedOn < handOnFolders;
      // A folder no listing reads (see isSafeFolderPath) is neither handed on nor read: the
      // earlier folders are not those of a listing, and every folder is read.
      if ((handOn || movedPaths.has(path)) && !isSafeFolderPath(path)) return walk(undefined, undefined, handOnFolders);
      if (handOn) {
        onFolder?.(path);
        handedOn += 1;
      }
      if (!movedPaths.has(path)) {
        folders.push(earlier);
        continue;
      }
      const entries = entriesOf(path === '' ? root : `${folderPrefix}${path}`, path === '' ? '' : `${path}/`);
      // One that cannot be read is read again by the next listing, as a walk leaves it.
      folders.push({ path, mtimeMs: entries !== undefined && now <= listedAt - SETTLED_AFTER_MS ? now : UNSETTLED });
      read.add(path);
      const hasHere = new Set(entries?.folders);
      for (const folder of had.get(path) ?? []) if (!hasHere.has(folder)) gone.add(folder);
      // (Pushed one by one: a folder copied in whole may hold more files than a call takes arguments.)
      for (const file of entries?.files ?? []) added.push(file);
      for (const folder of entries?.folders ?? []) {
        if (had.get(path)?.has(folder) === true) continue;
        const files = await walk(undefined, undefined, Math.max(0, handOnFolders - handedOn), folder);
        const found = listed.get(files) ?? [];
        handedOn += found.length;
        for (const file of files) added.push(file);
        for (const stamp of found) addedFolders.push(stamp);
      }
    }
    if (read.size === 0 && gone.size === 0) {
      listed.set(earlierPaths, folders);
      return earlierPaths;
    }
    const paths = earlierPaths.filter((path) => {
      const folder = folderOf(path);
      return !read.has(folder) && !isGone(folder);
    });
    for (const path of added) if (!isGone(folderOf(path))) paths.push(path);
    // In path order, as a walk gives them (see walk's sort).
    paths.sort();
    const relisted = folders.filter(({ path }) => !isGone(path)).concat(addedFolders);
    listed.set(paths, relisted);
    return paths;
  };

  return {
    handsOnFolders: onFolder !== undefined,
    list: (onListed, handOnFolders) => walk(onListed, undefined, handOnFolders),
    async listFolder(folder) {
      // Not a link to a folder: a listing never follows one (see openContentFile).
      if (folder === '' || !isSafeFolderPath(folder) || lstatSync(join(root, folder), { throwIfNoEntry: false })?.isDirectory() !== true) return [];
      return walk(undefined, undefined, undefined, folder);
    },
    relist: (paths, folders, handOnFolders, folderTimes) =>
      folderTimes !== undefined && folders[0]?.path === '' && folders.every(({ path }) => folderTimes.has(path))
        ? relistMoved(paths, folders, folderTimes, handOnFolders)
        : walk(undefined, earlierListing(paths, folders), handOnFolders, '', folderTimes),
    async read(path: string): Promise<string> {
      return readContentFile(resolvePath(path));
    },
    async readHead(path: string, bytes: number): Promise<FileHead> {
      const fd = openContentFile(resolvePath(path));
      try {
        const stats = fstatSync(fd);
        if (headBuffer.length < bytes) headBuffer = Buffer.allocUnsafe(bytes);
        const buffer = headBuffer;
        const read = readSync(fd, buffer, 0, Math.min(bytes, stats.size), 0);
        const complete = read >= stats.size;
        let end = read;
        // Cut after the last line break, so that no line (or character) is cut in two.
        if (!complete) end = buffer.lastIndexOf(0x0a, read - 1) + 1;
        return { text: buffer.toString('utf8', 0, end), complete, stamp: { size: stats.size, mtimeMs: stats.mtimeMs } };
      } finally {
        closeSync(fd);
      }
    },
    async stat(path: string) {
      const file = resolvePath(path);
      const stamp = statFile(file);
      // A link made while the server runs, named by the watcher: told of as a listing tells of one.
      if (stamp === undefined && onListingProblem && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() === true) onListingProblem(skippedLinkProblem(path));
      return stamp;
    },
    stamps: (paths) => stampsOf(paths),
    async checkListing(folders, paths) {
      // A listing starts at the root: without it, these are not the folders of one.
      if (folders[0]?.path !== '' || !folders.every(({ path }) => isSafeFolderPath(path))) return undefined;
      const stamps = await stampsOf(paths, folders);
      if (stamps.folders.every((at, index) => at === folders[index]?.mtimeMs && at !== UNSETTLED)) return { stamps };
      return { stamps, folderTimes: new Map(folders.map(({ path }, index) => [path, stamps.folders[index] as number])) };
    },
    prepareStamps() {
      try {
        prepared ??= takeStatThreads();
      } catch {
        // no threads to be had here: `stamps` stats on this one
      }
    },
    foldersOf: (paths) => listed.get(paths),
    async listingHolds(folders) {
      // A listing starts at the root: without it, these are not the folders of one.
      if (folders[0]?.path !== '') return false;
      for (const { path, mtimeMs } of folders) {
        if (!isSafeFolderPath(path)) return false;
        onFolder?.(path);
        const stats = statSync(join(root, path), { throwIfNoEntry: false });
        if (stats?.isDirectory() !== true || mtimeMs === UNSETTLED || stats.mtimeMs !== mtimeMs) return false;
      }
      return true;
    },
  };
}
