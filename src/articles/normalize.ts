/**
 * Front matter + body -> one immutable {@link Article}, or the problems that keep it out.
 *
 * Every fallback of the article format lives here and nowhere else: the title taken from the
 * body, the summary taken from the first paragraph, the id taken from the path, the slug taken
 * from the file name (a page bundle's from its folder's), the default language, dates read in
 * the site's time zone.
 *
 * @example
 * const { article, problems } = normalizeArticle('2024/11/a.md', parsed, site);
 */
import { tz } from '@date-fns/tz';
import { parseISO } from 'date-fns/parseISO';
import { authorKey, configuredEntry, type Person, type Site } from '../site.ts';
import { cleanText, collapseWhitespace, slugify, stripInvalidChars, truncateAtWordBoundary } from '../text.ts';
import { createUrls } from '../urls.ts';
import type { Article, Category, Problem } from './article.ts';
import { bundleFolderOf } from './bundle.ts';
import { toPlainText } from './markdown.ts';
import type { ParsedFile } from './parse.ts';

export interface NormalizeResult {
  /** The article, unless an error keeps it out. Drafts come back too: check `draft`. */
  readonly article?: Article;
  readonly draft: boolean;
  readonly problems: readonly Problem[];
  /**
   * Set when only the start of the body was given and it was not enough (no title line in it, or
   * a summary to take from a paragraph that may go on): normalize the whole file instead.
   */
  readonly needsWholeFile?: true;
}

export interface NormalizeOptions {
  /** Whether `parsed.body` is the whole body or only its start (indexing reads file heads). */
  readonly bodyComplete?: boolean;
  /** When the file last changed, where the source tells it (see `Article.fileTime`). */
  readonly fileTime?: number | undefined;
}

/** A value's kind in YAML's words ("must be text, not a mapping"). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'empty';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/** Reads front-matter fields and records what is wrong with them. */
class FieldReader {
  readonly problems: Problem[] = [];

  constructor(
    private readonly path: string,
    private readonly parsed: ParsedFile,
  ) {}

  get data(): Readonly<Record<string, unknown>> {
    return this.parsed.data;
  }

  report(severity: Problem['severity'], field: string, message: string): void {
    const line = this.parsed.lines[field];
    this.problems.push({ path: this.path, severity, field, message, ...(line === undefined ? {} : { line }) });
  }

  /**
   * A text value: strings as they are, numbers and booleans converted with a warning, anything
   * else reported with `severity` (an error by default) and read as absent.
   */
  textOf(field: string, value: unknown, severity: Problem['severity'] = 'error'): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return cleanText(value);
    if (typeof value === 'number' || typeof value === 'boolean') {
      this.report('warning', field, `is ${describe(value)} (${String(value)}); quote it to keep it exactly as written`);
      return String(value);
    }
    this.report(severity, field, `must be text, not ${describe(value)}${severity === 'warning' ? '; it is ignored' : ''}`);
    return undefined;
  }

  /** The text of a top-level field. */
  text(field: string): string | undefined {
    return this.textOf(field, this.parsed.data[field]);
  }

  describe(value: unknown): string {
    return describe(value);
  }
}



const EMPTY_HEADING = /^ {0,3}#{1,6}(?:[ \t]+#*)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;

