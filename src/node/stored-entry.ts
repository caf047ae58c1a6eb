/**
 * Files of index entries: the persisted index, and what an indexing process hands over. Both
 * are laid out alike:
 *
 *   header    one JSON line, the writer's own (format, fingerprint)
 *   details   a line per entry: [title, description, tags, authors, image, originUrl]; empty without an article
 *   tables    one JSON line: languages, categories, the problems of the entries that have any,
 *             the stamps of the versions kept by entries of files broken after a good one,
 *             (when the entries were saved with them) what they made of the collection: how
 *             many articles, how many drafts, every problem, the articles in clashes of codes
 *             and slugs (see Clashes), and the folders of the listing
 *             they came from, with their times (see FolderStamp)
 *   numbers   float64 values, COLUMNS per entry: stamp, flags, language and category (indexes into
 *             the tables), dates, where the entry's strings and details line end, where its
 *             article stands in the collection, newest first and by slug (-1: not in it), and
 *             a hash of its details line (CRC-32)
 *   text      every entry's path, id and slug one after another: Latin-1 when every character
 *             fits, else UTF-16LE
 *   trailer   one JSON line: the number of entries, the byte lengths of tables, numbers and
 *             text, and the CRC-32 of tables, numbers and text
 *
 * The numbers and the text are all the catalog needs (order, scopes, stamps), and they are laid
 * out so that reading them costs next to nothing: the numbers are copied into a Float64Array
 * as they are, the text becomes one string, and each path, id and slug is a slice of it. At
 * 100,000 entries that is a fifth of the time parsing the same values as JSON took, with a
 * fraction of the garbage. With the collection's orders saved too, a restart over unchanged
 * files skips what assembling and sorting 100,000 articles costs: its articles come back newest
 * first, and in slug order to be looked up by binary search, with no Map to fill (100,000 slugs
 * in a Map took 100-130 ms of every restart), and what the catalog finds going through them is
 * read from the numbers (see scanCollection). The details hold what only a feed
 * or page shows; they stay in the file, unparsed, and are read the first time an article's
 * title or summary is asked for, so that a start over 100,000 articles keeps none of them in
 * memory.
 *
 * What the catalog needs (tables, numbers and text) is checked against the checksum before
 * any of it is used (zlib's CRC-32, which finds a damaged or cut-short file as a SHA-256 did -
 * neither, without a key, stops a file made to match - in about 8 ms where SHA-256 took 18-40
 * ms of a restart at 100,000 entries), and the file is refused as a whole when anything in it
 * is out of shape.
 * Only the paths of its entries and the folders may be had before (see openEntries): a restart
 * stats the files while the file is checked. Each details line is checked against its own
 * hash when it is read, the first time its article is shown: at 100,000 articles the lines are
 * 55 of 78 MB, and reading and hashing them took 100-130 ms of every restart. A line that does
 * not match is not used: the article's details are read from its file again (see recover).
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import type { Article, Category, Problem } from '../articles/article.ts';
import type { Clashes, IndexEntry, KnownEntries, LoadedArticles } from '../articles/load.ts';
import { latestUpdatesFrom, scopeKeysOf, type CatalogScan } from '../catalog/catalog.ts';
import type { SavedCollection } from '../catalog/content-store.ts';
import type { Person } from '../site.ts';
import { createSortedMap } from '../sorted-map.ts';
import { asSmallInteger, type FileStamp, type FolderStamp, type Stamps } from '../sources/source.ts';
import { readLeadingLines, readRange } from './file-lines.ts';

type Details = [title: string, description: string, tags: string[], authors: Person[], image: string | null, originUrl: string | null];

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringOrNull = (value: unknown): value is string | null => value === null || isString(value);
const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

function isDetails(value: unknown): value is Details {
  if (!Array.isArray(value) || value.length !== 6) return false;
  const [title, description, tags, authors, image, originUrl] = value as unknown[];
  return (
    isString(title) &&
    isString(description) &&
    Array.isArray(tags) &&
    tags.every(isString) &&
    Array.isArray(authors) &&
    authors.every((person) => typeof person === 'object' && person !== null && isString((person as Person).name)) &&
    isStringOrNull(image) &&
    isStringOrNull(originUrl)
  );
}

/**
 * Where the details lines of stored entries are kept: `bytes(start, end)` of one line (without
 * its line break), or of several that lie together (with the line breaks between them).
 */
interface DetailsSource {
  bytes(start: number, end: number): Buffer;
}

// Closes the file of details once no article reads from it any more.
const openFiles = new FinalizationRegistry<number>((descriptor) => {
  try {
    closeSync(descriptor);
  } catch {
    // closed already
  }
});

/**
 * Details lines read from an open file when asked for: the index as it was checked at start-up
 * (only ever replaced by renaming a new file over it, which leaves this descriptor reading the
 * old one), or what an indexing process wrote (removed once open). Closed when the last article
 * that reads from it is gone.
 */
function detailsInFile(descriptor: number): DetailsSource & { close(): void } {
  const source = {
    bytes(start: number, end: number): Buffer {
      const bytes = Buffer.allocUnsafe(end - start);
      if (readSync(descriptor, bytes, 0, bytes.length, start) !== bytes.length) throw new Error('the index file was cut short while in use');
      return bytes;
    },
    /** Closes the file now (when the entries that would read from it are not used after all). */
    close() {
      openFiles.unregister(source);
      closeSync(descriptor);
    },
  };
  openFiles.register(source, descriptor, source);
  return source;
}

// Symbols rather than #private fields: tools that read getters through another receiver
// (test matchers, proxies) still work, and JSON.stringify and Object.keys leave them out.
const COLUMNS_OF = Symbol('columns');
const AT = Symbol('at');
const DETAILS = Symbol('details');
const LINE = Symbol('line');
const HASH = Symbol('hash');
const REREAD = Symbol('reread');

