/**
 * The persisted index of the Node host: one file per content folder and configuration, so that
 * a restart over unchanged files parses none of them. Every entry is checked against its file's
 * size and modification time before it is used; a file that cannot be read back as a complete
 * index of this version, for this configuration, is ignored as a whole and rebuilt.
 *
 * The file is a header line (format, fingerprint), then the entries as stored-entry.ts lays
 * them out, with a trailer holding the CRC-32 of what the catalog reads: a damaged or
 * cut-short file is refused before any of it is used. The details of each article stay in the
 * file, unparsed, until a response shows them, each line checked against its own hash then; a
 * damaged one is read from the article's file again (see rereadArticle). The paths and the
 * folder times of the listing the entries came from can be had before the check (`listing`),
 * for a restart to stat the files while the rest is checked.
 *
 * Writes go to a temporary file renamed over the old one (never a torn index), and are
 * written in chunks between which requests are served.
 */
import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Article } from '../articles/article.ts';
import { articleFromText, HEAD_BYTES, type IndexEntry } from '../articles/load.ts';
import type { IndexCache, PersistedEntries, SavedCollection, SavedListing } from '../catalog/content-store.ts';
import { GENERATOR } from '../feeds/feed.ts';
import type { Site } from '../site.ts';
import { createSortedMap } from '../sorted-map.ts';
import { readContentFile } from '../sources/fs.ts';
import { isSafeContentPath, type FolderStamp } from '../sources/source.ts';
import { readLeadingLines } from './file-lines.ts';
import { INDEX_FILE_NAME } from './process-role.ts';
import { openEntries, writeEntries, type OpenedEntries, type Recover } from './stored-entry.ts';

const FORMAT = 12;

let build: string | undefined;

/**
 * What names the running build: a hash of the code it runs. A new build may read articles or
 * render Markdown differently, so what an older one derived is not used. Run as `wirefeed`,
 * the code is one file, the bundle with its dependencies; run from src/ (`npm run dev`, the
 * tests), it is every source file and the lockfile.
 */
export function runningBuild(): string {
  if (build === undefined) {
    const here = fileURLToPath(import.meta.url);
    const hash = createHash('sha256');
    for (const file of here.endsWith('.ts') ? sourceFiles(join(dirname(here), '..')) : [here]) hash.update(`${file}\n`).update(readFileSync(file));
    build = hash.digest('base64url');
  }
  return build;
}

/** Every file under the source folder `src` (sorted), and the lockfile beside it if there is one. */
function sourceFiles(src: string): string[] {
  const files = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const lockfile = join(src, '..', 'package-lock.json');
  return existsSync(lockfile) ? [...files, lockfile] : files;
}

/** The settings of the configuration an index depends on, by name, as its header keeps them (see settingsThatDiffer). */
export type IndexSettings = Readonly<Record<string, unknown>>;

export function indexSettings(site: Site): IndexSettings {
  const { baseUrl, timeZone, defaultLanguage, categories, authors, summaryLength } = site;
  return { baseUrl, timeZone, defaultLanguage, categories, authors, summaryLength };
}

/** What the index (and the HTML kept with it) depends on in the configuration, in a fixed order. */
function configurationOf(site: Site): readonly unknown[] {
  return Object.values(indexSettings(site));
}

/**
 * How `ours` differs from the settings an index was written with (`theirs`): `baseUrl is
 * "http://localhost:8787", not "https://news.example"` for a value, `categories differ` for a
 * table; empty when they are the same.
 */
export function settingsThatDiffer(theirs: IndexSettings, ours: IndexSettings): string[] {
  return Object.entries(ours).flatMap(([name, value]) => {
    const written = JSON.stringify(theirs[name]);
    if (written === JSON.stringify(value)) return [];
    return typeof value === 'object' && value !== null ? [`${name} differ`] : [`${name} is ${written ?? 'not set'}, not ${JSON.stringify(value)}`];
  });
}