interface TextLine {
  /** Offset of the line in the body, and of the character after its line break. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Characters that can change what a line's visible text is (markup, entities, HTML). */
const MARKUP = /[\\`*_[\]<>&!~|#]/;

/** The visible text of one line; the common plain line is read without a Markdown parser. */
function lineText(line: string): string {
  const stripped = line.replace(/^ {0,3}#{1,6}[ \t]+/, '').replace(/[ \t]+#+[ \t]*$/, '');
  return MARKUP.test(stripped) || /^ {4}|^\t|^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|^ {0,3}>/.test(stripped)
    ? toPlainText(line)
    : collapseWhitespace(stripped);
}

/**
 * The first line of the body that is text: blank lines, empty headings (`# `), thematic
 * breaks and lines without visible text (images, raw HTML, comments) are skipped. Reads only as
 * far into the body as it has to.
 */
function findFirstTextLine(body: string): TextLine | undefined {
  let start = 0;
  while (start < body.length) {
    const newline = body.indexOf('\n', start);
    const end = newline === -1 ? body.length : newline + 1;
    const line = body.slice(start, newline === -1 ? body.length : newline);
    if (line.trim() !== '' && !EMPTY_HEADING.test(line) && !THEMATIC_BREAK.test(line)) {
      const text = lineText(line);
      if (text !== '') return { start, end, text };
    }
    start = end;
  }
  return undefined;
}

/** The body without the title line, its setext underline, and the empty headings before it. */
function removeTitleLine(body: string, line: TextLine): string {
  let end = line.end;
  const nextEnd = body.indexOf('\n', end);
  const next = body.slice(end, nextEnd === -1 ? body.length : nextEnd);
  if (next !== '' && SETEXT_UNDERLINE.test(next)) end = nextEnd === -1 ? body.length : nextEnd + 1;
  const before = body
    .slice(0, line.start)
    .split('\n')
    .filter((text) => !EMPTY_HEADING.test(text))
    .join('\n');
  return (before + body.slice(end)).replace(/^\n+/, '');
}

/** The plain text of the first paragraph of the body that has any (headings are skipped). */
function firstParagraphText(body: string): string | undefined {
  for (const block of body.split(/\n[ \t]*\n/)) {
    if (/^ {0,3}#/.test(block)) continue;
    const text = toPlainText(block);
    if (text !== '') return text;
  }
  return undefined;
}

/** The title and where it sits in the body (when the body gives it, or repeats the given one). */
interface TitleLine {
  readonly title: string;
  readonly line?: TextLine;
}

const WORDS = /[\p{L}\p{N}]{2,}/gu;
/** What can write a word so that its text does not appear as it is: entities, emphasis, code, HTML. */
const MAY_SPLIT_WORDS = /[&*_~<`]/;

/**
 * The empty-title rule: a missing or blank `title` is the first text line of the body, which
 * then leaves the content. A given title that the body repeats as its first line is not
 * repeated either. `undefined` when there is no title to be had.
 */
function locateTitle(given: string | undefined, body: string): TitleLine | undefined {
  if (given) {
    // The body can only repeat the title if every word of it appears early on, as written
    // unless an entity or markup inside a word makes it differ there (then the first line is
    // read properly): most bodies don't.
    const start = body.slice(0, given.length * 4 + 256);
    if (!MAY_SPLIT_WORDS.test(start)) {
      for (const [word] of given.matchAll(WORDS)) if (!start.includes(word)) return { title: given };
    }
    const first = findFirstTextLine(body);
    return first !== undefined && first.text === lineText(given) ? { title: given, line: first } : { title: given };
  }
  const first = findFirstTextLine(body);
  return first === undefined ? undefined : { title: stripInvalidChars(first.text), line: first };
}

/** The title field read as text (numbers and booleans as written), for content extraction. */
function titleFieldOf(value: unknown): string | undefined {
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The Markdown content of an article: its body without the line that became (or repeats) the
 * title. Applied to the whole file when the article is rendered; the index never needs it.
 */
export function extractContent(parsed: ParsedFile): string {
  const body = stripInvalidChars(parsed.body);
  const located = locateTitle(titleFieldOf(parsed.data.title), body);
  return located?.line ? removeTitleLine(body, located.line) : body;
}

function readDate(fields: FieldReader, field: string, timeZone: string): number | undefined {
  const value = fields.data[field];
  if (value === undefined || value === null || value === '') return undefined;
  let time = Number.NaN;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'string') time = parseDate(value.trim(), timeZone);
  if (Number.isNaN(time)) {
    const shown = typeof value === 'string' ? `"${value}"` : fields.describe(value);
    fields.report('error', field, `cannot read ${shown} as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z`);
    return undefined;
  }
  return time;
}

const UTC_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?Z$/;

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * ISO 8601 text -> milliseconds; without a zone, in `timeZone`. The common UTC form is read
 * from its numbers, its day checked against the calendar (`Date.parse` would roll 30 February
 * over to 2 March) and a fraction of a second cut to milliseconds, as `Date.parse` cuts it; the
 * rest is read by date-fns.
 */
function parseDate(text: string, timeZone: string): number {
  const utc = UTC_DATE_TIME.exec(text);
  if (utc) {
    const [, year, month, day, hours, minutes, seconds = '0', fraction = ''] = utc as unknown as string[];
    const m = Number(month);
    const d = Number(day);
    const y = Number(year);
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
    // Date.UTC reads a year below 100 as 19xx.
    if (y < 100) return Date.parse(text);
    return Date.UTC(y, m - 1, d, Number(hours), Number(minutes), Number(seconds), Number(fraction.slice(0, 3).padEnd(3, '0')));
  }
  return parseISO(text, { in: tz(timeZone) }).getTime();
}

const canonicalTags = new Map<string, string | undefined>();

/** BCP 47 canonical form of a tag (memoized: a collection uses a handful of tags). */
function canonicalizeLanguage(value: string): string | undefined {
  if (canonicalTags.has(value)) return canonicalTags.get(value);
  let tag: string | undefined;
  try {
    tag = Intl.getCanonicalLocales(value.replace(/_/g, '-'))[0];
  } catch {
    tag = undefined;
  }
  canonicalTags.set(value, tag);
  return tag;
}

const knownLanguages = new Map<string, boolean>();

/** Whether the language of a tag is one the platform can name (memoized). */
function isKnownLanguage(tag: string): boolean {
  let known = knownLanguages.get(tag);
  if (known === undefined) {
    try {
      known = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(tag.split('-')[0] as string) !== undefined;
    } catch {
      known = false;
    }
    knownLanguages.set(tag, known);
  }
  return known;
}

function readLanguage(fields: FieldReader, site: Site): string | undefined {
  const value = fields.text('language');
  if (value === undefined || value === '') return site.defaultLanguage;
  const tag = canonicalizeLanguage(value);
  if (tag !== undefined && !isKnownLanguage(tag)) {
    fields.report('warning', 'language', `"${tag}" is not a language this platform knows; the article is served under that tag`);
  }
  if (tag !== undefined) return tag;
  fields.report('error', 'language', `"${value}" is not a BCP 47 language tag (e.g. "en", "th", "pt-BR")`);
  return undefined;
}

/** The slugs of the category names seen: a collection has a handful, spelled alike in thousands of files. */
const categorySlugs = new Map<string, string>();
const CATEGORY_SLUGS_KEPT = 10_000;

function categorySlug(name: string): string {
  let slug = categorySlugs.get(name);
  if (slug === undefined) {
    slug = slugify(name);
    if (categorySlugs.size >= CATEGORY_SLUGS_KEPT) categorySlugs.clear();
    categorySlugs.set(name, slug);
  }
  return slug;
}

/**
 * The article's section: `category`, else the first of `categories` (the list Hugo's taxonomy
 * and Jekyll write), whose others are kept as tags (see readSection).
 */
function readCategory(fields: FieldReader, site: Site, categories: readonly string[]): Category | undefined {
  const given = fields.text('category');
  const field = given ? 'category' : 'categories';
  const name = given || categories[0];
  if (!name) return undefined;
  const slug = categorySlug(name);
  if (slug === '') {
    fields.report('warning', field, `"${name}" has no letters or digits to make a URL from; the article has no category`);
    return undefined;
  }
  return { slug, name: configuredEntry(site.categories, slug)?.name ?? name };
}

/**
 * The category and the tags: an article is in one section, so of Hugo's or Jekyll's
 * `categories`, the one that is not its category (every one but the first, unless `category`
 * names another) is a tag, and so still an RSS and Atom `<category>` of its items.
 */
function readSection(fields: FieldReader, site: Site): { readonly category: Category | undefined; readonly tags: string[] } {
  const categories = readList(fields, 'categories');
  const category = readCategory(fields, site, categories);
  const tags = readList(fields, 'tags');
  if (categories.length === 0) return { category, tags };
  const isSection = (name: string) => category !== undefined && categorySlug(name) === category.slug;
  return { category, tags: [...new Set([...tags, ...categories.filter((name) => !isSection(name))])] };
}

function readList(fields: FieldReader, field: string): string[] {
  const value = fields.data[field];
  if (value === undefined || value === null) return [];
  const items: unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  const texts = items.map((item) => fields.textOf(field, item, 'warning')).filter((item) => !!item);
  return [...new Set(texts)] as string[];
}

function readPerson(fields: FieldReader, value: unknown): Person | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const name = fields.textOf('author', record.name, 'warning');
    if (!name) {
      fields.report('warning', 'author', 'an author given as a mapping needs a "name"');
      return undefined;
    }
    const url = readUrl(fields, 'author', record.url, undefined);
    const email = fields.textOf('author', record.email, 'warning');
    return { name, ...(url ? { url } : {}), ...(email ? { email } : {}) };
  }
  const name = fields.textOf('author', value, 'warning');
  return name ? { name } : undefined;
}

/** Fills in what the configuration's `authors` knows about a person the article names. */
function withKnownDetails(person: Person, site: Site): Person {
  const known = configuredEntry(site.authors, authorKey(person.name));
  return known ? { ...known, ...person, name: known.name ?? person.name } : person;
}

function readAuthors(fields: FieldReader, site: Site): Person[] {
  const value = fields.data.author;
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((item) => {
    const person = readPerson(fields, item);
    return person ? [withKnownDetails(person, site)] : [];
  });
}

/**
 * An absolute http(s) URL that the URL parser gives back as written: lower-case host names (the
 * last label starting with a letter, so never read as an IPv4 address) and a path of unreserved
 * characters. Nearly every image and origin URL; with no `xn--` label (checked by Punycode) and
 * no `.` or `..` segment (removed) in it, it needs no parser.
 */
const PLAIN_HTTP_URL = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\/[A-Za-z0-9._~\/-]*$/;
const NEEDS_URL_PARSER = /xn--|\/\.\.?(?:\/|$)/;

/** An absolute http(s) URL, resolved against `base` when relative; anything else is dropped with a warning. */
function readUrl(fields: FieldReader, field: string, value: unknown, base: string | undefined): string | undefined {
  const text = fields.textOf(field, value, 'warning');
  if (!text) return undefined;
  if (PLAIN_HTTP_URL.test(text) && !NEEDS_URL_PARSER.test(text)) return text;
  try {
    const url = new URL(text, base);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  fields.report('warning', field, `"${text}" is not an http(s) URL${base ? ' or a path' : ''}; it is ignored`);
  return undefined;
}

/**
 * The name a slug is made from when the front matter gives none: the file's name without its
 * extension, or for a page bundle's `index.md` (`2024/my-story/index.md`, as Hugo lays out an
 * article with its images) its folder's name, as Hugo takes it; either without a Jekyll
 * `YYYY-MM-DD-` date prefix.
 */
function slugSourceOf(path: string): string {
  const parts = path.split('/');
  const fileName = (parts.at(-1) as string).replace(/\.[^.]*$/, '');
  const name = fileName === 'index' && parts.length > 1 ? (parts.at(-2) as string) : fileName;
  return name.replace(/^\d{4}-\d{2}-\d{2}-/, '');
}

function readSlug(fields: FieldReader, path: string): string | undefined {
  const source = fields.text('slug') || slugSourceOf(path);
  const slug = slugify(source);
  if (slug === '') {
    fields.report('error', 'slug', `"${source}" has no letters or digits to make a URL from`);
    return undefined;
  }
  return slug;
}

/** Where the modification time may be given, first found first: ours, then Hugo's `lastmod` and Jekyll's `last_modified_at` (as jekyll-feed reads it). */
const MODIFIED_FIELDS = ['updated', 'modified', 'lastmod', 'last_modified_at'] as const;

/** The front-matter field an article's modification time is read from (`updated` when none is given). */
export function modifiedFieldOf(data: Readonly<Record<string, unknown>>): string {
  return MODIFIED_FIELDS.find((field) => data[field] !== undefined) ?? 'updated';
}

function readId(fields: FieldReader, path: string): string {
  const code = fields.text('code');
  if (code) return code;
  fields.report('warning', 'code', 'is missing; the item id falls back to the file path and changes if the file moves');
  return `path:${path.replace(/\.[^./]*$/, '')}`;
}

/** `true`, or the text `true` / `yes`; `false`, or `false` / `no`; anything else neither. */
function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (/^(true|yes)$/i.test(value.trim())) return true;
  return /^(false|no)$/i.test(value.trim()) ? false : undefined;
}

/** `draft: true`, or Jekyll's `published: false` (a post Jekyll does not publish). */
function readDraft(fields: FieldReader): boolean {
  return flag(fields.data.draft) === true || flag(fields.data.published) === false;
}

/**
 * Where Hugo is told when a page is published, first found first (its `publishDate` and the
 * aliases it reads for it; `published` only when it is not Jekyll's true or false). Hugo holds
 * the page back until then and dates its RSS items by it, so it is the publication time here
 * too, ahead of `date`.
 */
const PUBLISH_DATE_FIELDS = ['publishDate', 'publishdate', 'pubdate', 'published'] as const;

/** The field the publication time is read from: Hugo's publish date where given, else `date`. */
function publicationFieldOf(data: Readonly<Record<string, unknown>>): string {
  return PUBLISH_DATE_FIELDS.find((field) => data[field] != null && data[field] !== '' && flag(data[field]) === undefined) ?? 'date';
}

/** Hugo's expiry fields: a page it stops publishing at that time. */
const EXPIRY_FIELDS = ['expiryDate', 'expirydate', 'unpublishdate'] as const;

/**
 * Normalizes one parsed file. Errors (no usable date, language, title or slug) keep the
 * article out; warnings leave it in with the bad field ignored.
 */
export function normalizeArticle(path: string, parsed: ParsedFile, site: Site, options: NormalizeOptions = {}): NormalizeResult {
  const fields = new FieldReader(path, parsed);
  const bodyComplete = options.bodyComplete ?? true;
  const siteRoot = `${site.baseUrl}/`;

  const id = readId(fields, path);
  const slug = readSlug(fields, path);
  const language = readLanguage(fields, site);
  const publicationField = publicationFieldOf(fields.data);
  const published = readDate(fields, publicationField, site.timeZone);
  if (published === undefined && fields.data[publicationField] == null) fields.report('error', 'date', 'is missing');
  const expiryField = EXPIRY_FIELDS.find((field) => fields.data[field] != null && fields.data[field] !== '');
  if (expiryField) fields.report('warning', expiryField, 'is not acted on: the article stays in every feed and page after it; to take it down, remove the file or set `draft: true`');
  const modifiedField = modifiedFieldOf(fields.data);
  let updated = readDate(fields, modifiedField, site.timeZone);
  if (published !== undefined && updated !== undefined && updated < published) {
    fields.report('warning', modifiedField, `is before \`${publicationField}\`; the publication date is used instead`);
    updated = undefined;
  }
  // Fields are cleaned one by one; the body only where it becomes a title or a summary. With
  // both given, whether the body repeats the title plays no part here (the content leaves that
  // line out when it is rendered, see extractContent).
  const body = parsed.body;
  const title = fields.text('title');
  const given = fields.text('description');
  const located = title && given ? { title } : locateTitle(title, body);
  if (!bodyComplete && (located === undefined || !given)) return { draft: false, problems: [], needsWholeFile: true };
  if (located === undefined) fields.report('error', 'title', 'is empty and the body has no text line to take it from');
  const { category, tags } = readSection(fields, site);
  // A page bundle's image may name a file beside it (`image: cover.jpg`), served under its page.
  const imageBase = slug !== undefined && bundleFolderOf(path) !== undefined ? createUrls(site.baseUrl).articleFolder(slug) : siteRoot;
  const image = readUrl(fields, 'image', fields.data.image, imageBase);
  const originUrl = readUrl(fields, 'origin_url', fields.data.origin_url, undefined);
  const authors = readAuthors(fields, site);
  const draft = readDraft(fields);

  const problems = fields.problems;
  if (problems.some((problem) => problem.severity === 'error')) return { draft, problems };
  if (slug === undefined || language === undefined || published === undefined || located === undefined) {
    throw new Error(`normalizeArticle: ${path} has no error but a required field is unset`);
  }

  const content = () => (located.line ? removeTitleLine(body, located.line) : body);
  const description =
    given || truncateAtWordBoundary(stripInvalidChars(firstParagraphText(content()) ?? located.title), site.summaryLength, language);
  const article: Article = {
    id,
    slug,
    path,
    title: located.title,
    description,
    language,
    ...(category ? { category } : {}),
    tags: Object.freeze(tags),
    authors: Object.freeze(authors),
    published,
    updated: updated ?? published,
    ...(image ? { image } : {}),
    ...(originUrl ? { originUrl } : {}),
    ...(options.fileTime !== undefined && options.fileTime > 0 ? { fileTime: options.fileTime } : {}),
  };
  return { article: Object.freeze(article), draft, problems };
}