/**
 * What the entries read back from one file share: its numbers and text as the file holds them,
 * the paths (made once, when the file is opened), its tables, and where its details lines are.
 * A stored entry or article is a place among these, and makes its stamp, id and dates when
 * asked. Anything kept per entry is 100,000 more objects at 100,000 entries for the collector
 * to copy while a restart reads them (boxed numbers, stamp objects, slices of the text); made
 * when asked, they are short-lived, which costs it next to nothing.
 */
interface Columns {
  readonly numbers: Float64Array;
  readonly text: string;
  readonly paths: readonly string[];
  readonly languages: readonly string[];
  readonly categories: readonly Category[];
  readonly problems: ReadonlyMap<number, readonly Problem[]>;
  /** The stamp of the version each entry of a file broken after a good one keeps (see IndexEntry.keptStamp). */
  readonly kept: ReadonlyMap<number, FileStamp>;
  readonly details: DetailsLines;
  /** The article of a file, read again (see openEntries). */
  readonly recover: Recover | undefined;
}

/** Reads the article of a file (by its path) again, when its details line in a file of entries is damaged; `undefined` when it cannot. */
export type Recover = (path: string) => Article | undefined;

/**
 * The CRC-32 of `bytes`: finds a damaged details line (not a defence against one made to match).
 * zlib's, in native code: FNV-1a written in JavaScript took 2-3 µs a line, 0.1 s of each indexing
 * process's time at 50,000 files; this takes about 0.5 µs.
 */
function lineHash(bytes: Uint8Array): number {
  return crc32(bytes);
}

/** An entry read back from a file of entries. */
class StoredEntry implements IndexEntry {
  readonly article?: Article;
  readonly [COLUMNS_OF]: Columns;
  readonly [AT]: number;

  constructor(columns: Columns, at: number, article: Article | undefined) {
    if (article !== undefined) this.article = article;
    this[COLUMNS_OF] = columns;
    this[AT] = at;
  }

  get path(): string {
    return this[COLUMNS_OF].paths[this[AT]] as string;
  }
  get draft(): boolean {
    return ((this[COLUMNS_OF].numbers[this[AT] * COLUMNS + FLAGS] as number) & DRAFT) !== 0;
  }
  get problems(): readonly Problem[] {
    return this[COLUMNS_OF].problems.get(this[AT]) ?? NO_PROBLEMS;
  }
  get stamp(): FileStamp {
    const { numbers } = this[COLUMNS_OF];
    const row = this[AT] * COLUMNS;
    return { size: asSmallInteger(numbers[row + SIZE] as number), mtimeMs: numbers[row + MTIME] as number };
  }
  get keptStamp(): FileStamp | undefined {
    return this[COLUMNS_OF].kept.get(this[AT]);
  }
}

/**
 * An article read back from a file of entries: its details are read from the file on first use.
 * Its slug is the one string kept: the slug order is checked, and searched, by it.
 */
class StoredArticle implements Article {
  readonly [COLUMNS_OF]: Columns;
  readonly [AT]: number;
  [DETAILS]: Details | undefined;
  /** Whether its details came from its file again, its line in the file of entries being damaged. */
  [REREAD]: boolean;

  constructor(
    columns: Columns,
    at: number,
    readonly slug: string,
  ) {
    this[COLUMNS_OF] = columns;
    this[AT] = at;
    this[DETAILS] = undefined;
    this[REREAD] = false;
  }

  get path(): string {
    return this[COLUMNS_OF].paths[this[AT]] as string;
  }
  get id(): string {
    const { numbers, text } = this[COLUMNS_OF];
    const row = this[AT] * COLUMNS;
    return text.slice(numbers[row + PATH_END], numbers[row + ID_END]);
  }
  get language(): string {
    const { numbers, languages } = this[COLUMNS_OF];
    // As a small integer: an array indexed by a double takes V8's slow path (checked to be one when read).
    return languages[(numbers[this[AT] * COLUMNS + LANGUAGE] as number) | 0] as string;
  }
  get category(): Category | undefined {
    const { numbers, categories } = this[COLUMNS_OF];
    return categories[(numbers[this[AT] * COLUMNS + CATEGORY] as number) | 0];
  }
  get published(): number {
    return this[COLUMNS_OF].numbers[this[AT] * COLUMNS + PUBLISHED] as number;
  }
  get updated(): number {
    return this[COLUMNS_OF].numbers[this[AT] * COLUMNS + UPDATED] as number;
  }
  /** Its file's time, as its entry's stamp holds it. */
  get fileTime(): number | undefined {
    const time = this[COLUMNS_OF].numbers[this[AT] * COLUMNS + MTIME] as number;
    return time > 0 ? time : undefined;
  }

  /** Where its details line lies in the file: [start, end), without the line break. */
  get [LINE](): readonly [source: DetailsSource, start: number, end: number] {
    const { numbers, details } = this[COLUMNS_OF];
    const at = this[AT];
    const start = at === 0 ? 0 : (numbers[(at - 1) * COLUMNS + DETAILS_END] as number) + 1;
    return [details.source, details.start + start, details.start + (numbers[at * COLUMNS + DETAILS_END] as number)];
  }

  /** The hash its details line was written with. */
  get [HASH](): number {
    return this[COLUMNS_OF].numbers[this[AT] * COLUMNS + DETAILS_HASH] as number;
  }

