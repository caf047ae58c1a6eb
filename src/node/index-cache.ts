/**
 * The persisted index of the Node host: one JSON file per content folder, so that a restart
 * over unchanged files parses none of them. Every entry is checked against its file's size and
 * modification time before it is used; a file that cannot be read back as a complete index of
 * this version, for this configuration, is ignored as a whole and rebuilt.
 *
 * The file is JSON Lines: a header line (format, fingerprint, number of entries), then one line
 * per file. Reading it line by line never holds the whole index as one string - at 100,000
 * articles that string alone took 190 MB of heap - and a file cut short has too few lines.
 *
 * Writes go to a temporary file renamed over the old one (never a torn index), and are
 * serialized in slices between which requests are served.
 */
import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Article, Problem } from '../articles/article.ts';
import { HEAD_BYTES, type IndexEntry } from '../articles/load.ts';
import type { IndexCache } from '../catalog/content-store.ts';
import { GENERATOR } from '../feeds/feed.ts';
import type { Site } from '../site.ts';

const FORMAT = 2;

/** What the index depends on besides the files: the code that builds it, and the configuration it reads. */
export function indexFingerprint(site: Site): string {
  const { baseUrl, timeZone, defaultLanguage, categories, authors, summaryLength } = site;
  const inputs = JSON.stringify([FORMAT, GENERATOR.version, HEAD_BYTES, baseUrl, timeZone, defaultLanguage, categories, authors, summaryLength]);
  return createHash('sha256').update(inputs).digest('base64url').slice(0, 22);
}

/** The default place of the index of a content folder (under node_modules/.cache, like other tools' caches). */
export function defaultIndexPath(cacheDir: string, contentDir: string): string {
  const name = createHash('sha256').update(resolve(contentDir)).digest('base64url').slice(0, 16);
  return join(cacheDir, `index-${name}.json`);
}

type StoredEntry = [path: string, size: number, mtimeMs: number, draft: 0 | 1, article: Article | null, problems: Problem[]];

function isStoredEntry(value: unknown): value is StoredEntry {
  if (!Array.isArray(value) || value.length !== 6) return false;
  const [path, size, mtimeMs, draft, article, problems] = value as unknown[];
  return (
    typeof path === 'string' &&
    typeof size === 'number' &&
    typeof mtimeMs === 'number' &&
    (draft === 0 || draft === 1) &&
    (article === null || (typeof article === 'object' && typeof (article as Article).id === 'string' && typeof (article as Article).published === 'number')) &&
    Array.isArray(problems)
  );
}

/**
 * The lines of a UTF-8 file, read a megabyte at a time and decoded one line at a time (the last
 * line must end with a newline).
 */
function* readLines(file: string): Generator<string, undefined> {
  const descriptor = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carried = Buffer.alloc(0);
    for (;;) {
      const read = readSync(descriptor, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const bytes = carried.length > 0 ? Buffer.concat([carried, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
        yield bytes.toString('utf8', start, end);
        start = end + 1;
      }
      carried = Buffer.from(bytes.subarray(start));
    }
    if (carried.length > 0) throw new Error('the last line is cut short');
  } finally {
    closeSync(descriptor);
  }
  return undefined;
}

export interface FileIndexCacheOptions {
  readonly file: string;
  readonly fingerprint: string;
  readonly log?: (message: string) => void;
  /** Milliseconds to wait for more changes before writing (a burst of edits is written once). */
  readonly settleMs?: number;
}

export function createFileIndexCache(options: FileIndexCacheOptions): IndexCache {
  const log = options.log ?? (() => undefined);
  let writing: Promise<void> = Promise.resolve();
  let pending: readonly IndexEntry[] | undefined;
  let scheduled: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const write = async (entries: readonly IndexEntry[]) => {
    mkdirSync(dirname(options.file), { recursive: true });
    const temporary = `${options.file}.${process.pid}.tmp`;
    const stream = createWriteStream(temporary);
    const done = new Promise<void>((resolveDone, reject) => {
      stream.on('finish', resolveDone);
      stream.on('error', reject);
    });
    stream.write(`${JSON.stringify({ format: FORMAT, fingerprint: options.fingerprint, entries: entries.length })}\n`);
    const SLICE = 2000;
    for (let start = 0; start < entries.length; start += SLICE) {
      const lines = entries.slice(start, start + SLICE).map((entry) => {
        const stored: StoredEntry = [entry.path, entry.stamp.size, entry.stamp.mtimeMs, entry.draft ? 1 : 0, entry.article ?? null, [...entry.problems]];
        return `${JSON.stringify(stored)}\n`;
      });
      if (!stream.write(lines.join(''))) await new Promise<void>((next) => stream.once('drain', () => next()));
      // Let requests through between slices.
      await new Promise((next) => setImmediate(next));
    }
    stream.end();
    await done;
    renameSync(temporary, options.file);
  };
  const writeNow = (entries: readonly IndexEntry[]) => {
    writing = writing
      .then(() => write(entries))
      .catch((error: Error) => {
        rmSync(`${options.file}.${process.pid}.tmp`, { force: true });
        log(`could not write the index cache: ${error.message}`);
      });
    return writing;
  };

  // Half-written indexes of processes killed while writing (a live writer's file is younger).
  const removeAbandonedWrites = () => {
    const folder = dirname(options.file);
    const prefix = `${basename(options.file)}.`;
    for (const name of readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isFile() ? [entry.name] : []))) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const path = join(folder, name);
      if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - 60_000) rmSync(path, { force: true });
    }
  };

  return {
    async load() {
      try {
        removeAbandonedWrites();
      } catch {
        // no cache folder yet
      }
      if (!existsSync(options.file)) return undefined;
      let lines: Generator<string, undefined> | undefined;
      try {
        lines = readLines(options.file);
        const header = JSON.parse(lines.next().value ?? '{}') as { format?: unknown; fingerprint?: unknown; entries?: unknown };
        if (header.format !== FORMAT) throw new Error(`format ${String(header.format)}, not ${FORMAT}`);
        if (header.fingerprint !== options.fingerprint) throw new Error('written for another version or configuration');
        const entries = new Map<string, IndexEntry>();
        for (const line of lines) {
          const value: unknown = JSON.parse(line);
          if (!isStoredEntry(value)) throw new Error('an entry is malformed');
          const [path, size, mtimeMs, draft, article, problems] = value;
          entries.set(path, { path, stamp: { size, mtimeMs }, draft: draft === 1, problems, ...(article ? { article: Object.freeze(article) } : {}) });
        }
        if (entries.size !== header.entries) throw new Error(`${entries.size} entries, not the ${String(header.entries)} its header counts`);
        return entries;
      } catch (error) {
        log(`index cache ${options.file} is not usable (${(error as Error).message}); indexing every file again`);
        return undefined;
      } finally {
        // Closes the file when reading stopped early.
        lines?.return(undefined);
      }
    },
    save(entries) {
      // The newest entries win; one write at a time, after changes have settled.
      pending = entries;
      scheduled ??= new Promise<void>((start) => {
        timer = setTimeout(start, options.settleMs ?? 1000).unref();
      }).then(() => {
        scheduled = undefined;
        const latest = pending;
        pending = undefined;
        return latest ? writeNow(latest) : writing;
      });
      return scheduled;
    },
    async flush() {
      // A write waiting for changes to settle starts now; then every write has to finish.
      clearTimeout(timer);
      scheduled = undefined;
      const latest = pending;
      pending = undefined;
      await (latest ? writeNow(latest) : writing);
    },
  };
}
