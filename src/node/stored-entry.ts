/**
 * The entries of the persisted index: what indexing learnt from each file, in two parts.
 *
 *   heads, one line:      [path, size, mtimeMs, draft, problems, id, slug, language, category slug, category name, published, updated, path, ...]
 *   details, a line each: [title, description, tags, authors, image, originUrl]
 *
 * The heads are all the catalog needs (order, scopes, stamps); they are parsed at start-up, in
 * one JSON.parse of one flat array (HEAD_FIELDS values per entry, `null` for the article's
 * when there is none): at 100,000 entries every object less per entry is garbage collection
 * saved. The details hold what only a feed or page shows; they stay where they are - in the
 * index file, or in the file an indexing process wrote - and are read and parsed the first
 * time an article's title or summary is asked for, so that a start over 100,000 articles
 * parses about a quarter of what indexing wrote and keeps none of the rest in memory.
 */
import { closeSync, readSync } from 'node:fs';
import type { Article, Category, Problem } from '../articles/article.ts';
import type { IndexEntry } from '../articles/load.ts';
import type { Person } from '../site.ts';

/** Values per entry in the line of heads. */
const HEAD_FIELDS = 12;
type Details = [title: string, description: string, tags: string[], authors: Person[], image: string | null, originUrl: string | null];

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
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