  private read(): Details {
    let details = this[DETAILS];
    if (details === undefined) {
      const [source, start, end] = this[LINE];
      const bytes = source.bytes(start, end);
      const parsed: unknown = lineHash(bytes) === this[HASH] ? JSON.parse(bytes.toString('utf8')) : undefined;
      if (isDetails(parsed)) details = parsed;
      else {
        const again = this[COLUMNS_OF].recover?.(this.path);
        if (again === undefined) throw new Error(`the index entry of ${this.path} is damaged`);
        details = detailsOf(again);
        this[REREAD] = true;
      }
      this[DETAILS] = details;
    }
    return details;
  }

  get title() {
    return this.read()[0];
  }
  get description() {
    return this.read()[1];
  }
  get tags() {
    return this.read()[2];
  }
  get authors() {
    return this.read()[3];
  }
  get image() {
    return this.read()[4] ?? undefined;
  }
  get originUrl() {
    return this.read()[5] ?? undefined;
  }
}

/** The details of an article. */
function detailsOf(article: Article): Details {
  return [article.title, article.description, [...article.tags], [...article.authors], article.image ?? null, article.originUrl ?? null];
}

const LINE_BREAK = Buffer.from('\n');

/**
 * The details lines of a chunk of entries, each with its line break, as bytes. A stored
 * article's line is copied as the file holds it, unparsed, with its hash; runs of such lines
 * that lie together in one file (nearly all of them, when an index is written again after a
 * change) are read with one call, not one each. A line found damaged is written anew.
 */
function createDetailsChunk() {
  const pieces: Buffer[] = [];
  let run: { source: DetailsSource; start: number; end: number } | undefined;
  const endRun = () => {
    if (run) pieces.push(run.source.bytes(run.start, run.end), LINE_BREAK);
    run = undefined;
  };
  return {
    /** Adds the line of an entry's article (an empty line for none); returns its length in bytes and its hash. */
    add(article: Article | undefined): { readonly length: number; readonly hash: number } {
      if (article instanceof StoredArticle && !article[REREAD]) {
        const [source, start, end] = article[LINE];
        if (run !== undefined && run.source === source && run.end + 1 === start) run.end = end;
        else {
          endRun();
          run = { source, start, end };
        }
        return { length: end - start, hash: article[HASH] };
      }
      endRun();
      const line = Buffer.from(article ? JSON.stringify(detailsOf(article)) : '');
      pieces.push(line, LINE_BREAK);
      return { length: line.length, hash: lineHash(line) };
    },
    bytes(): Buffer {
      endRun();
      return Buffer.concat(pieces);
    },
  };
}

/** Numbers per entry, and the column of each. */
const COLUMNS = 14;
const SIZE = 0;
const MTIME = 1;
const FLAGS = 2;
const LANGUAGE = 3;
const CATEGORY = 4;
const PUBLISHED = 5;
const UPDATED = 6;
/** Where the entry's details line ends (before its line break), counted from the first details line. */
const DETAILS_END = 7;
/** Where the entry's path, id and slug end in the text (id and slug are empty without an article). */
const PATH_END = 8;
const ID_END = 9;
const SLUG_END = 10;
/** Where the entry's article stands among the collection's articles, newest first; -1 when it is not one of them. */
const RANK = 11;
/** Where the entry's article stands among the collection's articles in slug order; -1 when it is not one of them. */
const SLUG_RANK = 12;
/** The CRC-32 of the entry's details line (see lineHash). */
const DETAILS_HASH = 13;

/** Bits of FLAGS. */
const DRAFT = 1;
const HAS_ARTICLE = 2;

/** Entries a details chunk holds: the writer may pause between chunks. */
const CHUNK_ENTRIES = 2000;

type TextEncoding = 'latin1' | 'utf16le';
const WIDE = /[^\u0000-\u00ff]/;

interface Tables {
  readonly endianness: string;
  readonly text: TextEncoding;
  readonly languages: readonly string[];
  readonly categories: readonly (readonly [slug: string, name: string])[];
  readonly problems: readonly (readonly [entry: number, problems: readonly Problem[]])[];
  readonly kept?: readonly (readonly [entry: number, size: number, mtimeMs: number])[];
  readonly collection?: { readonly articles: number; readonly drafts: number; readonly problems: readonly Problem[]; readonly clashes?: ClashesRow };
  readonly folders?: readonly (readonly [path: string, mtimeMs: number])[];
}

/** What a file of entries holds: the entries, in the order written, and the collection they made (when it was saved with them). */
export interface StoredEntries {
  readonly entries: IndexEntry[];
  readonly collection?: LoadedArticles;
  /** See {@link KnownEntries.unchangedWith}: told from the paths and the numbers as the file holds them. */
  unchangedWith(paths: readonly string[], stamps: Stamps): readonly IndexEntry[] | undefined;
}

/** Rows of a table in the tables line, numbered in the order they are first asked for. */
function createTable<Row>(): { readonly rows: Row[]; indexOf(key: string, row: Row): number } {
  const indexes = new Map<string, number>();
  const rows: Row[] = [];
  return {
    rows,
    indexOf(key, row) {
      let index = indexes.get(key);
      if (index === undefined) {
        indexes.set(key, (index = rows.length));
        rows.push(row);
      }
      return index;
    },
  };
}

/** The clashes of a collection as the tables line keeps them. */
type ClashesRow = { readonly [Part in keyof Clashes]: readonly string[] };

function clashesRow(clashes: Clashes): ClashesRow {
  return { winners: [...clashes.winners], ids: [...clashes.ids], slugs: [...clashes.slugs] };
}

/** Slugs sorted at a time (see placesIn). */
const SORT_RUN = 4096;

/**
 * Each article's place in `articles`, and in their slug order: [newest first, by slug]. One
 * sort of 100,000 slugs held the writer, and every request, for 0.2-0.3 s: they are sorted a
 * run at a time and the runs merged a pair at a time, with a `pause` after each, and the places
 * are then taken a run at a time too.
 */
