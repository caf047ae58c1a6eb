import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Article } from '../../src/articles/article.ts';
import { loadArticles } from '../../src/articles/load.ts';
import { createCatalog, latestUpdatesAfter, latestUpdatesOf } from '../../src/catalog/catalog.ts';
import { selectListedScopes, selectNextPublication, selectScope, selectScopesOf } from '../../src/catalog/query.ts';
import { createFsSource } from '../../src/sources/fs.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

async function catalogOf(files: Record<string, string>, site = testSite()) {
  return createCatalog(await loadArticles(createMemorySource(files), site), site);
}

describe('loadArticles', () => {
  it('serves the good files when one is broken, and names the broken one', async () => {
    const loaded = await loadArticles(
      createMemorySource({
        'a.md': validArticle({ code: '"A"' }),
        'b.md': '---\ntitle: [broken\n---\n',
        'c.md': validArticle({ code: '"C"' }),
      }),
      testSite(),
    );
    expect(loaded.articles.map((article) => article.path)).toEqual(['a.md', 'c.md']);
    expect(loaded.problems).toMatchObject([{ path: 'b.md', severity: 'error' }]);
  });

  it('rejects the second file (in path order) that reuses a code', async () => {
    const loaded = await loadArticles(
      createMemorySource({ 'b.md': validArticle({ code: '"SAME"' }), 'a.md': validArticle({ code: '"SAME"' }) }),
      testSite(),
    );
    expect(loaded.articles.map((article) => article.path)).toEqual(['a.md']);
    expect(loaded.problems).toEqual([{ path: 'b.md', severity: 'error', field: 'code', message: '"SAME" is already the code of a.md' }]);
  });

  it('rejects a slug clash, naming both files', async () => {
    const loaded = await loadArticles(
      createMemorySource({ 'x/story.md': validArticle({ code: '"1"' }), 'y/story.md': validArticle({ code: '"2"' }) }),
      testSite(),
    );
    expect(loaded.problems).toEqual([{ path: 'y/story.md', severity: 'error', field: 'slug', message: '"story" is already the slug of x/story.md' }]);
  });

  it('leaves drafts out and counts them', async () => {
    const loaded = await loadArticles(createMemorySource({ 'a.md': validArticle({ draft: 'true' }) }), testSite());
    expect(loaded.articles).toEqual([]);
    expect(loaded.drafts).toBe(1);
  });

  it('reports a file that cannot be read and goes on', async () => {
    const source = createMemorySource({ 'a.md': validArticle({ code: '"A"' }), 'b.md': validArticle({ code: '"B"' }) });
    const fail = (path: string) => path === 'b.md';
    const failing = {
      ...source,
      read: async (path: string) => (fail(path) ? Promise.reject(new Error('EIO')) : source.read(path)),
      readHead: async (path: string, bytes: number) => (fail(path) ? Promise.reject(new Error('EIO')) : source.readHead(path, bytes)),
    };
    const loaded = await loadArticles(failing, testSite());
    expect(loaded.articles).toHaveLength(1);
    expect(loaded.problems).toEqual([{ path: 'b.md', severity: 'error', message: 'cannot be read: EIO' }]);
  });
});

describe('createFsSource', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists .md, .markdown and .txt files in nested folders, sorted, and nothing else', async () => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-'));
    for (const path of ['2024/11/b.md', '2024/a.markdown', 'c.txt', 'notes.json', 'image.jpg', '.hidden.md', '2024/11/deep/d.MD']) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), validArticle());
    }
    const source = createFsSource(root);
    const paths = await source.list();
    expect(paths).toEqual(['2024/11/b.md', '2024/11/deep/d.MD', '2024/a.markdown', 'c.txt']);
    await expect(source.read('2024/a.markdown')).resolves.toContain('A title');
  });

  it.each(['../outside.md', 'a/../../outside.md', '/etc/passwd.md', 'a\\..\\b.md', 'notes.json', './a.md', 'a//b.md', 'a\u0000.md'])(
    'refuses to touch %j, which is not a content file inside the folder',
    async (path) => {
      root = mkdtempSync(join(tmpdir(), 'wirefeed-'));
      writeFileSync(join(root, 'a.md'), validArticle());
      const source = createFsSource(root);
      await expect(source.read(path)).rejects.toThrow('not a content file path');
      await expect(source.readHead(path, 10)).rejects.toThrow('not a content file path');
      await expect(source.stat(path)).rejects.toThrow('not a content file path');
    },
  );

  it('reads the start of a file whole lines at a time, with its size and time', async () => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-'));
    writeFileSync(join(root, 'a.md'), 'line one\nline two ไทย\nline three\n');
    const source = createFsSource(root);
    const head = await source.readHead('a.md', 20);
    expect(head).toMatchObject({ text: 'line one\n', complete: false, stamp: { size: 39 } });
    expect(await source.readHead('a.md', 4096)).toMatchObject({ text: 'line one\nline two ไทย\nline three\n', complete: true });
    expect(await source.stat('a.md')).toEqual(head.stamp);
    expect(await source.stat('gone.md')).toBeUndefined();
  });
});

