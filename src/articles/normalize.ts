/**
 * Front matter + body -> one immutable {@link Article}, or the problems that keep it out.
 *
 * Every fallback of the article format lives here and nowhere else: the title taken from the
 * body, the summary taken from the first paragraph, the id taken from the path, the slug taken
 * from the file name, the default language, dates read in the site's time zone.
 *
 * @example
 * const { article, problems } = normalizeArticle('2024/11/a.md', parsed, site);
 */
import { tz } from '@date-fns/tz';
import { parseISO } from 'date-fns';
import type { Person, Site } from '../site.ts';
import { collapseWhitespace, slugify, stripInvalidChars, truncateAtWordBoundary } from '../text.ts';
import type { Article, Category, Problem } from './article.ts';
import { toPlainText } from './markdown.ts';
import type { ParsedFile } from './parse.ts';

export interface NormalizeResult {
  /** The article, unless an error keeps it out. Drafts come back too: check `draft`. */
  readonly article?: Article;
  /** Markdown of the article's content: the body without the line that became the title. */
  readonly body?: string;
  readonly draft: boolean;
  readonly problems: readonly Problem[];
}

/** Reads front-matter fields and records what is wrong with them. */
function createFieldReader(path: string, parsed: ParsedFile) {
  const problems: Problem[] = [];
  const report = (severity: Problem['severity'], field: string, message: string) => {
    const line = parsed.lines[field];
    problems.push({ path, severity, field, message, ...(line === undefined ? {} : { line }) });
  };
  const describe = (value: unknown) => (Array.isArray(value) ? 'a list' : value === null ? 'empty' : `a ${typeof value}`);

  /**
   * A text value: strings as they are, numbers and booleans converted with a warning, anything
   * else reported with `severity` (an error by default) and read as absent.
   */
  const textOf = (field: string, value: unknown, severity: Problem['severity'] = 'error'): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return collapseWhitespace(stripInvalidChars(value));
    if (typeof value === 'number' || typeof value === 'boolean') {
      report('warning', field, `is ${describe(value)} (${String(value)}); quote it to keep it exactly as written`);
      return String(value);
    }
    report(severity, field, `must be text, not ${describe(value)}${severity === 'warning' ? '; it is ignored' : ''}`);
    return undefined;
  };
  /** The text of a top-level field. */
  const text = (field: string) => textOf(field, parsed.data[field]);
  return { problems, report, describe, text, textOf, data: parsed.data };
}

type FieldReader = ReturnType<typeof createFieldReader>;

const EMPTY_HEADING = /^ {0,3}#{1,6}(?:[ \t]+#*)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;

interface TextLine {
  readonly index: number;
  readonly text: string;
}

/**
 * The first line of the body that is text: blank lines, empty headings (`# `), thematic
 * breaks and lines without visible text (images, raw HTML, comments) are skipped.
 */
function findFirstTextLine(lines: readonly string[]): TextLine | undefined {
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '' || EMPTY_HEADING.test(line) || THEMATIC_BREAK.test(line)) continue;
    const text = toPlainText(line);
    if (text !== '') return { index, text };
  }
  return undefined;
}

/** The body without the title line, its setext underline, and the empty headings before it. */
function removeTitleLine(lines: readonly string[], index: number): string {
  const next = lines[index + 1];
  const end = next !== undefined && SETEXT_UNDERLINE.test(next) ? index + 2 : index + 1;
  const before = lines.slice(0, index).filter((line) => !EMPTY_HEADING.test(line));
  return [...before, ...lines.slice(end)].join('\n').replace(/^\n+/, '');
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

interface TitleAndBody {
  readonly title: string;
  readonly body: string;
}

/**
 * The empty-title rule: a missing or blank `title` is the first text line of the body, which
 * then leaves the content. A given title that the body repeats as its first line is not
 * repeated either.
 */
function resolveTitle(fields: FieldReader, body: string): TitleAndBody | undefined {
  const given = fields.text('title');
  const lines = body.split('\n');
  const first = findFirstTextLine(lines);
  if (given) {
    const repeated = first !== undefined && first.text === toPlainText(given);
    return { title: given, body: repeated ? removeTitleLine(lines, first.index) : body };
  }
  if (first === undefined) {
    fields.report('error', 'title', 'is empty and the body has no text line to take it from');
    return undefined;
  }
  return { title: first.text, body: removeTitleLine(lines, first.index) };
}

function readDate(fields: FieldReader, field: string, timeZone: string): number | undefined {
  const value = fields.data[field];
  if (value === undefined || value === null || value === '') return undefined;
  let time = Number.NaN;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'string') time = parseISO(value.trim(), { in: tz(timeZone) }).getTime();
  if (Number.isNaN(time)) {
    const shown = typeof value === 'string' ? `"${value}"` : fields.describe(value);
    fields.report('error', field, `cannot read ${shown} as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z`);
    return undefined;
  }
  return time;
}

