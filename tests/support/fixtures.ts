/**
 * Fresh fixtures for every test: a site, article files, an app over them. Nothing here is
 * shared or mutated between tests.
 */
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createApp } from '../../src/app.ts';
import type { IndexEntry } from '../../src/articles/load.ts';
import { parseArticleFile } from '../../src/articles/parse.ts';
import { extractContent, normalizeArticle, type NormalizeResult } from '../../src/articles/normalize.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { createSite, DEFAULT_SITE_CONFIG, parseSiteConfig, type Site, type SiteConfig } from '../../src/site.ts';
import { createMemorySource } from '../../src/sources/memory.ts';

export const BASE_URL = 'https://news.example';

/** A fixed "now" for every test that needs one: 2026-01-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 0, 1);

export function testSite(overrides: Partial<SiteConfig> = {}, baseUrl = BASE_URL): Site {
  return createSite({ ...DEFAULT_SITE_CONFIG, title: 'Test News', ...overrides }, { baseUrl });
}

/** The site configuration shipped with the project (wirefeed.config.json). */
export function projectSite(baseUrl = BASE_URL): Site {
  const config = parseSiteConfig(JSON.parse(readFileSync('wirefeed.config.json', 'utf8')));
  return createSite(config, { baseUrl });
}

/**
 * An article file. `fields` are written as YAML lines exactly as given (so a test controls
 * quoting): `{ title: '"Hi"', date: '2024-01-02T03:04:05Z' }`.
 */
export function articleText(fields: Readonly<Record<string, string>>, body = 'Body text.\n'): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${value}`);
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

/** A small valid article with the given overrides. */
export function validArticle(overrides: Readonly<Record<string, string>> = {}, body?: string): string {
  return articleText(
    {
      code: '"ART-1"',
      title: '"A title"',
      description: '"A summary."',
      category: '"WORLD"',
      language: '"en"',
      date: '2024-11-20T10:18:06.127Z',
      ...overrides,
    },
    body,
  );
}

/** Parses and normalizes one file, failing loudly when it cannot be parsed. */
export function normalizeText(text: string, site: Site = testSite(), path = '2024/11/a.md'): NormalizeResult {
  const parsed = parseArticleFile(path, text);
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.problem.message}`);
  return normalizeArticle(path, parsed.value, site);
}

/** The Markdown content of a file (its body without the title line), as rendering sees it. */
export function contentOfText(text: string, path = '2024/11/a.md'): string {
  const parsed = parseArticleFile(path, text);
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.problem.message}`);
  return extractContent(parsed.value);
}

/** Every file of a folder as path -> text (for a memory source over real content). */
export function readFolder(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dirent of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!dirent.isFile()) continue;
    const full = join(dirent.parentPath, dirent.name);
    files[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
  }
  return files;
}

export interface TestAppOptions {
  readonly site?: Site;
  readonly now?: number;
}

/** An app over in-memory files with a fixed clock. */
export function createTestApp(files: Readonly<Record<string, string>>, options: TestAppOptions = {}) {
  const site = options.site ?? testSite();
  const store = createContentStore(createMemorySource(files), site);
  const now = options.now ?? NOW;
  const errors: unknown[] = [];
  const app = createApp({ site, store, now: () => now, onError: (error) => errors.push(error) });
  return { app, store, site, errors };
}

/**
 * Every field of an index entry and of its article, read as a caller reads them: an entry read
 * back from an index makes its stamp, and its article its details, when asked.
 */
export function entryFields(entry: IndexEntry | undefined) {
  if (entry === undefined) return undefined;
  const { path, stamp, draft, problems, article, keptStamp } = entry;
  if (article === undefined) return { path, stamp, draft, problems };
  const kept = keptStamp === undefined ? {} : { keptStamp };
  const { id, slug, title, description, language, category, tags, authors, published, updated, image, originUrl } = article;
  return { path, stamp, draft, problems, ...kept, article: { id, slug, path: article.path, title, description, language, category, tags, authors, published, updated, image, originUrl } };
}

/**
 * Half-written files beside `file`, as writers leave them (`file.<pid>.tmp`): one of a process
 * killed minutes ago, and one of a writer still at work.
 */
export function leaveHalfWrittenFiles(file: string, text: string): { abandoned: string; live: string } {
  const abandoned = `${file}.4242.tmp`;
  const live = `${file}.4343.tmp`;
  writeFileSync(abandoned, text);
  writeFileSync(live, text);
  const minutesAgo = new Date(Date.now() - 5 * 60_000);
  utimesSync(abandoned, minutesAgo, minutesAgo);
  return { abandoned, live };
}
