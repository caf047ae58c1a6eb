import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatProblem, type Article } from '../../src/articles/article.ts';
import { assembleArticles, mapCodesInSlices, updateArticles } from '../../src/articles/load.ts';
import { createCatalog, type Catalog } from '../../src/catalog/catalog.ts';
import { MOST_CHANGED_ARTICLES, updateCatalog } from '../../src/catalog/catalog-change.ts';
import { MOST_CHANGED_KEYS } from '../../src/changed-map.ts';
import { createContentStore, PAUSED_FROM_FILES, type IndexCache } from '../../src/catalog/content-store.ts';
import { ScopeLists } from '../../src/catalog/scope-lists.ts';
import { createFileIndexCache, indexFingerprint } from '../../src/node/index-cache.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import type { ContentSource } from '../../src/sources/source.ts';
import type { Site } from '../../src/site.ts';
import { articleText, testSite, validArticle } from '../support/fixtures.ts';

// Counted, to tell a collection assembled whole from one updated from the last (and what it was updated from).
vi.mock('../../src/articles/load.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/articles/load.ts')>();
  return { ...actual, assembleArticles: vi.fn(actual.assembleArticles), updateArticles: vi.fn(actual.updateArticles) };
});
// Comparisons counted, not recorded: the property test below sorts many times.
const counted = vi.hoisted(() => ({ comparisons: 0 }));
vi.mock('../../src/catalog/catalog.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/catalog/catalog.ts')>();
  const compareNewestFirst: typeof actual.compareNewestFirst = (a, b) => {
    counted.comparisons += 1;
    return actual.compareNewestFirst(a, b);
  };
  return { ...actual, compareNewestFirst, createCatalog: vi.fn(actual.createCatalog) };
});
vi.mock('../../src/catalog/catalog-change.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/catalog/catalog-change.ts')>();
  return { ...actual, updateCatalog: vi.fn(actual.updateCatalog) };
});

/** Everything a catalog holds, in a form to compare (scopes by key: their order in the Map means nothing). */
function describeCatalog(catalog: Catalog) {
  return {
    articles: catalog.articles.map(({ id, path }) => `${id} ${path}`),
    scopes: [...catalog.articlesByScope].map(([key, articles]) => `${key}: ${articles.map(({ id }) => id).join(' ')}`).sort(),
    languages: catalog.languages.map(({ slug, tag, name }) => `${slug} ${tag} ${name}`),
    categories: catalog.categories.map(({ slug, name }) => `${slug} ${name}`),
    problems: catalog.problems.map(formatProblem),
    bySlug: Object.fromEntries([...catalog.articles.map(({ slug }) => slug), 's1', 's2', 'nothing'].map((slug) => [slug, catalog.articleBySlug.get(slug)?.path])),
    latestUpdateFrom: [...catalog.latestUpdateFrom],
  };
}

const PATHS = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md', 'f.md'];

/** The index of `source` saved in `dir` as a first start saves it; gives a way to open it again, as a restart does. */
async function indexSaved(dir: string, source: ContentSource, site: Site): Promise<() => IndexCache> {
  const cacheOf = () => createFileIndexCache({ file: join(dir, 'index.json'), fingerprint: indexFingerprint(site), settleMs: 0 });
  const first = cacheOf();
  await createContentStore(source, site, { cache: first }).current();
  await first.flush();
  return cacheOf;
}

