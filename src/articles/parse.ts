/**
 * Raw file text -> front matter data + Markdown body.
 *
 * gray-matter parses the front matter block; it is always called with an options object (so it
 * neither caches by input nor shares result objects) and with a YAML engine of our own:
 * js-yaml's CORE schema, which builds plain data only (no `!!js/*` types, no timestamps - dates
 * stay strings so the normalizer can read them in the site's time zone). Front matter in any
 * other language (`---js`, `---coffee`, even `---json`) is rejected before anything parses it,
 * but for Hugo's TOML between `+++` lines, which smol-toml reads (data only; its dates and times
 * become their text, as YAML's stay).
 *
 * Flat front matter (`key: value` lines of quoted or plain scalars: nearly every article) is
 * read by `parseFlatYaml` instead, which yields exactly what gray-matter and js-yaml would (a
 * property test holds it to that) at a tenth of the cost - what makes indexing 100,000 files
 * faster than reading them.
 *
 * @example
 * parseArticleFile('a.md', '---\ntitle: Hi\n---\nBody')
 * // => { ok: true, value: { data: { title: 'Hi' }, body: 'Body', ... } }
 */
import matter from 'gray-matter';
import yaml from 'js-yaml';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import type { Problem } from './article.ts';

export interface ParsedFile {
  /** The front matter mapping, as YAML built it. Treat as read-only. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The Markdown after the front matter. */
  readonly body: string;
  /** 1-based line of each top-level front-matter key, for messages. */
  readonly lines: Readonly<Record<string, number>>;
  /** 1-based line on which the body starts. */
  readonly bodyLine: number;
}

export type ParseResult = { readonly ok: true; readonly value: ParsedFile } | { readonly ok: false; readonly problem: Problem };

const YAML_LANGUAGES = new Set(['', 'yaml', 'yml']);

function refuse(language: string): never {
  throw new Error(`front matter in "${language}" is not accepted`);
}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const PLAIN_SCALAR = /^[A-Za-z0-9_.+\/(][^#\t]*$|^-[0-9.][^#\t]*$/;
const SINGLE_QUOTED = /^'((?:[^']|'')*)'$/;
const NULL_OR_BOOL = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
// js-yaml exports its built-in types at run time; @types/js-yaml does not describe them.
const { types } = yaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float', yaml.Type> };
const CORE_TYPES = [types.null, types.bool, types.int, types.float];

/** A plain scalar resolved exactly as js-yaml's CORE schema resolves it (null, bool, int, float, else string). */
function resolvePlain(value: string): unknown {
  // Words that are neither null nor a boolean are strings: only these can be anything else.
  const first = value.charCodeAt(0);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (letter && !NULL_OR_BOOL.test(value)) return value;
  for (const type of CORE_TYPES) if (type.resolve(value)) return type.construct(value);
  return value;
}

/**
 * The commonest lines, read whole by one expression: a double-quoted value with nothing to
 * unescape (what JSON.parse would give is the text between the quotes), and a plain value that
 * starts like a date (four digits and a `-`: no null, boolean, integer or float can).
 */
const QUOTED_LINE = /^([A-Za-z_][A-Za-z0-9_-]*): "([^"\\\u0000-\u001f]*)"$/;
const DATE_LIKE_LINE = /^([A-Za-z_][A-Za-z0-9_-]*): ([0-9]{4}-(?:[0-9A-Za-z.:+-]*[0-9A-Za-z.+-])?)$/;