/** The settings in an index file's header (see FileIndexCacheOptions.settings); `undefined` when it has none or cannot be read. */
function writtenSettings(file: string): IndexSettings | undefined {
  try {
    const descriptor = openSync(file, 'r');
    try {
      const { bytes, breaks } = readLeadingLines(descriptor, 1);
      const header: unknown = JSON.parse(bytes.toString('utf8', 0, breaks[0] ?? bytes.length));
      const settings = (header as { settings?: unknown } | null)?.settings;
      return typeof settings === 'object' && settings !== null ? (settings as IndexSettings) : undefined;
    } finally {
      closeSync(descriptor);
    }
  } catch {
    return undefined;
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/** What the index (and the HTML kept with it) depends on besides the files: the build that made it, and the configuration it read. */
export function indexFingerprint(site: Site, code = runningBuild()): string {
  return digest(JSON.stringify([FORMAT, GENERATOR.version, code, HEAD_BYTES, ...configurationOf(site)])).slice(0, 22);
}

/**
 * The default place of the index of a content folder read with a configuration by a build
 * (under node_modules/.cache, like other tools' caches):
 * `index-<folder>-<configuration>-<build>.json`. Each configuration has its own, so that two
 * servers of one folder (a staging and a live base URL, or `PORT=8080` and `PORT=8081`, whose
 * default base URLs differ) do not make every start of the other a first one; and each build,
 * so that the server being replaced, which writes its index after a change and its kept HTML
 * when it stops, does not write over what `wirefeed index` prepared for the build replacing it.
 * {@link forgetOtherConfigurations} keeps their number down.
 */
export function defaultIndexPath(cacheDir: string, contentDir: string, site: Site, code = runningBuild()): string {
  const parts = [resolve(contentDir), JSON.stringify(configurationOf(site)), code].map(digest);
  return join(cacheDir, `index-${parts[0]!.slice(0, 16)}-${parts[1]!.slice(0, 8)}-${parts[2]!.slice(0, 8)}.json`);
}

/** Indexes of a content folder kept beside the one in use: of other configurations, or other builds. */
export const OTHER_CONFIGURATIONS_KEPT = 3;

/**
 * Removes the indexes of the content folder other than `file` (of other configurations or
 * builds), all but the `kept` last used (written or read: see `createFileIndexCache`), with
 * every file named after them (the HTML kept beside each, a write left half-done), and any
 * index of the folder named as earlier versions named them (by folder alone, or by folder and
 * configuration). One folder's cache then holds a few indexes, however many ports, base URLs
 * or builds it was served with. Gives the names of the others it keeps.
 */
export function forgetOtherConfigurations(file: string, kept = OTHER_CONFIGURATIONS_KEPT): readonly string[] {
  const folder = dirname(file);
  const own = INDEX_FILE_NAME.exec(basename(file));
  if (own === null || !isCurrentName(own)) return [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return []; // no cache folder yet
  }
  const lastUsed = (name: string) => statSync(join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const others = names.flatMap((name) => {
    const match = INDEX_FILE_NAME.exec(name);
    if (match === null || match[1] !== own[1] || name === basename(file)) return [];
    return [{ name, old: !isCurrentName(match), at: lastUsed(name) }];
  });
  const current = others.filter(({ old }) => !old).sort((a, b) => b.at - a.at);
  const forgotten = [...others.filter(({ old }) => old), ...current.slice(kept)];
  for (const { name } of forgotten) {
    // `index-….`, which the index's own name, its kept HTML's and its half-done writes' start with
    const stem = name.slice(0, -'json'.length);
    for (const named of names) if (named.startsWith(stem)) removeIfAllowed(join(folder, named));
  }
  return current.slice(0, kept).map(({ name }) => name);
}

/** Whether an index's name (matched by INDEX_FILE_NAME) has a configuration and a build part, as this version names them. */
function isCurrentName(match: RegExpExecArray): boolean {
  return namedParts(match[0]) !== undefined;
}

/** The parts of an index's name as defaultIndexPath makes it; `undefined` for any other name. */
function namedParts(name: string): { readonly configuration: string; readonly build: string } | undefined {
  const match = /^index-[\w-]{16}-([\w-]{8})-([\w-]{8})\.json$/.exec(name);
  return match ? { configuration: match[1] as string, build: match[2] as string } : undefined;
}

/**
 * What the other indexes of a folder (`others`, file names, newest first, as
 * forgetOtherConfigurations gives them) were written for, beside `file`: "another build" when
 * one has the same configuration (a new build's first start, or one that `wirefeed index` did
 * not prepare), else "another configuration" when one has the same build (a base URL, port,
 * time zone, language, category, author or summary length that differs) - with, given our
 * `settings`, which of them differ in the newest such index (see settingsThatDiffer) - else
 * "other configurations and builds"; `undefined` when there are none.
 */
export function otherIndexes(file: string, others: readonly string[], settings?: IndexSettings): string | undefined {
  const own = namedParts(basename(file));
  const theirs = others.flatMap((name) => {
    const parts = namedParts(name);
    return parts ? [{ name, ...parts }] : [];
  });
  if (own === undefined || theirs.length === 0) return undefined;
  if (theirs.some(({ configuration }) => configuration === own.configuration)) return 'another build';
  const sameBuild = theirs.find(({ build }) => build === own.build);
  if (sameBuild === undefined) return 'other configurations and builds';
  const written = settings && writtenSettings(join(dirname(file), sameBuild.name));
  const differences = written ? settingsThatDiffer(written, settings) : [];
  return differences.length > 0 ? `another configuration, where ${differences.join(' and ')}` : 'another configuration';
}

/**
 * Removes a file of the cache folder if this process may: tidying the cache never stops a start
 * (a read-only cache, or another user's files, are left as they are; they only cost room).
 */
export function removeIfAllowed(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // left as it is
  }
}

/** Opens an index file (see openEntries); throws, saying why, when it is not an index for `fingerprint`. */
function openIndex(file: string, fingerprint: string, recover: Recover | undefined): OpenedEntries {
  const checkHeader = (header: unknown) => {
    const { format, fingerprint: written } = header as { format?: unknown; fingerprint?: unknown };
    if (format !== FORMAT) throw new Error(`format ${String(format)}, not ${FORMAT}`);
    if (written !== fingerprint) throw new Error('written for another version or configuration');
  };
  return openEntries(openSync(file, 'r'), checkHeader, recover);
}

/**
 * Reads an article from its file in `root` again, at once (see openEntries): what an index
 * entry whose details line is damaged is read from.
 */
export function rereadArticle(root: string, site: Site): Recover {
  return (path: string): Article | undefined => {
    if (!isSafeContentPath(path)) return undefined;
    try {
      return articleFromText(path, readContentFile(join(root, path)), site);
    } catch {
      return undefined;
    }
  };
}

/**
 * Reads an opened index file back; throws, saying why, when it is not a complete index. What
 * the catalog needs is checked against the checksum and kept; the details of each article are
 * read from the file as articles are shown.
 */
function readIndex(opened: OpenedEntries): PersistedEntries {
  const { entries, collection, unchangedWith } = opened.read();
  // Written in path order (as every scan lists them): looked up by binary search, with no Map to build.
  let byPath: ReadonlyMap<string, IndexEntry>;
  try {
    byPath = createSortedMap(entries, (entry) => entry.path);
  } catch {
    throw new Error('its entries are not in path order');
  }
  return Object.assign(byPath, { unchangedWith, ...(collection ? { collection } : {}) });
}

/**
 * Removes what processes killed while writing `file` left: `file.<pid>.tmp` files (written
 * aside, then renamed over `file`) older than a minute - a live writer's file is younger.
 */
export function removeAbandonedWrites(file: string): void {
  const folder = dirname(file);
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isFile() ? [entry.name] : []));
  } catch {
    return; // no cache folder yet
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const path = join(folder, name);
    if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - 60_000) removeIfAllowed(path);
  }
}

