/**
 * Raw file text -> front matter data + Markdown body.
 *
 * gray-matter splits the file; it is always called with an options object (so it neither
 * caches by input nor shares result objects) and with a YAML engine of our own: js-yaml's
 * CORE schema, which builds plain data only (no `!!js/*` types, no timestamps - dates stay
 * strings so the normalizer can read them in the site's time zone). Front matter in any
 * other language (`---js`, `---coffee`, even `---json`) is rejected before anything parses it.
 *
 * @example
 * parseArticleFile('a.md', '---\ntitle: Hi\n---\nBody')
 * // => { ok: true, value: { data: { title: 'Hi' }, body: 'Body', ... } }
 */
import matter from 'gray-matter';
import yaml from 'js-yaml';
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

/** gray-matter options: YAML through js-yaml's CORE schema; every code-running engine replaced. */
const MATTER_OPTIONS = {
  language: 'yaml',
  engines: {
    yaml: (source: string) => yaml.load(source, { schema: yaml.CORE_SCHEMA }) as object,
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
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

function lineNumbersOfKeys(frontMatter: string): Record<string, number> {
  const lines: Record<string, number> = {};
  frontMatter.split('\n').forEach((line, index) => {
    const key = /^(?:"([^"]+)"|'([^']+)'|([^\s#:"'][^:]*?))\s*:(?:\s|$)/.exec(line);
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    // gray-matter's block starts with the newline after the opening `---`, so the block's
    // line 0 is the file's line 1
    if (name !== undefined && lines[name] === undefined) lines[name] = index + 1;
  });
  return lines;
}

/** Splits one article file into front matter and body, or reports why it cannot be read. */
export function parseArticleFile(path: string, text: string): ParseResult {
  const source = normalizeText(text);
  if (!source.startsWith('---')) {
    return { ok: false, problem: { path, severity: 'error', line: 1, message: 'no front matter (the file must start with a "---" line)' } };
  }
  const language = matter.language(source).name.toLowerCase();
  if (!YAML_LANGUAGES.has(language)) {
    return {
      ok: false,
      problem: {
        path,
        severity: 'error',
        line: 1,
        message: `front matter in "${language}" is not accepted: front matter is data, write it in YAML`,
      },
    };
  }
  const firstBreak = source.indexOf('\n');
  const close = firstBreak === -1 ? -1 : source.indexOf('\n---', firstBreak);
  if (close === -1) {
    return { ok: false, problem: { path, severity: 'error', line: 1, message: 'front matter is not closed by a "---" line' } };
  }

  let file: matter.GrayMatterFile<string>;
  try {
    file = matter(source, MATTER_OPTIONS);
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
  const frontMatter = file.matter;
  return {
    ok: true,
    value: {
      data: data as Record<string, unknown>,
      body: file.content,
      lines: lineNumbersOfKeys(frontMatter),
      bodyLine: frontMatter.split('\n').length + 2,
    },
  };
}