describe('catalog', () => {
  const files = {
    'old.md': validArticle({ code: '"OLD"', date: '2024-01-01T00:00:00Z', category: '"WORLD"', language: '"en"' }),
    'new.md': validArticle({ code: '"NEW"', date: '2024-06-01T00:00:00Z', category: '"world"', language: '"th"' }),
    'mid.md': validArticle({ code: '"MID"', date: '2024-03-01T00:00:00Z', category: '"Sports"', language: '"en"' }),
    'future.md': validArticle({ code: '"FUTURE"', date: '2030-01-01T00:00:00Z', category: '"WORLD"', language: '"en"' }),
  };
  const now = Date.UTC(2025, 0, 1);

  it('orders articles newest first', async () => {
    const catalog = await catalogOf(files);
    expect(catalog.articles.map((article) => article.id)).toEqual(['FUTURE', 'NEW', 'MID', 'OLD']);
  });

  it('knows, from each place newest first on, the latest update among the articles there', async () => {
    const catalog = await catalogOf({ ...files, 'mid.md': validArticle({ code: '"MID"', date: '2024-03-01T00:00:00Z', updated: '2024-12-01T00:00:00Z', category: '"Sports"', language: '"en"' }) });
    expect(catalog.articles.map((article) => article.id)).toEqual(['FUTURE', 'NEW', 'MID', 'OLD']);
    // Leaving out the scheduled article, the site's latest change is MID's update, not NEW's publication.
    expect([...catalog.latestUpdateFrom]).toEqual([Date.UTC(2030, 0, 1), Date.UTC(2024, 11, 1), Date.UTC(2024, 11, 1), Date.UTC(2024, 0, 1), 0]);
  });

  it('groups by language, by category (case-insensitively) and by both', async () => {
    const catalog = await catalogOf(files);
    const world = catalog.categoryBySlug.get('world')!;
    const en = catalog.languageBySlug.get('en')!;
    const ids = (scope: Parameters<typeof selectScope>[1]) => selectScope(catalog, scope, now).map((article) => article.id);
    expect(ids({ category: world })).toEqual(['NEW', 'OLD']);
    expect(ids({ language: en })).toEqual(['MID', 'OLD']);
    expect(ids({ language: en, category: world })).toEqual(['OLD']);
  });

  it('spells a category name as its newest article does, unless the configuration names it', async () => {
    expect((await catalogOf(files)).categoryBySlug.get('world')?.name).toBe('WORLD');
    const site = testSite({ categories: { world: { name: 'World' } } });
    expect((await catalogOf(files, site)).categoryBySlug.get('world')?.name).toBe('World');
    // Not the first file's: the newest article's, as a restart (and the Worker) would show it.
    const { 'future.md': _future, ...published } = files;
    const oldest = { 'a.md': validArticle({ code: '"OLDEST"', date: '2023-01-01T00:00:00Z', category: '"WoRlD"' }) };
    expect((await catalogOf({ ...oldest, ...published })).categoryBySlug.get('world')?.name).toBe('world');
  });

  it('is the same catalog whatever order its articles come in', async () => {
    const site = testSite();
    const spelledThrice = { ...files, 'a.md': validArticle({ code: '"OLDEST"', date: '2023-01-01T00:00:00Z', category: '"WoRlD"' }) };
    const loaded = await loadArticles(createMemorySource(spelledThrice), site);
    const describe = (input: typeof loaded) => {
      const catalog = createCatalog(input, site);
      return { articles: catalog.articles.map(({ id }) => id), categories: catalog.categories, languages: catalog.languages, scopes: [...catalog.articlesByScope.keys()].sort() };
    };
    expect(describe({ ...loaded, articles: [...loaded.articles].reverse() })).toEqual(describe(loaded));
  });

  it('names languages as configured, else in their own language', async () => {
    const site = testSite({ languages: { en: { name: 'English (UK)' } } });
    const catalog = await catalogOf(files, site);
    expect(catalog.languageBySlug.get('en')?.name).toBe('English (UK)');
    expect(catalog.languageBySlug.get('th')?.name).toBe('ไทย');
  });

  it('looks a language name up when it is first shown, not while the catalog is made', async () => {
    const loaded = await loadArticles(createMemorySource(files), testSite());
    const { DisplayNames } = Intl;
    const intl = Intl as { DisplayNames: typeof DisplayNames };
    let lookups = 0;
    intl.DisplayNames = class extends DisplayNames {
      constructor(...args: ConstructorParameters<typeof DisplayNames>) {
        super(...args);
        lookups += 1;
      }
    };
    try {
      const catalog = createCatalog(loaded, testSite());
      expect(lookups).toBe(0);
      const thai = catalog.languageBySlug.get('th');
      expect([thai?.name, thai?.name]).toEqual(['ไทย', 'ไทย']);
      expect(lookups).toBe(1);
    } finally {
      intl.DisplayNames = DisplayNames;
    }
  });

  it('holds back a scheduled article until its time, and tells when that is', async () => {
    const catalog = await catalogOf(files);
    expect(selectScope(catalog, {}, now).map((article) => article.id)).not.toContain('FUTURE');
    expect(selectScope(catalog, {}, Date.UTC(2030, 0, 1)).map((article) => article.id)).toContain('FUTURE');
    expect(selectNextPublication(catalog, now)).toBe(Date.UTC(2030, 0, 1));
    expect(selectNextPublication(catalog, Date.UTC(2031, 0, 1))).toBeUndefined();
  });

  it('lists the site, every language, every category and each pair that has articles', async () => {
    const catalog = await catalogOf(files);
    const keys = selectListedScopes(catalog).map((scope) => `${scope.language?.slug ?? '*'}/${scope.category?.slug ?? '*'}`);
    expect(keys).toEqual(['*/*', '*/sports', '*/world', 'en/*', 'en/sports', 'en/world', 'th/*', 'th/world']);
  });

  it('knows the scopes an article appears in', async () => {
    const catalog = await catalogOf(files);
    const article = catalog.articleBySlug.get('old');
    const scopes = selectScopesOf(catalog, article!);
    expect(scopes.map((scope) => `${scope.language?.slug ?? '*'}/${scope.category?.slug ?? '*'}`)).toEqual(['*/*', 'en/*', '*/world', 'en/world']);
  });
});