export interface FileIndexCacheOptions {
  readonly file: string;
  readonly fingerprint: string;
  /** The settings the fingerprint was made of, kept in the header so that a start with others can say which differ (see otherIndexes). */
  readonly settings?: IndexSettings;
  readonly log?: (message: string) => void;
  /** Milliseconds to wait for more changes before writing (a burst of edits is written once). */
  readonly settleMs?: number;
  /** Milliseconds, for tests (default: performance.now): how long a write took, and when the next may begin (see WRITE_SPACING). */
  readonly clock?: () => number;
  /** Bytes an hour the writes may average (default {@link WRITE_BYTES_PER_HOUR}); for tests. */
  readonly writeBytesPerHour?: number;
  /** Reads an article from its file again when its details line in the index is damaged (see {@link rereadArticle}). */
  readonly recover?: Recover;
}

/**
 * After a write, the next one waits (besides for changes to settle) until this many times as
 * long as the write took has passed since it ended, so that writing takes at most about a
 * tenth of the server's time. At 100,000 articles a write takes about 0.6 s of CPU: a server
 * whose files changed every 1.5 s wrote after every change and used 13.8 s of CPU in 30 s,
 * against 1.3 s with no index. A stop writes at once (see `flush`); a server killed meanwhile
 * reads again at its next start the files changed since the last write (their stamps differ).
 */