/** Where the details lines of stored entries are kept: `text(start, end)` is one line, without its line break. */
interface DetailsSource {
  text(start: number, end: number): string;
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
    text(start: number, end: number): string {
      const bytes = Buffer.allocUnsafe(end - start);
      if (readSync(descriptor, bytes, 0, bytes.length, start) !== bytes.length) throw new Error('the index file was cut short while in use');
      return bytes.toString('utf8');
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
const SOURCE = Symbol('source');
const START = Symbol('start');
const END = Symbol('end');
const DETAILS = Symbol('details');

/** An article read back from the index: catalog fields at once, the rest on first use. */
class StoredArticle implements Article {
  readonly category: Category | undefined;
  readonly [SOURCE]: DetailsSource;
  readonly [START]: number;
  readonly [END]: number;
  [DETAILS]: Details | undefined;

  constructor(
    readonly id: string,
    readonly slug: string,
    readonly path: string,
    readonly language: string,
    category: Category | undefined,
    readonly published: number,
    readonly updated: number,
    source: DetailsSource,
    start: number,
    end: number,
  ) {
    this.category = category;
    this[SOURCE] = source;
    this[START] = start;
    this[END] = end;
    this[DETAILS] = undefined;
  }

  /** The details as the index holds them (written back unparsed when the index is saved again). */
  detailsText(): string {
    return this[SOURCE].text(this[START], this[END]);
  }

  private read(): Details {
    let details = this[DETAILS];
    if (details === undefined) {
      // The index passed its checksum, so these are the bytes it was written with.
      const parsed: unknown = JSON.parse(this.detailsText());
      if (!isDetails(parsed)) throw new Error(`the index entry of ${this.path} is malformed`);
      this[DETAILS] = details = parsed;
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

function detailsOf(article: Article): string {
  if (article instanceof StoredArticle) return article.detailsText();
  const details: Details = [article.title, article.description, [...article.tags], [...article.authors], article.image ?? null, article.originUrl ?? null];
  return JSON.stringify(details);
}

/** The catalog part of an entry: HEAD_FIELDS values of the index's flat array of heads, joined by commas. */
export function encodeHead(entry: IndexEntry): string {
  const { article } = entry;
  const problems = entry.problems.length > 0 ? [...entry.problems] : null;
  const fields = [entry.path, entry.stamp.size, entry.stamp.mtimeMs, entry.draft ? 1 : 0, problems];
  if (article) fields.push(article.id, article.slug, article.language, article.category?.slug ?? null, article.category?.name ?? null, article.published, article.updated);
  else fields.push(null, null, null, null, null, null, null);
  return JSON.stringify(fields).slice(1, -1);
}

/** The details line of an entry, with its newline (an empty line when there is no article). */
export function encodeDetails(entry: IndexEntry): string {
  return entry.article ? `${detailsOf(entry.article)}\n` : '\n';
}

/** The details lines of the entries: where they are kept, and where they start and end. */
interface DetailsLines {
  readonly source: DetailsSource;
  /** Where the first line starts. */
  readonly start: number;
  /** Where the lines end: one past the last line's break (the trailer starts there in an index file). */
  readonly end: number;
  /** The position of every line break in [start, end), in order. */
  readonly breaks: readonly number[];
}

/** Where the entries are in a file: their line of heads, and where their details lines are. */
export interface EntriesInFile {
  readonly heads: Buffer;
  readonly lines: Omit<DetailsLines, 'source'>;
}

/**
 * Entries read back from an open file: `find` checks the file and says where they are in it,
 * and `accept` may still refuse them. The entries then own the descriptor (it is closed once no
 * article reads from it); when anything fails, it is closed at once.
 */
export function decodeEntriesInFile<T>(descriptor: number, find: () => EntriesInFile, accept: (entries: IndexEntry[]) => T): T {
  let source: ReturnType<typeof detailsInFile> | undefined;
  try {
    const { heads, lines } = find();
    source = detailsInFile(descriptor);
    return accept(decodeEntries(heads, { ...lines, source }));
  } catch (error) {
    if (source) source.close();
    else closeSync(descriptor);
    throw error;
  }
}

/**
 * Reads entries back from the line of heads (without its newline) and their details lines, one
 * per entry. The articles keep the details' source to read them from later (and nothing of the
 * heads). Throws when anything is out of shape.
 */
function decodeEntries(headsLine: Buffer, details: DetailsLines): IndexEntry[] {
  const { source, end, breaks } = details;
  const heads: unknown = JSON.parse(headsLine.toString('utf8'));
  if (!Array.isArray(heads) || heads.length % HEAD_FIELDS !== 0) throw new Error('its entries are missing');
  const entries: IndexEntry[] = [];
  // Equal categories are one object, as they were when the articles were first read.
  const categories = new Map<string, Category>();
  let lineStart = details.start;
  for (let at = 0, line = 0; at < heads.length; at += HEAD_FIELDS, line += 1) {
    const head = heads as unknown[];
    const [path, size, mtimeMs, draft, problems, id] = [head[at], head[at + 1], head[at + 2], head[at + 3], head[at + 4], head[at + 5]];
    const lineEnd = breaks[line] ?? -1;
    const stamped = isString(path) && isNumber(size) && isNumber(mtimeMs) && (draft === 0 || draft === 1) && (problems === null || Array.isArray(problems));
    if (!stamped || lineEnd === -1 || lineEnd >= end) throw new Error('an entry is malformed');
    const stamp = { size, mtimeMs };
    const problemsOf = (problems as Problem[] | null) ?? NO_PROBLEMS;
    if (id === null) {
      if (lineEnd !== lineStart) throw new Error('an entry is malformed');
      entries.push({ path, stamp, draft: draft === 1, problems: problemsOf });
    } else {
      const [slug, language, categorySlug, categoryName, published, updated] = [head[at + 6], head[at + 7], head[at + 8], head[at + 9], head[at + 10], head[at + 11]];
      const article = isString(id) && isString(slug) && isString(language) && isStringOrNull(categorySlug) && isStringOrNull(categoryName) && isNumber(published) && isNumber(updated);
      if (!article || lineEnd === lineStart) throw new Error('an entry is malformed');
      let category: Category | undefined;
      if (categorySlug !== null && categoryName !== null) {
        const key = `${categorySlug}\u0000${categoryName}`;
        category = categories.get(key);
        if (category === undefined) categories.set(key, (category = { slug: categorySlug, name: categoryName }));
      }
      const stored = new StoredArticle(id, slug, path, language, category, published, updated, source, lineStart, lineEnd);
      entries.push({ path, stamp, draft: draft === 1, problems: problemsOf, article: stored });
    }
    lineStart = lineEnd + 1;
  }
  if (lineStart !== end) throw new Error('it holds more lines than entries');
  return entries;
}