/** An article file from a small pool of values, so that codes, slugs, dates and spellings meet. */
const file = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    code: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G'),
    slug: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
    date: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z', '2099-01-01T00:00:00Z'),
    updated: fc.option(fc.constantFrom('2024-04-01T00:00:00Z', '2024-05-01T00:00:00Z'), { nil: undefined }),
    category: fc.option(fc.constantFrom('WORLD', 'World', 'Sports', 'Tech'), { nil: undefined }),
    language: fc.constantFrom('en', 'th', 'pt-BR'),
    draft: fc.boolean().map((draft) => draft && Math.random() < 0.3),
  }).map(({ code, slug, date, updated, category, language, draft }) =>
    articleText({
      code: `"${code}"`,
      title: `"Title ${code}"`,
      description: '"A summary."',
      date,
      language: `"${language}"`,
      ...(slug ? { slug: `"${slug}"` } : {}),
      ...(updated ? { updated } : {}),
      ...(category ? { category: `"${category}"` } : {}),
      ...(draft ? { draft: 'true' } : {}),
    }),
  ) },
  { weight: 1, arbitrary: fc.constant('---\ntitle: [\n---\n') },
);
/** A change: files written or removed, applied together. */
const change = fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.option(file, { nil: null })), { minLength: 1, maxLength: 3 });