const WRITE_SPACING = 10;

/**
 * And until the disk has had time to write it at this rate: the index is written whole, 79 MB
 * at 100,000 articles and 379 MB at 500,000, so a newsroom changing a file every half minute
 * wrote some 230 GB a day at 100,000 articles, and over 1 TB at 500,000, for what a restart
 * after a kill gets back by reading the few files changed since (their stamps differ). At 1 GB
 * an hour (about 24 GB a day at most) the next write waits about 3 seconds at 1,000 articles,
 * half a minute at 10,000, 5 minutes at 100,000 and 23 at 500,000. A stop writes at once.
 */
const WRITE_BYTES_PER_HOUR = 1e9;

export function createFileIndexCache(options: FileIndexCacheOptions): IndexCache {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? (() => performance.now());
  // When the next write may begin (see WRITE_SPACING).
  let nextWriteAt = -Infinity;
  let writing: Promise<void> = Promise.resolve();
  /** What a save asked to write, once changes have settled. */
  type Save = {
    readonly entries: readonly IndexEntry[];
    readonly collection: SavedCollection | undefined;
    readonly folders: readonly FolderStamp[] | undefined;
  };
  let pending: Save | undefined;
  let scheduled: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Counts the saves scheduled and the flushes: a scheduled save that a flush overtook writes nothing.
  let runs = 0;

  /** Writes the index; gives the bytes written. */
  const write = async ({ entries, collection, folders }: Save): Promise<number> => {
    mkdirSync(dirname(options.file), { recursive: true });
    const temporary = `${options.file}.${process.pid}.tmp`;
    const stream = createWriteStream(temporary);
    // A failed write (a full disk) ends the save wherever it waits on the stream: before, the
    // writer waited for a 'drain' that never came, and the rejection nobody awaited yet ended
    // the process.
    let failure: Error | undefined;
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    failed.catch((error: Error) => (failure = error));
    const done = new Promise<void>((resolveDone) => stream.once('finish', resolveDone));
    await writeEntries(
      async (chunk) => {
        if (failure) throw failure;
        if (!stream.write(chunk)) await Promise.race([new Promise<void>((next) => stream.once('drain', () => next())), failed]);
        // Let requests through between chunks.
        await new Promise((next) => setImmediate(next));
      },
      { format: FORMAT, fingerprint: options.fingerprint, ...(options.settings ? { settings: options.settings } : {}) },
      entries,
      { ...(collection ? { collection } : {}), ...(folders ? { folders } : {}), pause: () => new Promise((next) => setImmediate(next)) },
    );
    stream.end();
    await Promise.race([done, failed]);
    renameSync(temporary, options.file);
    return stream.bytesWritten;
  };
  const msPerByte = 3_600_000 / (options.writeBytesPerHour ?? WRITE_BYTES_PER_HOUR);
  const timedWrite = async (save: Save) => {
    const began = clock();
    let bytes = 0;
    try {
      bytes = await write(save);
    } finally {
      const ended = clock();
      nextWriteAt = ended + Math.max(WRITE_SPACING * (ended - began), bytes * msPerByte);
    }
  };
  // A write that fails (a full disk, a read-only cache) is logged once, until one succeeds
  // again: a cache that cannot be written would otherwise say so after every change.
  let failing = false;
  const writeNow = (save: Save) => {
    writing = writing.then(
      () =>
        timedWrite(save).then(
          () => {
            if (failing) log('the index cache is written again');
            failing = false;
          },
          (error: Error) => {
            removeIfAllowed(`${options.file}.${process.pid}.tmp`);
            if (!failing) log(`could not write the index cache: ${error.message}`);
            failing = true;
          },
        ),
    );
    return writing;
  };

  const recover: Recover | undefined =
    options.recover &&
    ((path) => {
      log(`index cache ${options.file}: the details of ${path} are damaged; reading them from the file again`);
      return options.recover?.(path);
    });
  // The index as `listing` opened it, for `load` to check and read: the same file, whatever
  // has been renamed over it since. Else `load` opens it.
  let opened: OpenedEntries | Error | undefined;
  const open = (): OpenedEntries | Error | undefined => {
    removeAbandonedWrites(options.file);
    if (!existsSync(options.file)) return undefined;
    try {
      return openIndex(options.file, options.fingerprint, recover);
    } catch (error) {
      return error as Error;
    }
  };
  // Its modification time says when it was last used, written or read (see forgetOtherConfigurations).
  const markUsed = () => {
    try {
      const now = new Date();
      utimesSync(options.file, now, now);
    } catch {
      // renamed away meanwhile, or a read-only cache: it is only a hint
    }
  };
  const unusable = (error: Error) => {
    log(`index cache ${options.file} is not usable (${error.message}); indexing every file again`);
    return undefined;
  };

  return {
    listing(): SavedListing | undefined {
      opened ??= open();
      if (opened === undefined || opened instanceof Error || opened.folders === undefined) return undefined;
      return { paths: opened.paths, folders: opened.folders };
    },
    async load() {
      const index = opened ?? open();
      opened = undefined;
      if (index === undefined) return undefined;
      if (index instanceof Error) return unusable(index);
      try {
        const loaded = readIndex(index);
        markUsed();
        return loaded;
      } catch (error) {
        return unusable(error as Error);
      }
    },
    exists: () => existsSync(options.file),
    save(entries, collection, folders) {
      // The newest entries win; one write at a time, once changes have settled, the write
      // before has ended and the spacing it asks for has passed (see WRITE_SPACING and
      // WRITE_BYTES_PER_HOUR).
      pending = { entries, collection, folders };
      if (scheduled) return scheduled;
      const run = ++runs;
      const wait = (ms: number) =>
        new Promise<void>((start) => {
          timer = setTimeout(start, Math.max(0, ms)).unref();
        });
      scheduled = wait(options.settleMs ?? 1000)
        .then(() => writing)
        .then(() => (run === runs ? wait(nextWriteAt - clock()) : undefined))
        .then(() => {
          // A flush since has written what was pending.
          if (run !== runs) return writing;
          scheduled = undefined;
          const latest = pending;
          pending = undefined;
          return latest ? writeNow(latest) : writing;
        });
      return scheduled;
    },
    async flush() {
      // A write waiting for changes to settle, or for the spacing, starts now; then every write has to finish.
      clearTimeout(timer);
      runs += 1;
      scheduled = undefined;
      const latest = pending;
      pending = undefined;
      await (latest ? writeNow(latest) : writing);
    },
  };
}