describe('latestUpdatesAfter', () => {
  it('gives what latestUpdatesOf gives, for any list made from another by taking articles out and putting others in anywhere', () => {
    const pool = Array.from({ length: 40 }, (_, index) => ({ id: `A${index}`, updated: Date.UTC(2024, 0, 1 + ((index * 7) % 31)) }) as Article);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 39 }), { maxLength: 30 }),
        fc.array(fc.record({ at: fc.nat(), out: fc.boolean(), take: fc.integer({ min: 0, max: 39 }) }), { maxLength: 6 }),
        (places, edits) => {
          const before = places.map((place) => pool[place]!);
          const after = [...before];
          for (const { at, out, take } of edits) {
            if (out && after.length > 0) after.splice(at % after.length, 1);
            else if (!after.includes(pool[take]!)) after.splice(at % (after.length + 1), 0, pool[take]!);
          }
          expect([...latestUpdatesAfter(after, before, latestUpdatesOf(before))]).toEqual([...latestUpdatesOf(after)]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('asks only the articles up to the last place that differs', () => {
    const asked: string[] = [];
    const article = (id: string, day: number) => ({ id, get updated() { asked.push(id); return Date.UTC(2024, 0, day); } }) as Article;
    const before = [article('B', 5), article('C', 9), article('D', 2), article('E', 3)];
    const latestBefore = latestUpdatesOf(before);
    asked.length = 0;
    const after = [article('A', 6), ...before];
    const latest = [...latestUpdatesAfter(after, before, latestBefore)];
    expect(asked).toEqual(['A']);
    expect(latest).toEqual([...latestUpdatesOf(after)]);
  });
});