/** Reads one `key: value` line of flat front matter into `data`; `false` when it is anything else. */
function readFlatLine(line: string, data: Record<string, unknown>): boolean {
  const common = QUOTED_LINE.exec(line) ?? DATE_LIKE_LINE.exec(line);
  if (common !== null) {
    const key = common[1] as string;
    if (Object.hasOwn(data, key) || key === '__proto__') return false;
    data[key] = common[2];
    return true;
  }
  const colon = line.indexOf(':');
  if (colon <= 0) return false;
  const key = line.slice(0, colon);
  if (!KEY.test(key) || Object.hasOwn(data, key) || key === '__proto__') return false;
  const rest = line.slice(colon + 1);
  if (rest !== '' && rest.charCodeAt(0) !== 32) return false;
  if (rest.includes('\t')) return false;
  const value = rest.trim();
  if (value === '') {
    data[key] = null;
    return true;
  }
  const quote = value.charCodeAt(0);
  if (quote === 34) {
    // YAML double-quoted escapes that JSON lacks (\x, \0, \e, ...) make JSON.parse throw: give up then.
    if (value.length < 2 || value.charCodeAt(value.length - 1) !== 34 || value.includes('\t')) return false;
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed !== 'string') return false;
      data[key] = parsed;
      return true;
    } catch {
      return false;
    }
  }
  if (quote === 39) {
    const quoted = SINGLE_QUOTED.exec(value);
    if (!quoted) return false;
    data[key] = (quoted[1] as string).replace(/''/g, "'");
    return true;
  }
  if (!PLAIN_SCALAR.test(value) || value.includes(': ') || value.endsWith(':') || value.includes(' #')) return false;
  data[key] = resolvePlain(value);
  return true;
}

/**
 * Reads the flat front matter nearly every article has - `key: value` lines with quoted or
 * plain scalars - without js-yaml's general machinery, and gives up (`undefined`) on anything
 * else: lists, nested mappings, block scalars, anchors, tags, comments, odd quoting. Whatever
 * it does read comes out as js-yaml's CORE schema would read it (a property test holds it to
 * that); whatever it gives up on, js-yaml reads.
 */
export function parseFlatYaml(source: string): Record<string, unknown> | undefined {
  const data: Record<string, unknown> = {};
  let start = 0;
  while (start <= source.length) {
    const end = source.indexOf('\n', start);
    const line = source.slice(start, end === -1 ? source.length : end);
    if (line !== '' && !readFlatLine(line, data)) return undefined;
    if (end === -1) break;
    start = end + 1;
  }
  return data;
}

/** gray-matter options: YAML (flat fast path, else js-yaml's CORE schema); every code-running engine replaced. */
const MATTER_OPTIONS = {
  language: 'yaml',
  engines: {
    yaml: (source: string) => parseFlatYaml(source) ?? (yaml.load(source, { schema: yaml.CORE_SCHEMA }) as object),
    javascript: () => refuse('javascript'),
    js: () => refuse('js'),
    coffee: () => refuse('coffee'),
    coffeescript: () => refuse('coffeescript'),
    cson: () => refuse('cson'),
    json: () => refuse('json'),
    toml: () => refuse('toml'),
  },
};

/** Byte-order mark and CR/CRLF line ends normalized away before anything else reads the text. */
function normalizeText(text: string): string {
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return unmarked.includes('\r') ? unmarked.replace(/\r\n?/g, '\n') : unmarked;
}

/** A line that starts a YAML mapping's key, and one that starts a TOML key's (Hugo's `+++` front matter). */
const YAML_KEY_LINE = /^(?:"([^"]+)"|'([^']+)'|([^\s#:"'][^:]*?))\s*:(?:\s|$)/;
const TOML_KEY_LINE = /^(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=/;

function lineNumbersOfKeys(frontMatter: string, keyLine: RegExp): Record<string, number> {
  const lines: Record<string, number> = {};
  frontMatter.split('\n').forEach((line, index) => {
    const key = keyLine.exec(line);
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    // gray-matter's block starts with the newline after the opening `---`, so the block's
    // line 0 is the file's line 1
    if (name !== undefined && lines[name] === undefined) lines[name] = index + 1;
  });
  return lines;
}

/**
 * A file split in two. Line numbers are only wanted for messages, which nearly every file
 * never gets: they are counted the first time they are asked for.
 */
class ParsedArticleFile implements ParsedFile {
  #lines: Record<string, number> | undefined;

  constructor(
    readonly data: Readonly<Record<string, unknown>>,
    readonly body: string,
    /** gray-matter's front matter block: from the line break after the opening `---` to the closing one. */
    private readonly frontMatter: string,
    private readonly keyLine = YAML_KEY_LINE,
  ) {}

  get lines(): Readonly<Record<string, number>> {
    return (this.#lines ??= lineNumbersOfKeys(this.frontMatter, this.keyLine));
  }

  get bodyLine(): number {
    return this.frontMatter.split('\n').length + 2;
  }
}

/**
 * TOML's values as the YAML engine gives them: dates and times as their text (the normalizer
 * reads them in the site's time zone when they have no offset), arrays and tables as plain data.
 */
function plainToml(value: unknown): unknown {
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainToml);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainToml(inner)]));
  return value;
}