function readLanguage(fields: FieldReader, site: Site): string | undefined {
  const value = fields.text('language');
  if (value === undefined || value === '') return site.defaultLanguage;
  try {
    const [tag] = Intl.getCanonicalLocales(value.replace(/_/g, '-'));
    if (tag !== undefined) return tag;
  } catch {
    // reported below
  }
  fields.report('error', 'language', `"${value}" is not a BCP 47 language tag (e.g. "en", "th", "pt-BR")`);
  return undefined;
}

function readCategory(fields: FieldReader, site: Site): Category | undefined {
  const name = fields.text('category');
  if (!name) return undefined;
  const slug = slugify(name);
  if (slug === '') {
    fields.report('warning', 'category', `"${name}" has no letters or digits to make a URL from; the article has no category`);
    return undefined;
  }
  return { slug, name: site.categories[slug]?.name ?? name };
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

function readAuthors(fields: FieldReader): Person[] {
  const value = fields.data.author;
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map((item) => readPerson(fields, item)).filter((person) => person !== undefined);
}

/** An absolute http(s) URL, resolved against `base` when relative; anything else is dropped with a warning. */
function readUrl(fields: FieldReader, field: string, value: unknown, base: string | undefined): string | undefined {
  const text = fields.textOf(field, value, 'warning');
  if (!text) return undefined;
  try {
    const url = new URL(text, base);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  fields.report('warning', field, `"${text}" is not an http(s) URL${base ? ' or a path' : ''}; it is ignored`);
  return undefined;
}

function readSlug(fields: FieldReader, path: string): string | undefined {
  const given = fields.text('slug');
  const fileName = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  const source = given || fileName.replace(/^\d{4}-\d{2}-\d{2}-/, '');
  const slug = slugify(source);
  if (slug === '') {
    fields.report('error', 'slug', `"${source}" has no letters or digits to make a URL from`);
    return undefined;
  }
  return slug;
}

function readId(fields: FieldReader, path: string): string {
  const code = fields.text('code');
  if (code) return code;
  fields.report('warning', 'code', 'is missing; the item id falls back to the file path and changes if the file moves');
  return `path:${path.replace(/\.[^./]*$/, '')}`;
}

function readDraft(fields: FieldReader): boolean {
  const value = fields.data.draft;
  return value === true || (typeof value === 'string' && /^(true|yes)$/i.test(value.trim()));
}

/**
 * Normalizes one parsed file. Errors (no usable date, language, title or slug) keep the
 * article out; warnings leave it in with the bad field ignored.
 */
export function normalizeArticle(path: string, parsed: ParsedFile, site: Site): NormalizeResult {
  const fields = createFieldReader(path, parsed);
  const siteRoot = `${site.baseUrl}/`;

  const id = readId(fields, path);
  const slug = readSlug(fields, path);
  const language = readLanguage(fields, site);
  const published = readDate(fields, 'date', site.timeZone);
  if (published === undefined && fields.data.date == null) fields.report('error', 'date', 'is missing');
  const modifiedField = fields.data.updated !== undefined ? 'updated' : 'modified';
  let updated = readDate(fields, modifiedField, site.timeZone);
  if (published !== undefined && updated !== undefined && updated < published) {
    fields.report('warning', modifiedField, 'is before `date`; the publication date is used instead');
    updated = undefined;
  }
  const titled = resolveTitle(fields, stripInvalidChars(parsed.body));
  const category = readCategory(fields, site);
  const image = readUrl(fields, 'image', fields.data.image, siteRoot);
  const originUrl = readUrl(fields, 'origin_url', fields.data.origin_url, undefined);
  const tags = readList(fields, 'tags');
  const authors = readAuthors(fields);
  const draft = readDraft(fields);
  const given = fields.text('description');

  const problems = fields.problems;
  if (problems.some((problem) => problem.severity === 'error')) return { draft, problems };
  if (slug === undefined || language === undefined || published === undefined || titled === undefined) {
    throw new Error(`normalizeArticle: ${path} has no error but a required field is unset`);
  }

  const description =
    given || truncateAtWordBoundary(firstParagraphText(titled.body) ?? titled.title, site.summaryLength, language);
  const article: Article = {
    id,
    slug,
    path,
    title: titled.title,
    description,
    language,
    ...(category ? { category } : {}),
    tags: Object.freeze(tags),
    authors: Object.freeze(authors),
    published,
    updated: updated ?? published,
    ...(image ? { image } : {}),
    ...(originUrl ? { originUrl } : {}),
  };
  return { article: Object.freeze(article), body: titled.body, draft, problems };
}
