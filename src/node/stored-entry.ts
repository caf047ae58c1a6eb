/**
 * The entries of the persisted index: what indexing learnt from each file, in two parts.
 *
 *   heads, one line:      [[path, size, mtimeMs, draft, problems, [id, slug, language, category slug, category name, published, updated]], ...]
 *   details, a line each: [title, description, tags, authors, image, originUrl]
 *
 * The heads are all the catalog needs (order, scopes, stamps); they are parsed at start-up, in
 * one JSON.parse. The details hold what only a feed or page shows; they stay as bytes in the
 * index file's buffer and are parsed the first time an article's title or summary is read, so
 * that a restart over 100,000 articles parses a fifth of the index and keeps no text it does
 * not show.
 */
import type { Article, Category, Problem } from '../articles/article.ts';
import type { IndexEntry } from '../articles/load.ts';
import type { Person } from '../site.ts';

type Head = [id: string, slug: string, language: string, categorySlug: string | null, categoryName: string | null, published: number, updated: number];
type Stored = [path: string, size: number, mtimeMs: number, draft: 0 | 1, problems: Problem[], article: Head | null];
type Details = [title: string, description: string, tags: string[], authors: Person[], image: string | null, originUrl: string | null];

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isStringOrNull = (value: unknown) => value === null || isString(value);

function isHead(value: unknown): value is Head {
  if (!Array.isArray(value) || value.length !== 7) return false;
  const [id, slug, language, categorySlug, categoryName, published, updated] = value as unknown[];
  return isString(id) && isString(slug) && isString(language) && isStringOrNull(categorySlug) && isStringOrNull(categoryName) && isNumber(published) && isNumber(updated);
}

function isStored(value: unknown): value is Stored {
  if (!Array.isArray(value) || value.length !== 6) return false;
  const [path, size, mtimeMs, draft, problems, head] = value as unknown[];
  return isString(path) && isNumber(size) && isNumber(mtimeMs) && (draft === 0 || draft === 1) && Array.isArray(problems) && (head === null || isHead(head));
}

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

/** Where a stored article's details are, and once read, what they are. */
interface DetailsSlot {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
  parsed?: Details;
}

// A symbol rather than a #private field: tools that read getters through another receiver
// (test matchers, proxies) still work, and JSON.stringify leaves the buffer out.
const DETAILS = Symbol('details');

/** An article read back from the index: catalog fields at once, the rest on first use. */
class StoredArticle implements Article {
  readonly category?: Category;
  readonly [DETAILS]: DetailsSlot;

  constructor(
    readonly id: string,
    readonly slug: string,
    readonly path: string,
    readonly language: string,
    category: Category | undefined,
    readonly published: number,
    readonly updated: number,
    details: DetailsSlot,
  ) {
    if (category !== undefined) this.category = category;
    this[DETAILS] = details;
  }

  /** The details as the index holds them (written back unparsed when the index is saved again). */
  detailsText(): string {
    const { bytes, start, end } = this[DETAILS];
    return bytes.toString('utf8', start, end);
  }

  private read(): Details {
    const slot = this[DETAILS];
    if (slot.parsed === undefined) {
      // The index passed its checksum, so these are the bytes it was written with.
      const details: unknown = JSON.parse(this.detailsText());
      if (!isDetails(details)) throw new Error(`the index entry of ${this.path} is malformed`);
      slot.parsed = details;
    }
    return slot.parsed;
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

/** The catalog part of an entry (one element of the index's array of heads). */
export function encodeHead(entry: IndexEntry): string {
  const { article } = entry;
  const head: Head | null = article ? [article.id, article.slug, article.language, article.category?.slug ?? null, article.category?.name ?? null, article.published, article.updated] : null;
  const stored: Stored = [entry.path, entry.stamp.size, entry.stamp.mtimeMs, entry.draft ? 1 : 0, [...entry.problems], head];
  return JSON.stringify(stored);
}

/** The details line of an entry, with its newline (an empty line when there is no article). */
export function encodeDetails(entry: IndexEntry): string {
  return entry.article ? `${detailsOf(entry.article)}\n` : '\n';
}

/**
 * Reads entries back from `bytes[start, end)`: the line of heads, then one details line per
 * head. The articles keep `bytes` to read their details from later. Throws when anything is
 * out of shape.
 */
export function decodeEntries(bytes: Buffer, start: number, end: number): IndexEntry[] {
  const headsEnd = bytes.indexOf(0x0a, start);
  if (headsEnd === -1 || headsEnd >= end) throw new Error('its entries are missing');
  const heads: unknown = JSON.parse(bytes.toString('utf8', start, headsEnd));
  if (!Array.isArray(heads)) throw new Error('its entries are missing');
  const entries: IndexEntry[] = [];
  // Equal categories are one object, as they were when the articles were first read.
  const categories = new Map<string, Category>();
  let lineStart = headsEnd + 1;
  for (const stored of heads as unknown[]) {
    const lineEnd = bytes.indexOf(0x0a, lineStart);
    if (!isStored(stored) || lineEnd === -1 || lineEnd >= end) throw new Error('an entry is malformed');
    const [path, size, mtimeMs, draft, problems, head] = stored;
    let article: Article | undefined;
    if (head !== null) {
      if (lineEnd === lineStart) throw new Error('an entry is malformed');
      const [id, slug, language, categorySlug, categoryName, published, updated] = head;
      let category: Category | undefined;
      if (categorySlug !== null && categoryName !== null) {
        const key = `${categorySlug}\u0000${categoryName}`;
        category = categories.get(key);
        if (category === undefined) categories.set(key, (category = { slug: categorySlug, name: categoryName }));
      }
      article = new StoredArticle(id, slug, path, language, category, published, updated, { bytes, start: lineStart, end: lineEnd });
    }
    entries.push({ path, stamp: { size, mtimeMs }, draft: draft === 1, problems, ...(article ? { article } : {}) });
    lineStart = lineEnd + 1;
  }
  if (lineStart !== end) throw new Error('it holds more lines than entries');
  return entries;
}
