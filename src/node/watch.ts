/**
 * Watches the content folder and reports which files changed, once a burst of changes has
 * settled, and which folders came or went (`folders`: the store lists each again, with the
 * files it held); `paths` is `undefined` when the platform cannot say (then the store lists the
 * whole folder again and checks every file).
 *
 * One watcher per folder (inotify on Linux), not Node's recursive mode: on Linux that mode
 * watches every file separately, which for 100,000 articles takes seconds to set up and keeps
 * 100,000 watchers busy.
 *
 * The folders are never walked here: every listing (the first scan, the listing of a folder
 * that came, and the rescan that a change it cannot name leads to) hands each folder to
 * {@link ContentWatcher.watchFolder} just before reading it (see the fs source's `onFolder`).
 * So every change is either in that listing or reported here, also one made while the server
 * starts, and each folder is read once, not twice.
 *
 * The content folder itself is looked at every `pollMs` too: when its path leads to another
 * folder - a deploy swapped a symlink (`current -> releases/124`), or moved a new folder into
 * its place - nothing the watchers see changes, so the watchers are started again on the new
 * folder, and it is listed again.
 *
 * A burst of as many events as the system queues may have lost some (see
 * {@link systemQueueLimit}): it is reported as a rescan.
 *
 * A folder that cannot be watched - the system's limit of inotify watches is reached, say - is
 * not given up on in silence: the watcher says so once, and checks such folders itself, every
 * `pollMs` or more (ten times as long as the last check took, so that checking never takes more
 * than a tenth of a core), until a rescan finds it can watch them. With `pollOnly` (`--poll`),
 * every folder is checked so and none watched: for file systems that send no change events.
 *
 * @example
 * const watcher = createContentWatcher('content', (paths, folders) => (paths ? store.update(paths, folders) : store.reload()));
 * const source = createFsSource('content', { onFolder: watcher.watchFolder });
 */