describe('a catalog made from the one before a change', () => {
  it('is always the catalog made whole from the same entries (and from reading every file again), and is made so for many changes', async () => {
    let updated = 0;
    let changes = 0;
    const sites = [testSite(), testSite({ categories: { world: { name: 'World News' } }, languages: { th: { name: 'ไทย' } } })];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...PATHS), file, { maxKeys: 6 }), fc.array(change, { minLength: 1, maxLength: 8 }), fc.constantFrom(0, 1), async (initial, steps, siteIndex) => {
        const site = sites[siteIndex]!;
        const source = createMemorySource(initial);
        const store = createContentStore(source, site);
        // The same changes, each catalog made whole (a file broken after a good version keeps that version, so the history matters).
        const whole = createContentStore(source, site, { wholeCatalogs: true });
        await whole.current();
        let before = (await store.current()).catalog;
        for (const step of steps) {
          for (const [path, text] of step) {
            if (text === null) source.remove(path);
            else source.write(path, text);
          }
          const after = (await store.update(step.map(([path]) => path))).catalog;
          const expected = (await whole.update(step.map(([path]) => path))).catalog;
          if (after !== before) {
            changes += 1;
            // Made from the one before: it shares its languages; made whole, it has its own.
            if (after.languages === before.languages) updated += 1;
          }
          expect(describeCatalog(after)).toEqual(describeCatalog(expected));
          // Unless a broken file is served at its last good version, that is also what reading every file gives.
          if (!after.problems.some(({ message }) => message.includes('last good version'))) {
            expect(describeCatalog(after)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
          }
          before = after;
        }
      }),
      { numRuns: 300 },
    );
    // Most changes touch no other file's article, no new language or category and no spelling.
    expect(updated).toBeGreaterThan(changes / 3);
  }, 60_000);

  it(`is made whole instead once more than ${MOST_CHANGED_ARTICLES} articles go out and come in (a bulk edit), the same catalog either way`, async () => {
    const site = testSite();
    const count = MOST_CHANGED_ARTICLES;
    const name = (index: number) => `${String(index).padStart(4, '0')}.md`;
    const text = (index: number, title: string) => validArticle({ code: `"C${index}"`, title: `"${title}"`, date: `2024-01-01T00:${String(index % 60).padStart(2, '0')}:00Z` });
    const source = createMemorySource(Object.fromEntries(Array.from({ length: count }, (_, index) => [name(index), text(index, `First ${index}`)])));
    const store = createContentStore(source, site);
    const before = (await store.current()).catalog;
    // Half the limit of files, each an article out and one in: made from the one before.
    const half = Array.from({ length: count / 2 }, (_, index) => name(index));
    half.forEach((path, index) => source.write(path, text(index, `Second ${index}`)));
    const updated = (await store.update(half)).catalog;
    expect(updated.languages).toBe(before.languages);
    expect(describeCatalog(updated)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
    // One file more than that: made whole.
    const more = Array.from({ length: count / 2 + 1 }, (_, index) => name(index));
    more.forEach((path, index) => source.write(path, text(index, `Third ${index}`)));
    const whole = (await store.update(more)).catalog;
    expect(whole.languages).not.toBe(updated.languages);
    expect(describeCatalog(whole)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
  });

  it(`lets requests through between its steps and after them when made for ${PAUSED_FROM_FILES} files or more, and makes a change to fewer in one go`, async () => {
    const name = (index: number) => `${String(index).padStart(4, '0')}.md`;
    const text = (index: number, title: string) => validArticle({ code: `"C${index}"`, title: `"${title}"`, date: `2024-01-01T00:${String(index % 60).padStart(2, '0')}:00Z` });
    const source = createMemorySource(Object.fromEntries(Array.from({ length: PAUSED_FROM_FILES * 2 }, (_, index) => [name(index), text(index, 'First')])));
    // What others see in the turns they get once the change has read its last file, up to its snapshot coming out.
    const events: string[] = [];
    let left = 0;
    const counted: ContentSource = {
      ...source,
      readHead: async (path, bytes) => {
        left -= 1;
        if (left === 0) events.length = 0;
        return source.readHead(path, bytes);
      },
    };
    const store = createContentStore(counted, testSite(), { onLoad: () => events.push('out') });
    await store.current();
    const turnsOnceRead = async (files: number) => {
      const paths = Array.from({ length: files }, (_, index) => name(index * 2));
      paths.forEach((path, index) => source.write(path, text(index * 2, `Edited ${files}`)));
      left = files;
      const published = store.peek();
      const [articles, catalogs, assembled] = [updateArticles, updateCatalog, assembleArticles].map((step) => vi.mocked(step).mock.calls.length);
      const made = () =>
        vi.mocked(updateArticles).mock.calls.length === articles ? 'nothing made' : vi.mocked(updateCatalog).mock.calls.length === catalogs ? 'collection made' : 'catalog made';
      const ticks = setInterval(() => events.push(`turn: ${made()}, ${store.peek() === published ? 'the last snapshot' : 'another snapshot'}`), 0);
      const after = await store.update(paths);
      clearInterval(ticks);
      // Both made from the last ones, not whole.
      expect(vi.mocked(assembleArticles).mock.calls.length).toBe(assembled);
      expect(vi.mocked(updateCatalog).mock.results.at(-1)?.value).toBe(after.catalog);
      expect(after.catalog.articles.filter(({ title }) => title === `Edited ${files}`)).toHaveLength(files);
      return [...new Set(events.slice(0, events.indexOf('out') + 1))];
    };
    expect(await turnsOnceRead(PAUSED_FROM_FILES)).toEqual(['turn: collection made, the last snapshot', 'turn: catalog made, the last snapshot', 'out']);
    expect(await turnsOnceRead(PAUSED_FROM_FILES - 1)).toEqual(['out']);
  });

  it('made whole after a change, sorts the articles, lets requests through, and only then puts them into their scopes', async () => {
    const name = (index: number) => `${String(index).padStart(4, '0')}.md`;
    const text = (index: number, title: string) => validArticle({ code: `"C${index}"`, title: `"${title}"`, date: `2024-01-01T00:${String(index % 60).padStart(2, '0')}:00Z` });
    const source = createMemorySource(Object.fromEntries(Array.from({ length: 400 }, (_, index) => [name(index), text(index, 'First')])));
    const store = createContentStore(source, testSite(), { wholeCatalogs: true });
    await store.current();
    source.write(name(7), text(7, 'Edited'));
    const published = store.peek();
    const [compared, made] = [counted.comparisons, vi.mocked(createCatalog).mock.calls.length];
    const seen = new Set<string>();
    const ticks = setInterval(() => {
      const sorted = counted.comparisons > compared ? 'sorted' : 'not sorted';
      const catalog = vi.mocked(createCatalog).mock.calls.length > made ? 'catalog made' : 'no catalog';
      seen.add(`${sorted}, ${catalog}, ${store.peek() === published ? 'the last snapshot' : 'another snapshot'}`);
    }, 0);
    const after = await store.update([name(7)]);
    clearInterval(ticks);
    expect(seen).toContain('sorted, no catalog, the last snapshot');
    // The catalog was made of the sorted articles, as they are, and is the one published.
    expect(vi.mocked(createCatalog).mock.calls.at(-1)?.[0].newestFirst).toBe(true);
    expect(vi.mocked(createCatalog).mock.results.at(-1)?.value).toBe(after.catalog);
    expect(describeCatalog(after.catalog)).toEqual(describeCatalog((await createContentStore(source, testSite()).current()).catalog));
  });

  describe('after a restart over the persisted index', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is the catalog made from the one saved with the index, updated by the files changed while stopped: what a running server makes of the same change', async () => {
      const site = testSite();
      let updated = 0;
      let changed = 0;
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom(...PATHS), file, { minKeys: 1, maxKeys: 6 }), change, async (initial, step) => {
          dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
          try {
            const source = createMemorySource(initial);
            const cacheOf = await indexSaved(dir, source, site);
            // A server that stays up through the change, its catalogs made whole.
            const running = createContentStore(source, site, { wholeCatalogs: true });
            const before = await running.current();
            for (const [path, text] of step) {
              if (text === null) source.remove(path);
              else source.write(path, text);
            }
            const after = await running.update(step.map(([path]) => path));
            const expected = after.catalog;
            const assembled = vi.mocked(assembleArticles).mock.calls.length;
            const restarted = (await createContentStore(source, site, { cache: cacheOf() }).current()).catalog;
            if (after !== before) {
              changed += 1;
              if (vi.mocked(assembleArticles).mock.calls.length === assembled) updated += 1;
            }
            expect(describeCatalog(restarted)).toEqual(describeCatalog(expected));
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 150 },
      );
      // About a third of such restarts update the saved collection rather than assemble it whole
      // (the rest begin or end a clash, which reaches another file's article).
      expect(updated).toBeGreaterThan(changed / 6);
    }, 60_000);

    it('updates the collection saved with the index, clashes included, as assembling it whole would make it', async () => {
      dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
      const site = testSite();
      const source = createMemorySource({
        'a.md': validArticle({ code: '"A"', title: '"A"', date: '2024-01-03T00:00:00Z' }),
        'b.md': validArticle({ code: '"A"', title: '"Same code"', date: '2024-01-04T00:00:00Z' }),
        'c.md': validArticle({ code: '"C"', title: '"C"', date: '2024-01-05T00:00:00Z' }),
      });
      const cacheOf = await indexSaved(dir, source, site);
      const store = createContentStore(source, site, { cache: cacheOf() });
      await store.current();
      const assembled = vi.mocked(assembleArticles).mock.calls.length;
      source.write('i.md', validArticle({ code: '"I"', title: '"I"', date: '2024-01-09T00:00:00Z' }));
      const changed = (await store.update(['i.md'])).catalog;
      expect(vi.mocked(assembleArticles).mock.calls.length).toBe(assembled);
      expect(describeCatalog(changed)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
      // b.md was left out for a.md's code: a change to a.md reaches it, and the collection is assembled whole.
      source.remove('a.md');
      const unclashed = (await store.update(['a.md'])).catalog;
      expect(vi.mocked(assembleArticles).mock.calls.length).toBeGreaterThan(assembled);
      expect(describeCatalog(unclashed)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
    });

    it('maps the codes of the collection saved with the index between requests soon after the start, so that the first change need not', async () => {
      dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
      const site = testSite();
      const source = createMemorySource({
        'a.md': validArticle({ code: '"A"', title: '"A"', date: '2024-01-03T00:00:00Z' }),
        'c.md': validArticle({ code: '"C"', title: '"C"', date: '2024-01-05T00:00:00Z' }),
      });
      const cacheOf = await indexSaved(dir, source, site);
      const mapOfTheFirstChange = async (confirmListingAfterMs: number) => {
        const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs });
        await store.current();
        await new Promise((next) => setTimeout(next, 50));
        source.write('i.md', validArticle({ code: '"I"', title: '"I"', date: '2024-01-09T00:00:00Z' }));
        const changed = (await store.update(['i.md'])).catalog;
        source.remove('i.md');
        expect(describeCatalog(changed).articles).toEqual(['I i.md', 'C c.md', 'A a.md']);
        return vi.mocked(updateArticles).mock.calls.at(-1)?.[0].articleById;
      };
      // Mapped once the listing is confirmed (here at once), the first change finds the map made.
      expect([...((await mapOfTheFirstChange(0)) ?? [])].map(([code, article]) => `${code} ${article.path}`).sort()).toEqual(['A a.md', 'C c.md']);
      // Before it (a change within a second of the start), the change searches for its codes instead (see findById).
      expect(await mapOfTheFirstChange(60_000)).toBeUndefined();
      expect(vi.mocked(updateArticles).mock.results.at(-1)?.value?.findById).toBeTypeOf('function');
    });

    it('looks up the codes of a change to a few files with the collection\'s search when it has no map of them, and carries the search on; a larger change makes the map', () => {
      let codesRead = 0;
      const stored = (id: string) => ({ get id() { codesRead += 1; return id; }, slug: id.toLowerCase(), path: `${id}.md` }) as Article;
      const articles = ['A', 'B', 'C'].map(stored);
      const searched: string[] = [];
      const findById = (id: string) => (searched.push(id), articles.find((article) => article.path === `${id}.md`));
      const previous = { articles, articleBySlug: new Map(articles.map((article) => [article.slug, article])), findById, problems: [], drafts: 0, clashes: { winners: new Set<string>(), ids: new Set<string>(), slugs: new Set<string>() } };
      const entry = (article: Article) => ({ path: article.path, stamp: { size: 1, mtimeMs: 1 }, draft: false, problems: [], article });
      const added = { id: 'N', slug: 'n', path: 'N.md' } as Article;
      codesRead = 0;
      const after = updateArticles(previous, [{ path: 'N.md', after: entry(added) }])!;
      expect(searched).toEqual(['N']);
      // No map of every code was made: no code of the collection's articles was read.
      expect(codesRead).toBe(0);
      expect(after.articleById).toBeUndefined();
      expect(['N', 'A', 'Z'].map((id) => after.findById?.(id)?.path)).toEqual(['N.md', 'A.md', undefined]);
      // A code held by another article: the change reaches across files (the collection is assembled whole).
      expect(updateArticles(previous, [{ path: 'X.md', after: entry({ id: 'B', slug: 'x', path: 'X.md' } as Article) }])).toBeUndefined();
      // Carried on: B's file removed, then a new file with B's code.
      const removed = updateArticles(after, [{ path: 'B.md', before: entry(articles[1]!) }])!;
      expect(['B', 'N'].map((id) => removed.findById?.(id)?.path)).toEqual([undefined, 'N.md']);
      expect(updateArticles(removed, [{ path: 'X.md', after: entry({ id: 'B', slug: 'x', path: 'X.md' } as Article) }])?.findById?.('B')?.path).toBe('X.md');
      // More codes than a few: the map of every code is made, and searched no more.
      searched.length = 0;
      const many = Array.from({ length: 9 }, (_, index) => ({ id: `M${index}`, slug: `m${index}`, path: `M${index}.md` }) as Article);
      const bulk = updateArticles(previous, many.map((article) => ({ path: article.path, after: entry(article) })))!;
      expect(searched).toEqual([]);
      expect(bulk.articleById?.get('A')?.path).toBe('A.md');
      expect(bulk.articleById?.get('M8')?.path).toBe('M8.md');
    });

    it(`is assembled whole rather than updated once more than ${MOST_CHANGED_KEYS} articles go out and come in, or more files than that change`, () => {
      const made = (index: number) => ({ id: `C${index}`, slug: `s${index}`, path: `${String(index).padStart(5, '0')}.md` }) as Article;
      const entry = (article: Article) => ({ path: article.path, stamp: { size: 1, mtimeMs: 1 }, draft: false, problems: [], article });
      const articles = Array.from({ length: MOST_CHANGED_KEYS + 10 }, (_, index) => made(index));
      const previous = assembleArticles(articles.map(entry));
      // Each edit takes an article out and puts its new version in: two keys of the map of slugs.
      const edits = (count: number) => articles.slice(0, count).map((article) => ({ path: article.path, before: entry(article), after: entry({ ...article, title: 'Edited' } as Article) }));
      const updated = updateArticles(previous, edits(MOST_CHANGED_KEYS / 2));
      expect(updated?.articles.length).toBe(articles.length);
      expect(updated?.articleBySlug.get('s0')?.title).toBe('Edited');
      expect(updateArticles(previous, edits(MOST_CHANGED_KEYS / 2 + 1))).toBeUndefined();
      // Files changed, each with no article before or after it (broken, say): more of them than the keys.
      const broken = (count: number) => Array.from({ length: count }, (_, index) => ({ path: `x${index}.md`, after: { path: `x${index}.md`, stamp: { size: 1, mtimeMs: 1 }, draft: false, problems: [] } }));
      expect(updateArticles(previous, broken(MOST_CHANGED_KEYS))).toBeDefined();
      expect(updateArticles(previous, broken(MOST_CHANGED_KEYS + 1))).toBeUndefined();
    });

    it('maps codes a slice at a time, letting others run between slices, and stops when no longer wanted', async () => {
      const articles = ['A', 'B', 'C', 'D', 'E'].map((id) => ({ id, path: `${id}.md` }) as Article);
      let turns = 0;
      const between = async () => void (turns += 1);
      const map = await mapCodesInSlices(articles, between, () => false, 2);
      expect([...(map ?? [])].map(([code, article]) => `${code} ${article.path}`)).toEqual(['A A.md', 'B B.md', 'C C.md', 'D D.md', 'E E.md']);
      expect(turns).toBe(2);
      let wanted = 2;
      expect(await mapCodesInSlices(articles, between, () => (wanted -= 1) < 0, 2)).toBeUndefined();
    });

    it('leaves the lists a change does not touch to be made as the restart would have made them', async () => {
      dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
      const site = testSite();
      const source = createMemorySource({
        'a.md': validArticle({ code: '"A"', title: '"A"', date: '2024-01-03T00:00:00Z' }),
        'b.md': validArticle({ code: '"B"', title: '"B"', date: '2024-01-04T00:00:00Z', category: '"Sports"', language: '"th"' }),
        'c.md': validArticle({ code: '"C"', title: '"C"', date: '2024-01-05T00:00:00Z', category: '"Sports"' }),
      });
      const cacheOf = await indexSaved(dir, source, site);
      const store = createContentStore(source, site, { cache: cacheOf() });
      const restarted = (await store.current()).catalog;
      expect(restarted.articlesByScope).toBeInstanceOf(ScopeLists);
      // Older than a.md, in its scopes: the site's, English and World lists change; Thai and Sports ones do not.
      source.write('d.md', validArticle({ code: '"D"', title: '"D"', date: '2024-01-02T00:00:00Z' }));
      const changed = (await store.update(['d.md'])).catalog;
      expect(changed.languages).toBe(restarted.languages);
      expect(changed.articlesByScope).toBeInstanceOf(ScopeLists);
      expect(describeCatalog(changed)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
      // And a change after that one, to a list made as the restart made it.
      source.write('e.md', validArticle({ code: '"E"', title: '"E"', date: '2024-01-01T00:00:00Z', category: '"Sports"', language: '"th"' }));
      const again = (await store.update(['e.md'])).catalog;
      expect(again.languages).toBe(restarted.languages);
      expect(describeCatalog(again)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
    });
  });
});