async function placesIn(articles: readonly Article[], pause: () => Promise<void>): Promise<Map<Article, readonly [number, number]>> {
  // Each slug with its article's place after a NUL, which sorts before any character of a slug,
  // sorted as strings: in code-unit order, as the sorted map compares (and without a call into
  // JavaScript per comparison).
  let runs: string[][] = [];
  for (let start = 0; start < articles.length; start += SORT_RUN) {
    runs.push(articles.slice(start, start + SORT_RUN).map((article, offset) => `${article.slug}\u0000${start + offset}`).sort());
    await pause();
  }
  while (runs.length > 1) {
    const merged: string[][] = [];
    for (let index = 0; index < runs.length; index += 2) {
      const [first, second] = [runs[index] as string[], runs[index + 1]];
      merged.push(second === undefined ? first : mergeSorted(first, second));
      await pause();
    }
    runs = merged;
  }
  const bySlug = runs[0] ?? [];
  const slugPlaces = new Array<number>(articles.length);
  for (let slugPlace = 0; slugPlace < bySlug.length; slugPlace += 1) {
    const key = bySlug[slugPlace] as string;
    slugPlaces[Number(key.slice(key.lastIndexOf('\u0000') + 1))] = slugPlace;
    if ((slugPlace + 1) % SORT_RUN === 0) await pause();
  }
  const places = new Map<Article, readonly [number, number]>();
  for (let place = 0; place < articles.length; place += 1) {
    places.set(articles[place] as Article, [place, slugPlaces[place] as number]);
    if ((place + 1) % SORT_RUN === 0) await pause();
  }
  return places;
}

/** Two lists of strings in code-unit order, merged into one. */
function mergeSorted(first: readonly string[], second: readonly string[]): string[] {
  const merged = new Array<string>(first.length + second.length);
  let at = 0;
  let firstAt = 0;
  let secondAt = 0;
  while (firstAt < first.length && secondAt < second.length) {
    merged[at++] = (first[firstAt] as string) < (second[secondAt] as string) ? (first[firstAt++] as string) : (second[secondAt++] as string);
  }
  while (firstAt < first.length) merged[at++] = first[firstAt++] as string;
  while (secondAt < second.length) merged[at++] = second[secondAt++] as string;
  return merged;
}

/** Receives the chunks of a file in order; may return a promise to pause the writer. */
export type ChunkWriter = (chunk: string | Uint8Array) => void | Promise<void>;

/** What a file of entries is written with besides them. */
export interface EntriesWith {
  /** What the entries made of the collection. */
  readonly collection?: SavedCollection;
  /** The folders of the listing the entries came from. */
  readonly folders?: readonly FolderStamp[];
  /** Lets other work through; called between the steps of sorting the collection's slugs. */
  readonly pause?: () => Promise<void>;
}

/** Writes a file of entries a part at a time (see {@link createEntriesWriter}). */
export interface EntriesWriter {
  /**
   * Adds entries after those added before. Their details lines are written at once, and only
   * what the later parts need of them is kept: a writer given each batch of entries as it is
   * made lets the articles go (an indexing process kept 50,000 of them until it wrote its file;
   * a process alone took 2.3-2.8 s to index 50,000 files keeping them, 1.7-2.0 s letting them go).
   */
  add(entries: readonly IndexEntry[]): Promise<void>;
  /** Writes the parts after the details (tables, numbers, text) and the trailer. */
  finish(): Promise<void>;
}

/**
 * Starts a file of entries (and what `extra` says they came with): `header` as its first line,
 * then the parts laid out above as entries are added. The details are written a chunk of
 * entries at a time, so that a writer can let other work through between chunks.
 */