import { lstatSync, readdirSync, readFileSync, statSync, watch as watchFolderNatively, type Dirent, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { letThrough } from '../let-through.ts';
import { isSkippedContentLink, isSkippedName, listedAs } from '../sources/source.ts';

export interface ContentWatcher {
  /** Watches one folder (relative to the root, `''` for the root), unless it is watched already. */
  watchFolder(folder: string): void;
  close(): void;
}

export interface ContentWatcherOptions {
  /** How long the folder must be quiet before a change is reported. */
  readonly settleMs?: number;
  /** The least time between two checks of the folders that cannot be watched, and between two looks at which folder the root is. */
  readonly pollMs?: number;
  /** Told, once for each reason, that folders cannot be watched and are checked instead. */
  readonly warn?: (message: string) => void;
  /** Check every folder, watch none: for file systems that send no change events (NFS, SMB, some mounts). */
  readonly pollOnly?: boolean;
  /** How many events the system queues before it drops the rest (see {@link systemQueueLimit}). */
  readonly queueLimit?: number;
  /**
   * Node's `fs.watch` (replaced in tests, to refuse some folders). The listener is called as
   * `fs.watch` calls it, with the watcher as `this` (one listener serves every folder).
   */
  readonly watch?: (path: string, listener: (this: FSWatcher, event: string, name: string | null) => void) => FSWatcher;
}

/** Where a watcher keeps the folder it watches (relative to the root), for the listener every watcher shares. */
const FOLDER = Symbol('folder');
type FolderWatcher = FSWatcher & { readonly [FOLDER]: string };

/** What the system says when a folder cannot be watched, and what to do about it. */
const WHY_NOT_WATCHED: Record<string, string> = {
  ENOSPC: "the system's limit of inotify watches is reached (raise it: sysctl fs.inotify.max_user_watches=524288)",
  EMFILE: "the system's limit of inotify instances or open files is reached (raise fs.inotify.max_user_instances, or ulimit -n)",
  ENFILE: "the system's limit of open files is reached",
};

/**
 * How many inotify events the kernel queues for one reader (`fs.inotify.max_queued_events`,
 * 16,384 by default). Past it, events are dropped, and Node says nothing: libuv skips the one
 * event that says so. All the events queued are read in one turn, so a burst that brought this
 * many may have lost some; with the limit at 8, a server here missed 3 of 17 files edited at once.
 */
export function systemQueueLimit(): number {
  try {
    const limit = Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8'));
    return limit > 0 ? limit : Infinity;
  } catch {
    return Infinity;
  }
}

/** How long a check of the folders that cannot be watched runs before it lets requests through. */
const LET_THROUGH_EVERY_MS = 20;

/**
 * What a check of a folder found: the place of each file's (or link's) stamp by its name, and at
 * that place, four numbers: its size (a symbolic link's is -1), modification and change times and
 * inode. Numbers, not a string of the four: at 100,000 files the strings took about 30 MB more.
 */
interface FolderStamps {
  readonly places: Map<string, number>;
  readonly numbers: Float64Array;
}

/** Numbers in a stamp. */
const STAMP_NUMBERS = 4;
/** A symbolic link's size in its stamp (a file's is never negative). */
const LINK_SIZE = -1;

/** Whether the stamp at `at` in `stamps` differs from the one of `name` in `earlier` (or `earlier` has none). */
function stampChanged(stamps: FolderStamps, at: number, earlier: FolderStamps, name: string): boolean {
  const before = earlier.places.get(name);
  if (before === undefined) return true;
  for (let number = 0; number < STAMP_NUMBERS; number += 1) {
    if (stamps.numbers[at * STAMP_NUMBERS + number] !== earlier.numbers[before * STAMP_NUMBERS + number]) return true;
  }
  return false;
}

export function createContentWatcher(root: string, onChange: (paths: readonly string[] | undefined, folders: readonly string[]) => void, options: ContentWatcherOptions = {}): ContentWatcher {
  const { settleMs = 25, pollMs = 1000, pollOnly = false, warn = () => undefined, watch = watchFolderNatively } = options;
  const queueLimit = options.queueLimit ?? systemQueueLimit();
  const watchers = new Map<string, FSWatcher>();
  // The folders that cannot be watched, each with its files' stamps at the last check (none
  // before the first: the first check reports every file, and the store reads those that changed).
  const polled = new Map<string, FolderStamps>();
  // Those stamps before a folder's first check: a symbolic link found then is not reported (the
  // listing that handed the folder over has told of it).
  const unchecked = new WeakSet<FolderStamps>();
  const warned = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  // Names reported by a watcher (a file, or a folder that came) and files a check found changed.
  let named = new Set<string>();
  // Those of the names reported as come, gone or moved ('rename'): the only ones that may be a
  // folder new here. A name only reported changed ('change': written to, touched) was there
  // before, a file, and is not looked at again: an lstat of each of 30,000 files touched at once
  // held every request about 0.1 s longer while the events were taken in.
  let renamed = new Set<string>();
  let checked = new Set<string>();
  // Folders that went, or were moved or replaced (known here), or came (found by a check).
  let changedFolders = new Set<string>();
  let rescan = false;
  let closed = false;
  // Events since the last report: as many as the system queues, and some may have been dropped.
  let events = 0;
  // Which folder the root's path led to when it was watched (its device and inode).
  let rootIs: string | undefined;
  const identify = () => {
    const stats = statSync(root, { throwIfNoEntry: false });
    return stats?.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  };
  // Not while the path leads nowhere (a deploy between moving the old folder out and the new
  // one in): a listing then would find no articles at all.
  const rootTimer = setInterval(() => {
    const now = identify();
    if (rootIs === undefined || now === undefined || now === rootIs) return;
    forget('');
    rootIs = undefined;
    rescan = true;
    note();
  }, pollMs);
  rootTimer.unref();

  const flush = () => {
    timer = undefined;
    const files = [...checked];
    // A name a watcher reported that is a folder now: one that came, or came back. A link that
    // leads to a folder is left to a listing of the whole folder, which tells of it. Not looked
    // for when the whole folder is to be listed anyway: an rsync of 30,000 files at 100k (each
    // written under a hidden name and renamed into place, past the queue limit) had each name
    // lstat'ed first, holding requests 0.15-0.24 s, for a rescan that finds them all.
    const listedAnyway = rescan || events >= queueLimit;
    for (const path of named) {
      if (!renamed.has(path) || listedAnyway) {
        files.push(path);
        continue;
      }
      const kind = kindOf(path);
      if (kind === 'folder') changedFolders.add(path);
      else if (kind === 'link to a folder') rescan = true;
      else files.push(path);
    }
    // A link to a folder found above has it listed too.
    const whole = listedAnyway || rescan;
    const folders = [...changedFolders];
    named = new Set();
    renamed = new Set();
    checked = new Set();
    changedFolders = new Set();
    rescan = false;
    events = 0;
    if (whole) onChange(undefined, []);
    else onChange(files, folders);
  };
  const note = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, settleMs);
  };
  const kindOf = (path: string): 'folder' | 'link to a folder' | 'other' => {
    const stats = lstatSync(join(root, path), { throwIfNoEntry: false });
    if (stats?.isDirectory() === true) return 'folder';
    if (stats?.isSymbolicLink() !== true) return 'other';
    return statSync(join(root, path), { throwIfNoEntry: false })?.isDirectory() === true ? 'link to a folder' : 'other';
  };
  const pathIn = (folder: string, name: string) => (folder === '' ? name : `${folder}/${name}`);

  /** Stops watching or checking a folder, and every folder in it: it went, or is another one now. */
  const forget = (folder: string) => {
    const inside = folder === '' ? '' : `${folder}/`;
    const within = (path: string) => path === folder || path.startsWith(inside);
    for (const [path, watcher] of watchers) {
      if (!within(path)) continue;
      watcher.close();
      watchers.delete(path);
    }
    for (const path of polled.keys()) if (within(path)) polled.delete(path);
  };

  /** Checks a folder every `pollMs` or more, from the next check on. */
  const poll = (folder: string) => {
    if (polled.has(folder)) return;
    const none: FolderStamps = { places: new Map(), numbers: new Float64Array(0) };
    unchecked.add(none);
    polled.set(folder, none);
    if (folder === '') rootIs = identify();
    pollTimer ??= setTimeout(check, pollMs);
  };

  /**
   * What a folder's watcher tells, one listener for every folder, which finds its folder on the
   * watcher (see FOLDER). In a script of 100,000 watches alone, two closures a folder (this and
   * onError) took 15 MB of their 111 MB of RSS (fs.watch's own handles hold the rest).
   */
  function onEvent(this: FSWatcher, event: string, name: string | null): void {
    events += 1;
    if (name === null) rescan = true;
    else if (isSkippedName(name)) {
      if (events < queueLimit) return;
    } else {
      const path = pathIn((this as FolderWatcher)[FOLDER], name);
      // A folder known here went, or was moved or replaced: the files in it are found
      // gone (or back) only by listing it again, and it is watched again if it is there.
      if (watchers.has(path) || polled.has(path)) {
        forget(path);
        changedFolders.add(path);
      } else {
        named.add(path);
        if (event === 'rename') renamed.add(path);
      }
    }
    note();
  }

  function onError(this: FSWatcher): void {
    forget((this as FolderWatcher)[FOLDER]);
    rescan = true;
    note();
  }

  function watchFolder(folder: string): void {
    if (closed || watchers.has(folder)) return;
    if (pollOnly) {
      poll(folder);
      return;
    }
    try {
      // Its folder is set before any event can come: they come on a later turn of the loop.
      const watcher = Object.assign(watch(join(root, folder), onEvent), { [FOLDER]: folder });
      watcher.on('error', onError);
      watchers.set(folder, watcher);
      if (folder === '') rootIs = identify();
      polled.delete(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'an error';
      // Gone, or not a folder: its parent's watcher reports that. Not to be read: the listing
      // leaves it out and says so (see the fs source's onListingProblem).
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return;
      if (!warned.has(code)) {
        warned.add(code);
        const why = WHY_NOT_WATCHED[code] ?? String((error as Error).message);
        warn(`cannot watch ${join(root, folder)} (${code}: ${why}); it and every other folder that cannot be watched are checked for changes every ${pollMs / 1000} s or more instead`);
      }
      poll(folder);
    }
  }

  /**
   * Checks each folder that cannot be watched: its article files' stamps, and whether a folder
   * came or it went. The calls are synchronous, with requests let through every
   * {@link LET_THROUGH_EVERY_MS}: at 100,000 files, `statSync` took 0.36-0.47 s of CPU here,
   * where fs/promises' `stat` took 1.26-1.35 s.
   */
  async function check(): Promise<void> {
    let working = 0;
    let since = performance.now();
    const due = () => performance.now() - since >= LET_THROUGH_EVERY_MS;
    /** Lets requests through; false once the watcher is closed. */
    const pause = async () => {
      working += performance.now() - since;
      await letThrough();
      since = performance.now();
      return !closed;
    };
    folders: for (const [folder, seen] of polled) {
      if (due() && !(await pause())) return;
      // Forgotten, or watched, while requests were let through.
      if (polled.get(folder) !== seen) continue;
      const within = join(root, folder);
      let entries: Dirent[];
      try {
        entries = readdirSync(within, { withFileTypes: true });
      } catch {
        forget(folder);
        changedFolders.add(folder);
        continue;
      }
      const stamps: FolderStamps = { places: new Map(), numbers: new Float64Array(entries.length * STAMP_NUMBERS) };
      const stamp = (name: string, size: number, stats: { mtimeMs: number; ctimeMs: number; ino: number }) => {
        const at = stamps.places.size;
        const { numbers } = stamps;
        stamps.places.set(name, at);
        numbers[at * STAMP_NUMBERS] = size;
        numbers[at * STAMP_NUMBERS + 1] = stats.mtimeMs;
        numbers[at * STAMP_NUMBERS + 2] = stats.ctimeMs;
        numbers[at * STAMP_NUMBERS + 3] = stats.ino;
      };
      for (const entry of entries) {
        // Within a folder too: one folder may hold every article (Jekyll's _posts).
        if (due()) {
          if (!(await pause())) return;
          if (polled.get(folder) !== seen) continue folders;
        }
        const { name } = entry;
        const kind = listedAs(entry);
        if (kind === 'folder') {
          const path = pathIn(folder, name);
          if (!watchers.has(path) && !polled.has(path)) changedFolders.add(path);
        } else if (kind === 'article') {
          const stats = statSync(join(within, name), { throwIfNoEntry: false });
          // A file gone between the two reads is missing from `stamps`, so reported.
          if (stats) stamp(name, stats.size, stats);
        } else if (isSkippedContentLink(entry, () => false)) {
          // A link named like an article, reported when it comes or changes, as a watcher
          // reports one: the store finds it no file, and the source tells of it.
          const stats = lstatSync(join(within, name), { throwIfNoEntry: false });
          if (stats) stamp(name, LINK_SIZE, { mtimeMs: 0, ctimeMs: stats.ctimeMs, ino: stats.ino });
        }
      }
      const first = unchecked.has(seen);
      for (const [name, at] of stamps.places) {
        const link = stamps.numbers[at * STAMP_NUMBERS] === LINK_SIZE;
        if (stampChanged(stamps, at, seen, name) && !(first && link)) checked.add(pathIn(folder, name));
      }
      for (const name of seen.places.keys()) if (!stamps.places.has(name)) checked.add(pathIn(folder, name));
      polled.set(folder, stamps);
    }
    working += performance.now() - since;
    if (rescan || checked.size > 0 || changedFolders.size > 0) note();
    pollTimer = polled.size === 0 ? undefined : setTimeout(check, Math.max(pollMs, 10 * working));
  }

  return {
    watchFolder,
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(pollTimer);
      clearInterval(rootTimer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      polled.clear();
    },
  };
}