/** Hugo's TOML front matter, between `+++` lines (smol-toml reads it: data, never code). */
function parseTomlFile(path: string, source: string): ParseResult {
  const firstBreak = source.indexOf('\n');
  const close = firstBreak === -1 || source.slice(3, firstBreak).trim() !== '' ? -1 : source.indexOf('\n+++', firstBreak);
  if (close === -1) {
    return { ok: false, problem: { path, severity: 'error', line: 1, message: 'front matter is not closed by a "+++" line' } };
  }
  const block = source.slice(firstBreak + 1, close);
  let data: unknown;
  try {
    data = plainToml(parseToml(block));
  } catch (error) {
    // The block's first line is the file's second.
    const line = error instanceof TomlError ? error.line + 1 : undefined;
    const reason = String((error as Error).message ?? error).split('\n')[0];
    return { ok: false, problem: { path, severity: 'error', ...(line ? { line } : {}), message: `front matter is not valid TOML: ${reason}` } };
  }
  let body = source.slice(close + 4);
  if (body.startsWith('\n')) body = body.slice(1);
  return { ok: true, value: new ParsedArticleFile(data as Record<string, unknown>, body, `\n${block}`, TOML_KEY_LINE) };
}

/** Splits one article file into front matter and body, or reports why it cannot be read. */
export function parseArticleFile(path: string, text: string): ParseResult {
  const source = normalizeText(text);
  if (source.startsWith('+++')) return parseTomlFile(path, source);
  if (!source.startsWith('---')) {
    return { ok: false, problem: { path, severity: 'error', line: 1, message: 'no front matter (the file must start with a "---" line)' } };
  }
  const firstBreak = source.indexOf('\n');
  const language = source.slice(3, firstBreak === -1 ? source.length : firstBreak).trim().toLowerCase();
  if (!YAML_LANGUAGES.has(language)) {
    return {
      ok: false,
      problem: {
        path,
        severity: 'error',
        line: 1,
        message: `front matter in "${language}" is not accepted: front matter is data, write it in YAML (or in TOML between "+++" lines, as Hugo does)`,
      },
    };
  }
  const close = firstBreak === -1 ? -1 : source.indexOf('\n---', firstBreak);
  if (close === -1) {
    return { ok: false, problem: { path, severity: 'error', line: 1, message: 'front matter is not closed by a "---" line' } };
  }

  // The common case - flat `key: value` YAML - is read directly (it costs gray-matter more to set
  // up than to parse); anything else goes through gray-matter, which only ever sees the front
  // matter block, never the body.
  const block = source.slice(firstBreak + 1, close);
  const flat = language === '' ? parseFlatYaml(block) : undefined;
  let file: { readonly data: unknown; readonly matter: string };
  try {
    file = flat ? { data: flat, matter: `\n${block}` } : matter(`${source.slice(0, close)}\n---\n`, MATTER_OPTIONS);
  } catch (error) {
    const mark = error instanceof yaml.YAMLException ? error.mark : undefined;
    const reason = error instanceof yaml.YAMLException ? error.reason : String((error as Error).message ?? error);
    return {
      ok: false,
      problem: {
        path,
        severity: 'error',
        ...(mark ? { line: mark.line + 1 } : {}),
        message: `front matter is not valid YAML: ${reason}`,
      },
    };
  }

  const data: unknown = file.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, problem: { path, severity: 'error', line: 2, message: 'front matter must be a mapping of field: value' } };
  }
  // As gray-matter does: the body starts after the closing `---` and one line break.
  let body = source.slice(close + 4);
  if (body.startsWith('\n')) body = body.slice(1);
  return { ok: true, value: new ParsedArticleFile(data as Record<string, unknown>, body, file.matter) };
}