export async function createEntriesWriter(write: ChunkWriter, header: object, extra: EntriesWith = {}): Promise<EntriesWriter> {
  const { collection, folders, pause = async () => undefined } = extra;
  let checksum = 0;
  const put = (chunk: string | Uint8Array) => {
    checksum = crc32(chunk, checksum);
    return write(chunk);
  };
  await write(`${JSON.stringify(header)}\n`);

  /** The numbers of the entries added so far, a block per chunk. */
  const numberBlocks: Float64Array[] = [];
  let count = 0;
  /**
   * The text of the entries added so far, a string per chunk, encoded once the encoding is
   * known. Joined as each chunk is added, so that what is kept is a copy: an id or slug just
   * read is a slice of its file's first bytes, and keeping the slice would keep those too.
   */
  const textChunks: string[] = [];
  let strings: string[] = [];
  let textLength = 0;
  let wide = false;
  const addString = (text: string) => {
    strings.push(text);
    wide ||= WIDE.test(text);
    return (textLength += text.length);
  };
  const languages = createTable<string>();
  const categories = createTable<[slug: string, name: string]>();
  const problems: [number, Problem[]][] = [];
  const kept: [number, number, number][] = [];
  const ranks = await placesIn(collection?.articles ?? [], pause);
  let detailsEnd = -1;

  const addChunk = (chunk: readonly IndexEntry[]) => {
    const details = createDetailsChunk();
    const numbers = new Float64Array(chunk.length * COLUMNS);
    chunk.forEach((entry, offset) => {
      const { article, stamp } = entry;
      const row = offset * COLUMNS;
      const line = details.add(article);
      detailsEnd += 1 + line.length;
      numbers[row + DETAILS_HASH] = line.hash;
      if (entry.problems.length > 0) problems.push([count + offset, [...entry.problems]]);
      if (entry.keptStamp !== undefined) kept.push([count + offset, entry.keptStamp.size, entry.keptStamp.mtimeMs]);
      numbers[row + SIZE] = stamp.size;
      numbers[row + MTIME] = stamp.mtimeMs;
      numbers[row + FLAGS] = (entry.draft ? DRAFT : 0) | (article ? HAS_ARTICLE : 0);
      numbers[row + DETAILS_END] = detailsEnd;
      numbers[row + PATH_END] = addString(entry.path);
      if (article) {
        const { category } = article;
        numbers[row + LANGUAGE] = languages.indexOf(article.language, article.language);
        numbers[row + CATEGORY] = category ? categories.indexOf(`${category.slug}\u0000${category.name}`, [category.slug, category.name]) : -1;
        numbers[row + PUBLISHED] = article.published;
        numbers[row + UPDATED] = article.updated;
        numbers[row + ID_END] = addString(article.id);
        numbers[row + SLUG_END] = addString(article.slug);
        const [rank, slugRank] = ranks.get(article) ?? [-1, -1];
        numbers[row + RANK] = rank;
        numbers[row + SLUG_RANK] = slugRank;
      } else {
        numbers[row + LANGUAGE] = -1;
        numbers[row + CATEGORY] = -1;
        numbers[row + ID_END] = textLength;
        numbers[row + SLUG_END] = textLength;
        numbers[row + RANK] = -1;
        numbers[row + SLUG_RANK] = -1;
      }
    });
    numberBlocks.push(numbers);
    textChunks.push(strings.join(''));
    strings = [];
    count += chunk.length;
    return details.bytes();
  };

  return {
    async add(entries) {
      for (let start = 0; start < entries.length; start += CHUNK_ENTRIES) await write(addChunk(entries.slice(start, start + CHUNK_ENTRIES)));
    },
    async finish() {
      const encoding: TextEncoding = wide ? 'utf16le' : 'latin1';
      const tables: Tables = {
        endianness: endianness(),
        text: encoding,
        languages: languages.rows,
        categories: categories.rows,
        problems,
        ...(kept.length > 0 ? { kept } : {}),
        ...(collection ? { collection: { articles: collection.articles.length, drafts: collection.drafts, problems: collection.problems, ...(collection.clashes ? { clashes: clashesRow(collection.clashes) } : {}) } } : {}),
        ...(folders ? { folders: folders.map(({ path, mtimeMs }) => [path, mtimeMs] as const) } : {}),
      };
      const tablesLine = `${JSON.stringify(tables)}\n`;
      await put(tablesLine);
      // A block of numbers and a chunk of text at a time, so that a writer can pause between them.
      let numberBytes = 0;
      for (const block of numberBlocks) {
        const bytes = new Uint8Array(block.buffer);
        numberBytes += bytes.length;
        await put(bytes);
      }
      let textBytes = 0;
      for (const chunk of textChunks) {
        const bytes = Buffer.from(chunk, encoding);
        textBytes += bytes.length;
        await put(bytes);
      }
      // On a line of its own: the text before it may end in any byte.
      const trailer = { entries: count, tables: Buffer.byteLength(tablesLine), numbers: numberBytes, text: textBytes, crc32: checksum };
      await write(`\n${JSON.stringify(trailer)}\n`);
    },
  };
}

/** Writes a file of `entries` (and what `extra` says they came with): see {@link createEntriesWriter}. */
export async function writeEntries(write: ChunkWriter, header: object, entries: readonly IndexEntry[], extra: EntriesWith = {}): Promise<void> {
  const writer = await createEntriesWriter(write, header, extra);
  await writer.add(entries);
  await writer.finish();
}

