/**
 * The persisted index of the Node host: one file per content folder, so that a restart over
 * unchanged files parses none of them. Every entry is checked against its file's size and
 * modification time before it is used; a file that cannot be read back as a complete index of
 * this version, for this configuration, is ignored as a whole and rebuilt.
 *
 * The file is lines: a header (format, fingerprint), the entries (a line of heads, then a line
 * of details per content file: see stored-entry.ts), and a trailer with the number of entries
 * and the SHA-256 of the entry lines. The checksum is what lets the details of each article
 * stay in the file, unparsed, until a response shows them: a damaged or cut-short file is
 * refused before any of it is used.
 *
 * Writes go to a temporary file renamed over the old one (never a torn index), and are
 * serialized in slices between which requests are served.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HEAD_BYTES, type IndexEntry } from '../articles/load.ts';
import type { IndexCache } from '../catalog/content-store.ts';
import { GENERATOR } from '../feeds/feed.ts';
import type { Site } from '../site.ts';
import { readLeadingLines, scanLineBreaks } from './file-lines.ts';
import { decodeEntriesInFile, encodeDetails, encodeHead } from './stored-entry.ts';

const FORMAT = 4;

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

function readTrailer(line: string): { entries: number; sha256: string } | undefined {
  try {
    const trailer = JSON.parse(line) as { entries?: unknown; sha256?: unknown };
    return typeof trailer.entries === 'number' && typeof trailer.sha256 === 'string' ? { entries: trailer.entries, sha256: trailer.sha256 } : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes `[start, end)` of a file. */
function readRange(descriptor: number, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(Math.max(0, end - start));
  if (readSync(descriptor, bytes, 0, bytes.length, start) !== bytes.length) throw new Error('it changed while being read');
  return bytes;
}

/** Bytes read from the end of the file to find its trailer (a trailer is about 80 bytes). */
const TAIL_BYTES = 4096;

/**
 * Reads an index file back; throws, saying why, when it is not a complete index for
 * `fingerprint`. The whole file is checked against its checksum, but only the header and the
 * heads are kept: the details are read through a megabyte at a time for the checksum and their
 * line breaks, and later read again from the file, line by line, as articles are shown.
 */
function readIndex(file: string, fingerprint: string): Map<string, IndexEntry> {
  const descriptor = openSync(file, 'r');
  let counted = 0;
  const find = () => {
    const size = fstatSync(descriptor).size;
    const leading = readLeadingLines(descriptor, 2);
    const [headerEnd = size, headsEnd = size] = leading.breaks;
    const header = JSON.parse(leading.bytes.toString('utf8', 0, headerEnd)) as { format?: unknown; fingerprint?: unknown };
    if (header.format !== FORMAT) throw new Error(`format ${String(header.format)}, not ${FORMAT}`);
    if (header.fingerprint !== fingerprint) throw new Error('written for another version or configuration');
    const detailsStart = Math.min(headsEnd + 1, size);
    const tailStart = Math.max(detailsStart, size - TAIL_BYTES);
    const tail = readRange(descriptor, tailStart, size);
    if (tail.at(-1) !== 0x0a) throw new Error(tail.length === 0 ? 'its trailer is missing' : 'the last line is cut short');
    const trailerStart = tailStart + tail.lastIndexOf(0x0a, tail.length - 2) + 1;
    const trailer = readTrailer(tail.toString('utf8', trailerStart - tailStart, tail.length - 1));
    if (trailer === undefined) throw new Error('its trailer is missing');
    const heads = leading.bytes.subarray(headerEnd + 1, headsEnd);
    const checksum = createHash('sha256').update(heads).update('\n');
    const breaks = scanLineBreaks(descriptor, detailsStart, trailerStart, (bytes) => checksum.update(bytes));
    if (trailer.sha256 !== checksum.digest('base64url')) throw new Error('its entries do not match their checksum');
    counted = trailer.entries;
    return { heads, lines: { start: detailsStart, end: trailerStart, breaks } };
  };
  return decodeEntriesInFile(descriptor, find, (entries) => checkedCount(entries, counted));
}

function checkedCount(decoded: readonly IndexEntry[], counted: number): Map<string, IndexEntry> {
  const entries = new Map(decoded.map((entry) => [entry.path, entry]));
  if (entries.size !== counted) throw new Error(`${entries.size} entries, not the ${counted} its trailer counts`);
  return entries;
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
    const checksum = createHash('sha256');
    stream.write(`${JSON.stringify({ format: FORMAT, fingerprint: options.fingerprint })}\n`);
    const SLICE = 2000;
    const slices = function* (encode: (entry: IndexEntry) => string, separator: string) {
      for (let start = 0; start < entries.length; start += SLICE) yield entries.slice(start, start + SLICE).map(encode).join(separator);
    };
    const put = async (text: string) => {
      checksum.update(text);
      if (!stream.write(text)) await new Promise<void>((next) => stream.once('drain', () => next()));
      // Let requests through between slices.
      await new Promise((next) => setImmediate(next));
    };
    await put('[');
    let first = true;
    for (const heads of slices(encodeHead, ',')) {
      await put(first ? heads : `,${heads}`);
      first = false;
    }
    await put(']\n');
    for (const details of slices(encodeDetails, '')) await put(details);
    stream.write(`${JSON.stringify({ entries: entries.length, sha256: checksum.digest('base64url') })}\n`);
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
      try {
        return readIndex(options.file, options.fingerprint);
      } catch (error) {
        log(`index cache ${options.file} is not usable (${(error as Error).message}); indexing every file again`);
        return undefined;
      }
    },
    exists: () => existsSync(options.file),
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
