/**
 * Hostile content (tests/fixtures/hostile): every bad file is reported with its path, field and
 * reason and kept out; every good one is served; no front matter runs as code; every feed stays
 * valid and every page well-formed, with all its metadata in <head>.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { createFsSource } from '../../src/sources/fs.ts';
import { checkAtom, checkJsonFeed, checkRss } from '../support/feed-rules.ts';
import { NOW, testSite } from '../support/fixtures.ts';
import { findUnsafeHtml } from '../support/html.ts';
import { readPageMetadata } from '../support/pages.ts';
import { descendants, onlyChild, parseXmlStrict } from '../support/xml.ts';

const FIXTURES = resolve('tests/fixtures/hostile');
const BASE = 'https://news.example';
let folder = '';
let catalog: Catalog;
const site = testSite();
const store = () => createContentStore(createFsSource(folder), site);
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'wirefeed-hostile-'));
  cpSync(FIXTURES, folder, { recursive: true });
  // A multi-megabyte body: generated, not committed.
  const paragraph = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(40)}\n\n`;
  writeFileSync(join(folder, 'huge-body.md'), `---\ncode: "HUGE"\ntitle: "A huge body"\ndate: 2024-06-01T00:00:00Z\n---\n${paragraph.repeat(1500)}`);
  const contentStore = store();
  app = createApp({ site, store: contentStore, now: () => NOW });
  catalog = (await contentStore.current()).catalog;
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const problemsOf = (path: string) => catalog.problems.filter((problem) => problem.path === path);

describe('bad files are reported and kept out', () => {
  it.each([
    ['broken-yaml.md', undefined, 'front matter is not valid YAML'],
    ['no-front-matter.md', undefined, 'no front matter'],
    ['unclosed-front-matter.md', undefined, 'front matter is not closed'],
    ['front-matter-list.md', undefined, 'front matter must be a mapping'],
    ['front-matter-js.md', undefined, 'front matter in "js" is not accepted'],
    ['front-matter-javascript.md', undefined, 'front matter in "javascript" is not accepted'],
    ['front-matter-coffee.md', undefined, 'front matter in "coffee" is not accepted'],
    ['yaml-js-tag.md', undefined, 'unknown tag'],
    ['date-missing.md', 'date', 'is missing'],
    ['date-unparseable.md', 'date', 'cannot read "next tuesday" as a date'],
    ['date-impossible.md', 'date', 'cannot read "2024-02-30" as a date'],
    ['code-duplicate-b.md', 'code', '"DUP" is already the code of code-duplicate-a.md'],
    ['title-list.md', 'title', 'must be text, not a list'],
    ['title-nothing.md', 'title', 'is empty and the body has no text line'],
    ['language-invalid.md', 'language', '"english!" is not a BCP 47 language tag'],
  ])('%s: error on %s (%s)', (path, field, reason) => {
    const errors = problemsOf(path).filter((problem) => problem.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe(field);
    expect(errors[0]!.message).toContain(reason);
    expect(catalog.articles.some((article) => article.path === path)).toBe(false);
  });

  it('never runs front matter as code', () => {
    expect((globalThis as Record<string, unknown>).wirefeedPwned).toBeUndefined();
  });

  it.each([
    ['code-missing.md', 'code', 'is missing'],
    ['title-number.md', 'title', 'is a number (1984)'],
    ['tags-mixed.md', 'tags', 'must be text, not a list; it is ignored'],
    ['category-number.md', 'category', 'is a number (404)'],
    ['category-odd-2.md', 'category', 'has no letters or digits'],
    ['category-odd-7.md', 'category', 'has no letters or digits'],
    ['image-javascript.md', 'image', 'is not an http(s) URL'],
    ['image-javascript.md', 'origin_url', 'is not an http(s) URL'],
    ['language-unknown.md', 'language', 'is not a language this platform knows'],
  ])('%s: served, with a warning on %s (%s)', (path, field, reason) => {
    expect(problemsOf(path).some((problem) => problem.severity === 'warning' && problem.field === field && problem.message.includes(reason))).toBe(true);
    expect(catalog.articles.some((article) => article.path === path)).toBe(true);
  });

  it('gives the line of the field where it can', () => {
    expect(problemsOf('date-unparseable.md')[0]).toMatchObject({ line: 7 });
  });
});

describe('good files are served', () => {
  const served = [
    'good-one.md', 'good-two.md', 'date-only.md', 'date-offset.md', 'description-null.md', 'language-odd-case.md', 'language-underscore.md',
    'control-characters.md', 'lone-surrogates.md', 'bom-crlf.md', 'cdata-end.md', 'html-in-title.md', 'hostile-body.md', 'image-spaces.md',
    'image-non-ascii.md', 'title-long.md', 'title-whitespace.md', 'code-duplicate-a.md', 'huge-body.md',
    ...[0, 1, 3, 4, 5, 6].map((index) => `category-odd-${index}.md`),
  ];

  it.each(served.map((path) => [path]))('%s is in the site feed', async (path) => {
    const article = catalog.articles.find((candidate) => candidate.path === path);
    expect(article).toBeDefined();
    const json = JSON.parse(await (await app.request('/feed.json?limit=200')).text()) as { items: { id: string }[] };
    expect(json.items.map((item) => item.id)).toContain(article!.id);
  });

  it('reads odd values as the format says', () => {
    const byPath = (path: string) => catalog.articles.find((article) => article.path === path)!;
    expect(byPath('language-odd-case.md').language).toBe('en-GB');
    expect(byPath('language-underscore.md').language).toBe('pt-BR');
    expect(byPath('title-whitespace.md').title).toBe('The title comes from here');
    expect(byPath('control-characters.md').title).toBe('Bell and NUL in the title');
    expect(byPath('lone-surrogates.md').title).toBe('Lone  surrogate'.replace('  ', ' '));
    expect(byPath('bom-crlf.md').title).toBe('BOM and CRLF');
    expect(byPath('image-spaces.md').image).toBe('https://news.example/images/photo%20with%20spaces.jpg');
    expect(byPath('image-non-ascii.md').image).toBe('https://x.example/%E0%B8%A0%E0%B8%B2%E0%B8%9E%20%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7.jpg');
    expect(catalog.articles.find((article) => article.id === 'FUTURE')).toBeDefined();
  });

  it('makes every category a URL-safe slug, never a path', () => {
    for (const category of catalog.categories) {
      expect(category.slug).toMatch(/^[\p{L}\p{M}\p{N}_]+(?:-[\p{L}\p{M}\p{N}_]+)*$/u);
    }
    expect(catalog.categoryBySlug.has('etc-passwd')).toBe(true);
  });
});

describe('every output stays valid', () => {
  it('every feed listed on /feeds.opml is valid, script-free and names no file outside the folder', async () => {
    const opml = parseXmlStrict(await (await app.request('/feeds.opml')).text());
    const urls = descendants(onlyChild(opml, 'body')).flatMap((outline) => (outline.attributes.xmlUrl ? [outline.attributes.xmlUrl] : []));
    expect(urls.length).toBeGreaterThan(30);
    for (const url of urls) {
      const response = await app.request(url.slice(BASE.length));
      expect(response.status, url).toBe(200);
      const body = await response.text();
      const check = url.endsWith('rss.xml') ? checkRss : url.endsWith('atom.xml') ? checkAtom : checkJsonFeed;
      // The checkers parse every HTML field (description, content) and refuse scripts, event
      // handlers and non-http(s)/mailto URLs; the XML itself must hold no element of its own beyond the format's.
      expect(check(body, { selfUrl: url }), url).toEqual([]);
      if (!url.endsWith('.json')) expect(body).not.toMatch(/<script|<iframe|<form/i);
    }
  });

  it('every article page is well-formed, safe, with its metadata in <head>', async () => {
    for (const article of catalog.articles.filter((candidate) => candidate.published <= NOW)) {
      const response = await app.request(`/articles/${encodeURIComponent(article.slug)}`);
      expect(response.status, article.path).toBe(200);
      const html = await response.text();
      const page = readPageMetadata(html);
      expect(page.errors, article.path).toEqual([]);
      expect(page.misplaced, article.path).toEqual([]);
      expect(page.meta.get('og:title')?.[0], article.path).toBe(article.title);
      const content = html.slice(html.indexOf('<div class="content">'), html.lastIndexOf('</div>'));
      expect(findUnsafeHtml(content), article.path).toEqual([]);
      const scripts = page.elements.filter((element) => element.tag === 'script');
      expect(scripts.every((script) => script.attributes.type === 'application/ld+json'), article.path).toBe(true);
    }
  });
});

describe('wirefeed check', () => {
  // Vite puts BASE_URL=/ into the test process's environment; the command must not inherit it.
  const env = { ...process.env };
  delete env.BASE_URL;
  const run = (args: string[]) => {
    try {
      return { status: 0, stdout: execFileSync(process.execPath, ['--import', 'tsx', 'src/node.ts', 'check', '--content', folder, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      return { status: failed.status, stdout: failed.stdout };
    }
  };

  it('prints each problem with path, line, field and reason, and exits 1', () => {
    const { status, stdout } = run([]);
    expect(status).toBe(1);
    expect(stdout).toContain('date-unparseable.md:7: error: date: cannot read "next tuesday" as a date');
    expect(stdout).toContain('front-matter-js.md:1: error: front matter in "js" is not accepted');
    expect(stdout).toContain('date-future.md: scheduled: held back from every feed and page until 2099-01-01T07:00:00+07:00 (/articles/date-future)\n');
    expect(stdout).toMatch(/wirefeed check: 49 files, \d+ articles \(1 scheduled\), 0 drafts, 15 errors, \d+ warnings: 15 files cannot be served\n$/);
  });

  it('reports as JSON for CI', () => {
    const { status, stdout } = run(['--json']);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as { errors: number; problems: { path: string; field?: string; line?: number }[] };
    expect(report.errors).toBe(15);
    expect(report.problems).toContainEqual(expect.objectContaining({ path: 'date-missing.md', field: 'date', severity: 'error', message: 'is missing' }));
  });

  it('exits 0 on the bundled sample content', () => {
    const result = execFileSync(process.execPath, ['--import', 'tsx', 'src/node.ts', 'check'], { encoding: 'utf8', env });
    expect(result).toMatch(/wirefeed check: 17 files, 17 articles, 0 drafts, 0 errors, 0 warnings: every file can be served/);
  });
});