interface Trailer {
  readonly entries: number;
  readonly tables: number;
  readonly numbers: number;
  readonly text: number;
  readonly crc32: number;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function parseTrailer(line: string): Trailer | undefined {
  try {
    const trailer = JSON.parse(line) as Partial<Record<keyof Trailer, unknown>>;
    const { entries, tables, numbers, text, crc32: checksum } = trailer;
    return isCount(entries) && isCount(tables) && isCount(numbers) && isCount(text) && isCount(checksum) ? { entries, tables, numbers, text, crc32: checksum } : undefined;
  } catch {
    return undefined;
  }
}

const isProblem = (value: unknown): value is Problem => {
  const problem = value as Problem;
  return typeof value === 'object' && value !== null && isString(problem.path) && isString(problem.message) && (problem.severity === 'error' || problem.severity === 'warning');
};

function parseTables(line: string): Tables {
  const tables = JSON.parse(line) as Partial<Record<keyof Tables, unknown>>;
  const { endianness: order, text, languages, categories, problems, kept, collection, folders } = tables;
  const isStrings = (value: unknown) => Array.isArray(value) && value.every(isString);
  const shapedClashes = (value: unknown) => {
    const { winners, ids, slugs } = value as Partial<Record<string, unknown>>;
    return typeof value === 'object' && value !== null && isStrings(winners) && isStrings(ids) && isStrings(slugs);
  };
  const shapedCollection = (value: unknown) => {
    const { articles, drafts, problems: all, clashes } = value as Partial<Record<string, unknown>>;
    return typeof value === 'object' && value !== null && isCount(articles) && isCount(drafts) && Array.isArray(all) && all.every(isProblem) && (clashes === undefined || shapedClashes(clashes));
  };
  const shaped =
    (collection === undefined || shapedCollection(collection)) &&
    (folders === undefined || (Array.isArray(folders) && folders.every((row) => Array.isArray(row) && row.length === 2 && isString(row[0]) && Number.isFinite(row[1])))) &&
    (text === 'latin1' || text === 'utf16le') &&
    Array.isArray(languages) &&
    languages.every(isString) &&
    Array.isArray(categories) &&
    categories.every((row) => Array.isArray(row) && row.length === 2 && row.every(isString)) &&
    Array.isArray(problems) &&
    problems.every((row) => Array.isArray(row) && row.length === 2 && isCount(row[0]) && Array.isArray(row[1]) && row[1].length > 0 && row[1].every(isProblem)) &&
    (kept === undefined || (Array.isArray(kept) && kept.every((row) => Array.isArray(row) && row.length === 3 && isCount(row[0]) && isCount(row[1]) && Number.isFinite(row[2]))));
  if (!shaped) throw new Error('its tables are malformed');
  if (order !== endianness()) throw new Error('written on a machine of another byte order');
  return tables as Tables;
}

/** Bytes read from the end of a file to find its trailer (a trailer is about 150 bytes). */
const TAIL_BYTES = 4096;

/** A file of entries, opened: what may be had before it is checked, and the rest (see {@link openEntries}). */
export interface OpenedEntries {
  /**
   * The paths of its entries, in the order written, and the folders of the listing they were
   * saved with: read before the file is checked, so good for nothing but asking the files'
   * stamps while it is (see {@link OpenedEntries.read}).
   */
  readonly paths: readonly string[];
  readonly folders?: readonly FolderStamp[];
  /**
   * Checks the file against its checksum and reads its entries back, their details left in it
   * (each line checked when read); throws when it is not whole and intact. The entries then own
   * the descriptor (it is closed once no article reads from it); when anything fails, it is
   * closed at once.
   */
  read(): StoredEntries;
}

/** Reads the entries of a file back (see {@link openEntries}): opened and read at once. */
export function readEntries(descriptor: number, checkHeader: (header: unknown) => void, recover?: Recover): StoredEntries {
  return openEntries(descriptor, checkHeader, recover).read();
}

/**
 * Opens a file of entries: `checkHeader` sees the header line and throws (saying why) to refuse
 * the file. Reads what the catalog needs - tables, numbers and text, under a third of the file -
 * and the paths, leaving the checksum for {@link OpenedEntries.read} and the details for when
 * they are shown; `recover` reads an article whose details line turns out damaged from its file
 * again (without it, asking for those details throws). Throws, and closes the descriptor, when
 * that much is out of shape.
 */
export function openEntries(descriptor: number, checkHeader: (header: unknown) => void, recover?: Recover): OpenedEntries {
  try {
    const size = fstatSync(descriptor).size;
    const leading = readLeadingLines(descriptor, 1);
    const headerEnd = leading.breaks[0] ?? size;
    checkHeader(JSON.parse(leading.bytes.toString('utf8', 0, headerEnd)));
    const detailsStart = Math.min(headerEnd + 1, size);
    const tailStart = Math.max(detailsStart, size - TAIL_BYTES);
    const tail = readRange(descriptor, tailStart, size);
    if (tail.at(-1) !== 0x0a) throw new Error(tail.length === 0 ? 'its trailer is missing' : 'the last line is cut short');
    const trailerStart = tailStart + tail.lastIndexOf(0x0a, tail.length - 2) + 1;
    const trailer = trailerStart > tailStart ? parseTrailer(tail.toString('utf8', trailerStart - tailStart, tail.length - 1)) : undefined;
    if (trailer === undefined) throw new Error('its trailer is missing');
    // The parts end with the line break that opens the trailer.
    const partsEnd = trailerStart - 1;
    const tablesStart = partsEnd - trailer.text - trailer.numbers - trailer.tables;
    if (tablesStart < detailsStart) throw new Error('it is shorter than its trailer says');

    const parts = readRange(descriptor, tablesStart, partsEnd);
    if (trailer.numbers !== trailer.entries * COLUMNS * Float64Array.BYTES_PER_ELEMENT) throw new Error(`its trailer counts ${trailer.entries} entries, not what its numbers hold`);
    if (parts[trailer.tables - 1] !== 0x0a) throw new Error('its tables are malformed');
    const tables = parseTables(parts.toString('utf8', 0, trailer.tables - 1));
    // Copied rather than viewed: a Float64Array needs its bytes aligned.
    const numbers = new Float64Array(trailer.entries * COLUMNS);
    new Uint8Array(numbers.buffer).set(parts.subarray(trailer.tables, trailer.tables + trailer.numbers));
    const text = parts.toString(tables.text, trailer.tables + trailer.numbers);
    const paths = pathsOf(numbers, text);
    let read = false;
    return {
      paths,
      ...(tables.folders ? { folders: tables.folders.map(([path, mtimeMs]) => ({ path, mtimeMs })) } : {}),
      read() {
        if (read) throw new Error('the file was read already');
        read = true;
        let source: ReturnType<typeof detailsInFile> | undefined;
        try {
          if (crc32(parts) !== trailer.crc32) throw new Error('its entries do not match their checksum');
          source = detailsInFile(descriptor);
          return decodeEntries(numbers, text, paths, tables, { source, start: detailsStart, length: tablesStart - detailsStart }, recover);
        } catch (error) {
          if (source) source.close();
          else closeSync(descriptor);
          throw error;
        }
      },
    };
  } catch (error) {
    closeSync(descriptor);
    throw error;
  }
}

/** The path of every entry, each a slice of the text; throws when their ends are out of shape. */
function pathsOf(numbers: Float64Array, text: string): string[] {
  const count = numbers.length / COLUMNS;
  const paths: string[] = [];
  let textAt = 0;
  for (let row = 0; row < numbers.length; row += COLUMNS) {
    const pathEnd = numbers[row + PATH_END] as number;
    const slugEnd = numbers[row + SLUG_END] as number;
    // Written as integers in order: anything else (NaN included) fails these comparisons.
    if (!(pathEnd > textAt && slugEnd >= pathEnd && slugEnd <= text.length && Number.isInteger(pathEnd) && Number.isInteger(slugEnd))) throw new Error('an entry is malformed');
    paths.push(text.slice(textAt, pathEnd));
    textAt = slugEnd;
  }
  if (paths.length !== count || textAt !== text.length) throw new Error('an entry is malformed');
  return paths;
}

/** The details lines of a file: where they are kept, where the first starts, and how many bytes they take. */
interface DetailsLines {
  readonly source: DetailsSource;
  readonly start: number;
  readonly length: number;
}

/**
 * Entries from the numbers and text of a file, their articles reading their details from
 * `details` when asked. Throws when anything is out of shape.
 */
function decodeEntries(numbers: Float64Array, text: string, paths: readonly string[], tables: Tables, details: DetailsLines, recover: Recover | undefined): StoredEntries {
  const { languages } = tables;
  // Equal categories are one object, as they were when the articles were first read.
  const categories = tables.categories.map(([slug, name]): Category => ({ slug, name }));
  const count = numbers.length / COLUMNS;
  const problemsOf = new Map<number, readonly Problem[]>();
  for (const [entry, problems] of tables.problems) {
    if (entry >= count || problemsOf.has(entry)) throw new Error('an entry is malformed');
    problemsOf.set(entry, problems);
  }
  const kept = new Map<number, FileStamp>();
  for (const [entry, size, mtimeMs] of tables.kept ?? []) {
    if (entry >= count || kept.has(entry)) throw new Error('an entry is malformed');
    kept.set(entry, { size, mtimeMs });
  }
  const columns: Columns = { numbers, text, paths, languages, categories, problems: problemsOf, kept, details, recover };
  const malformed = () => new Error('an entry is malformed');
  const entries: IndexEntry[] = [];
  // The collection's articles in their places, newest first and by slug, if every place is
  // taken exactly once by an article that may be in it; else it is made again from the entries.
  const places = tables.collection?.articles ?? 0;
  const ranked: Article[] = new Array<Article>(places);
  const bySlug: Article[] = new Array<Article>(places);
  // The numbers of each article that checking the order and scanning the collection need, by its
  // place, written as the rows are read: those passes then go through them in order, where
  // reading 100,000 rows of `numbers` in newest-first order took a restart 60-120 ms more.
  const byRank: RankedNumbers = { published: new Float64Array(places), updated: new Float64Array(places), group: new Int32Array(places) };
  let placed = 0;
  let placedRight = tables.collection !== undefined;
  const isPlace = (place: number) => Number.isInteger(place) && place >= 0 && place < places;
  let lineStart = 0;
  // The ends of paths and slugs, and so where each entry's strings start, were checked by pathsOf.
  for (let index = 0, row = 0; index < count; index += 1, row += COLUMNS) {
    const size = numbers[row + SIZE] as number;
    const mtimeMs = numbers[row + MTIME] as number;
    const flags = numbers[row + FLAGS] as number;
    const lineEnd = numbers[row + DETAILS_END] as number;
    const pathEnd = numbers[row + PATH_END] as number;
    const idEnd = numbers[row + ID_END] as number;
    const slugEnd = numbers[row + SLUG_END] as number;
    // Written as integers in order: anything else (NaN included) fails these comparisons.
    const inOrder = idEnd >= pathEnd && slugEnd >= idEnd && lineEnd >= lineStart;
    if (!inOrder || !Number.isFinite(size) || !Number.isFinite(mtimeMs) || (flags & ~(DRAFT | HAS_ARTICLE)) !== 0 || !Number.isInteger(flags)) throw malformed();
    const draft = (flags & DRAFT) !== 0;
    if ((flags & HAS_ARTICLE) === 0) {
      if (idEnd !== pathEnd || slugEnd !== pathEnd || lineEnd !== lineStart) throw malformed();
      entries.push(new StoredEntry(columns, index, undefined));
    } else {
      const languageIndex = numbers[row + LANGUAGE] as number;
      const language = Number.isInteger(languageIndex) ? languages[languageIndex] : undefined;
      const categoryIndex = numbers[row + CATEGORY] as number;
      const category = categoryIndex === -1 || !Number.isInteger(categoryIndex) ? undefined : categories[categoryIndex];
      const published = numbers[row + PUBLISHED] as number;
      const updated = numbers[row + UPDATED] as number;
      const shaped = language !== undefined && (category !== undefined || categoryIndex === -1) && Number.isFinite(published) && Number.isFinite(updated);
      if (!shaped || idEnd === pathEnd || slugEnd === idEnd || lineEnd === lineStart || !Number.isInteger(lineEnd)) throw malformed();
      const article = new StoredArticle(columns, index, text.slice(idEnd, slugEnd));
      entries.push(new StoredEntry(columns, index, article));
      const rank = numbers[row + RANK] as number;
      const slugRank = numbers[row + SLUG_RANK] as number;
      if (rank !== -1 || slugRank !== -1) {
        placedRight &&= !draft && isPlace(rank) && ranked[rank] === undefined && isPlace(slugRank) && bySlug[slugRank] === undefined;
        if (placedRight) {
          ranked[rank] = article;
          bySlug[slugRank] = article;
          byRank.published[rank] = published;
          byRank.updated[rank] = updated;
          byRank.group[rank] = groupOf(languageIndex, categoryIndex, categories.length);
          placed += 1;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  if (lineStart !== details.length) throw new Error('its details do not match its entries');
  // The same list as the one the file was opened with (a restart whose listing holds), and every
  // stamp as written: two numbers compared per file.
  const unchangedWith = (listed: readonly string[], stamps: Stamps) => {
    if (listed !== paths || stamps.length !== count) return undefined;
    const { pairs } = stamps;
    for (let index = 0, row = 0; index < count; index += 1, row += COLUMNS) {
      const size = pairs[2 * index] as number;
      if (!(size >= 0) || size !== numbers[row + SIZE] || pairs[2 * index + 1] !== numbers[row + MTIME]) return undefined;
    }
    return entries;
  };
  const { collection } = tables;
  if (collection === undefined || !placedRight || placed !== places) return { entries, unchangedWith };
  let articleBySlug: ReadonlyMap<string, Article>;
  try {
    articleBySlug = createSortedMap(bySlug, (article) => article.slug);
  } catch {
    // Not in slug order, or two articles of one slug: not a collection this file could have been written with.
    return { entries, unchangedWith };
  }
  const clashes = collection.clashes && { winners: new Set(collection.clashes.winners), ids: new Set(collection.clashes.ids), slugs: new Set(collection.clashes.slugs) };
  // An article by code, found in the text of every path, code and slug: each place the code is
  // at, if it is where an entry's code is, and that entry's article is in the collection.
  const findById = (id: string): Article | undefined => {
    for (let at = id === '' ? -1 : text.indexOf(id); at !== -1; at = text.indexOf(id, at + 1)) {
      const index = entryWithCodeAt(numbers, at);
      if (index !== undefined && numbers[index * COLUMNS + ID_END] === at + id.length && numbers[index * COLUMNS + RANK] !== -1) return entries[index]?.article;
    }
    return undefined;
  };
  const saved = { articles: ranked, articleBySlug, findById, problems: collection.problems, drafts: collection.drafts, ...(clashes ? { clashes } : {}) };
  if (!isNewestFirst(ranked, byRank.published)) return { entries, unchangedWith, collection: { ...saved, newestFirst: false } };
  return { entries, unchangedWith, collection: { ...saved, newestFirst: true, scan: scanCollection(ranked, byRank, languages, categories) } };
}

/**
 * The entry whose code starts at `at` in the text, if one does: each entry's code follows its
 * path, and the paths' ends rise from entry to entry (a path is never empty), so a binary search.
 */
function entryWithCodeAt(numbers: Float64Array, at: number): number | undefined {
  let low = 0;
  let high = numbers.length / COLUMNS;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((numbers[middle * COLUMNS + PATH_END] as number) < at) low = middle + 1;
    else high = middle;
  }
  return low < numbers.length / COLUMNS && numbers[low * COLUMNS + PATH_END] === at ? low : undefined;
}

/** Numbers of a collection's articles, by place (see decodeEntries). */
interface RankedNumbers {
  readonly published: Float64Array;
  readonly updated: Float64Array;
  /** The article's language row and category row in one number (see groupOf). */
  readonly group: Int32Array;
}

/** A language row and a category row (-1 for none) as one number, from 0 up. */
function groupOf(language: number, category: number, categoryCount: number): number {
  return language * (categoryCount + 1) + category + 1;
}

/** The language row and category row of a group (see groupOf). */
function rowsOfGroup(group: number, categoryCount: number): [language: number, category: number] {
  return [Math.floor(group / (categoryCount + 1)), (group % (categoryCount + 1)) - 1];
}

/** Whether `articles` are in the order compareNewestFirst puts them in, given their publication times. */
function isNewestFirst(articles: readonly Article[], published: Float64Array): boolean {
  for (let place = 1; place < articles.length; place += 1) {
    const before = published[place - 1] as number;
    const after = published[place] as number;
    if (before < after || (before === after && !((articles[place - 1] as Article).id < (articles[place] as Article).id))) return false;
  }
  return true;
}

/**
 * What the catalog finds going through a collection newest first (see CatalogScan), from the
 * numbers: languages and categories are table rows here, so an article's scopes are found by
 * its group, with no article asked for its language, category or dates. The scopes' lists are
 * made when first asked for, each in one pass over the groups.
 */
function scanCollection(articles: readonly Article[], byRank: RankedNumbers, languages: readonly string[], categories: readonly Category[]): CatalogScan {
  const scan = { languages: [] as string[], categories: [] as Category[] };
  const languageMet = new Uint8Array(languages.length);
  const categoryMet = new Uint8Array(categories.length);
  const groupMet = new Uint8Array(languages.length * (categories.length + 1));
  const groupsByKey = new Map<string, number[]>();
  const { group: groupByRank } = byRank;
  for (let place = 0; place < groupByRank.length; place += 1) {
    const group = groupByRank[place] as number;
    if (groupMet[group] === 1) continue;
    groupMet[group] = 1;
    const [language, category] = rowsOfGroup(group, categories.length);
    if (languageMet[language] === 0) {
      languageMet[language] = 1;
      scan.languages.push(languages[language] as string);
    }
    if (category !== -1 && categoryMet[category] === 0) {
      categoryMet[category] = 1;
      scan.categories.push(categories[category] as Category);
    }
    for (const key of scopeKeysOf(languages[language] as string, categories[category]?.slug)) {
      const groups = groupsByKey.get(key);
      if (groups === undefined) groupsByKey.set(key, [group]);
      else groups.push(group);
    }
  }
  const articlesOf = (key: string): Article[] => {
    const wanted = new Uint8Array(groupMet.length);
    for (const group of groupsByKey.get(key) ?? []) wanted[group] = 1;
    const list: Article[] = [];
    for (let place = 0; place < groupByRank.length; place += 1) if (wanted[groupByRank[place] as number] === 1) list.push(articles[place] as Article);
    return list;
  };
  const { updated } = byRank;
  const latestUpdateFrom = latestUpdatesFrom(articles.length, (place) => updated[place] as number);
  return { ...scan, scopeKeys: [...groupsByKey.keys()], articlesOf, latestUpdateFrom };
}
