import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeFilesInError, filesInError, formatProblem, type Article } from '../../src/articles/article.ts';
import { articleFromText, assembleArticles, INDEX_MANY_FROM, indexFile, indexSource, type IndexEntry } from '../../src/articles/load.ts';
import { createCatalog, type Catalog } from '../../src/catalog/catalog.ts';
import { createContentStore, type IndexCache } from '../../src/catalog/content-store.ts';
import { ScopeLists } from '../../src/catalog/scope-lists.ts';
import { createFileIndexCache, indexFingerprint, rereadArticle } from '../../src/node/index-cache.ts';
import { createEntriesWriter, readEntries, writeEntries } from '../../src/node/stored-entry.ts';
import { createFsSource } from '../../src/sources/fs.ts';
import { createMemorySource, type MemorySource } from '../../src/sources/memory.ts';
import type { ContentSource } from '../../src/sources/source.ts';
import { entryFields, leaveHalfWrittenFiles, testSite, validArticle } from '../support/fixtures.ts';

/** A memory source that counts how often each file is read. */
function countingSource(files: Record<string, string>) {
  const source = createMemorySource(files);
  const reads: string[] = [];
  const counted: MemorySource = {
    ...source,
    read: async (path) => {
      reads.push(`read:${path}`);
      return source.read(path);
    },
    readHead: async (path, bytes) => {
      reads.push(`head:${path}`);
      return source.readHead(path, bytes);
    },
  };
  return { source: counted, reads };
}

/** The HTML of the article `slug` in the store's current snapshot. */
async function htmlOf(store: ReturnType<typeof createContentStore>, slug: string): Promise<string> {
  const snapshot = await store.current();
  const article = snapshot.catalog.articleBySlug.get(slug)!;
  return (await snapshot.loadContent([article])).html(article);
}

const FILES = {
  'a.md': validArticle({ code: '"A"', title: '"First"', date: '2024-01-01T00:00:00Z' }, 'Body *A*.'),
  'b.md': validArticle({ code: '"B"', title: '"Second"', date: '2024-01-02T00:00:00Z' }, 'Body B.'),
};

describe('content store', () => {
  it('indexes from the start of each file and reads a body only when its content is asked for', async () => {
    const { source, reads } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    const snapshot = await store.current();
    expect(reads).toEqual(['head:a.md', 'head:b.md']);
    const article = snapshot.catalog.articleBySlug.get('a')!;
    expect((await snapshot.loadContent([article])).html(article)).toBe('<p>Body <em>A</em>.</p>\n');
    await snapshot.loadContent([article]);
    expect(reads).toEqual(['head:a.md', 'head:b.md', 'read:a.md']);
  });

  it('re-reads only the files named in an update, and swaps in a new snapshot', async () => {
    const { source, reads } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    const before = await store.current();
    source.write('a.md', FILES['a.md'].replace('"First"', '"First, edited"'));
    const after = await store.update(['a.md', 'b.md']);
    expect(reads.slice(2)).toEqual(['head:a.md']);
    expect(after.version).toBe(before.version + 1);
    expect(after.catalog.articleBySlug.get('a')?.title).toBe('First, edited');
    expect(before.catalog.articleBySlug.get('a')?.title).toBe('First');
    // the edit shows in the content too: rendered HTML is keyed by file version
    source.write('b.md', FILES['b.md'].replace('Body B.', 'Body B, edited.'));
    const latest = await store.update(['b.md']);
    const b = latest.catalog.articleBySlug.get('b')!;
    expect((await latest.loadContent([b])).html(b)).toBe('<p>Body B, edited.</p>\n');
  });

  it('takes the files reported while a change waits for its turn into that change: one snapshot, each file read once', async () => {
    const dates = { 'a.md': '2024-01-01', 'b.md': '2024-01-02', 'c.md': '2024-01-03' };
    const text = (path: keyof typeof dates, title: string) => validArticle({ code: `"${path[0]}"`, title: `"${title}"`, date: `${dates[path]}T00:00:00Z` });
    const { source, reads } = countingSource({ 'a.md': text('a.md', 'A'), 'b.md': text('b.md', 'B'), 'c.md': text('c.md', 'C') });
    const store = createContentStore(source, testSite());
    const before = await store.current();
    for (const path of ['a.md', 'b.md', 'c.md'] as const) source.write(path, text(path, 'Edited'));
    // As a watcher reports a bulk change: a batch of names after another.
    const made = await Promise.all([store.update(['a.md']), store.update(['b.md', 'a.md']), store.update(['c.md'])]);
    expect(made.map(({ version }) => version)).toEqual([before.version + 1, before.version + 1, before.version + 1]);
    expect(made[0]!.catalog.articles.map(({ title }) => title)).toEqual(['Edited', 'Edited', 'Edited']);
    expect(reads.slice(3).toSorted()).toEqual(['head:a.md', 'head:b.md', 'head:c.md']);
  });

  it('lets requests that came during a change through before the next change begins', async () => {
    const { source } = countingSource(FILES);
    const order: string[] = [];
    let store: ReturnType<typeof createContentStore> | undefined;
    let reported = true;
    const watched: ContentSource = {
      ...source,
      readHead: async (path, bytes) => {
        order.push(`read ${path}`);
        // b.md is reported while a.md's change is under way: a change of its own, after it.
        if (path === 'a.md' && !reported) {
          reported = true;
          void store!.update(['b.md']);
        }
        return source.readHead(path, bytes);
      },
    };
    store = createContentStore(watched, testSite(), {
      // A request arriving as a.md's snapshot comes out.
      onLoad: ({ version }) => version === 2 && void setTimeout(() => order.push('request'), 0),
    });
    await store.current();
    order.length = 0;
    reported = false;
    source.write('a.md', FILES['a.md'].replace('"First"', '"First, edited"'));
    source.write('b.md', FILES['b.md'].replace('"Second"', '"Second, edited"'));
    await store.update(['a.md']);
    const last = await store.update([]);
    expect(order).toEqual(['read a.md', 'request', 'read b.md']);
    expect(last.catalog.articles.map(({ title }) => title)).toEqual(['Second, edited', 'First, edited']);
  });

  it('lets others run after a change makes the collection and after it makes the catalog whole, with the last snapshot (and its stamps) until the new one is out whole', async () => {
    const { source } = countingSource(FILES);
    // Made whole, as a bulk change makes them.
    const store = createContentStore(source, testSite(), { wholeCatalogs: true });
    const before = await store.current();
    const stampBefore = store.stampOf('a.md');
    source.write('a.md', FILES['a.md'].replace('"First"', '"First, edited"'));
    // What a request would see, each time it gets a turn while the change is made.
    const seen: string[] = [];
    const look = () => {
      const { version, catalog } = store.peek()!;
      seen.push(`${version} ${catalog.articleBySlug.get('a')?.title} ${store.stampOf('a.md') === stampBefore ? 'old stamp' : 'new stamp'}`);
    };
    const ticks = setInterval(look, 0);
    const after = await store.update(['a.md']);
    clearInterval(ticks);
    // Turns came between the steps (reading one file alone gives none), each seeing only the snapshot before.
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([`${before.version} First old stamp`]));
    expect(after.catalog.articleBySlug.get('a')?.title).toBe('First, edited');
    expect(store.peek()).toBe(after);
  });

  it('adds and removes articles as files come and go', async () => {
    const { source } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    await store.current();
    source.write('c.md', validArticle({ code: '"C"', date: '2024-01-03T00:00:00Z' }));
    source.remove('a.md');
    const snapshot = await store.update(['c.md', 'a.md']);
    expect(snapshot.catalog.articles.map((article) => article.id)).toEqual(['C', 'B']);
  });

  it('applies a bulk change - files added between others, changed and removed, some broken - as reading every file gives it, its entries in path order', async () => {
    const name = (index: number) => `${String(index).padStart(4, '0')}.md`;
    const text = (index: number, title: string) => validArticle({ code: `"C${index}"`, title: `"${title}"`, date: `2024-01-01T00:${String(index % 60).padStart(2, '0')}:00Z` });
    // Even names at the start; the change adds the odd ones between them, edits every third and removes every fifth.
    const source = createMemorySource(Object.fromEntries(Array.from({ length: 300 }, (_, index) => [name(index * 2), text(index * 2, `First ${index * 2}`)])));
    const saved: (readonly IndexEntry[])[] = [];
    const cache: IndexCache = { load: async () => undefined, save: async (entries) => void saved.push(entries), flush: async () => undefined };
    const store = createContentStore(source, testSite(), { cache });
    await store.current();
    const touched: string[] = [];
    for (let index = 0; index < 600; index += 1) {
      const path = name(index);
      if (index % 2 === 1) source.write(path, index % 7 === 0 ? '---\ntitle: [\n---\n' : text(index, `Added ${index}`));
      else if (index % 5 === 0) source.remove(path);
      else if (index % 3 === 0) source.write(path, text(index, `Edited ${index}`));
      else continue;
      touched.push(path);
    }
    const changed = await store.update(touched.reverse());
    const fresh = await createContentStore(source, testSite()).current();
    const titles = (catalog: Catalog) => catalog.articles.map(({ id, title }) => `${id} ${title}`);
    expect(titles(changed.catalog)).toEqual(titles(fresh.catalog));
    expect(changed.catalog.problems.map(formatProblem)).toEqual(fresh.catalog.problems.map(formatProblem));
    expect(changed.catalog.problems.length).toBeGreaterThan(0);
    const paths = saved.at(-1)!.map(({ path }) => path);
    expect(paths).toEqual((await source.list()).toSorted());
  });

  it('lets timers and requests through while a change reads many files, not only once it is done', async () => {
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`${String(index).padStart(2, '0')}.md`, validArticle({ code: `"C${index}"`, date: '2024-01-01T00:00:00Z' })]));
    const source = createMemorySource(files);
    // Each head takes a millisecond of this thread, as reading a file does: 60 ms in all.
    // The timer is set once the change reads its first file (a change lets others through before it starts, too).
    let ticked = false;
    let changing = false;
    const slow: ContentSource = {
      ...source,
      readHead: async (path, bytes) => {
        if (changing && path === '00.md') setTimeout(() => (ticked = true), 0);
        const until = performance.now() + 1;
        while (performance.now() < until);
        return source.readHead(path, bytes);
      },
    };
    const store = createContentStore(slow, testSite());
    await store.current();
    for (const path of Object.keys(files)) source.write(path, files[path]!.replace('"A title"', '"Edited"'));
    changing = true;
    const tickedBeforeDone = await store.update(Object.keys(files)).then(() => ticked);
    expect(tickedBeforeDone).toBe(true);
    expect((await store.current()).catalog.articles.every(({ title }) => title === 'Edited')).toBe(true);
  });

  it('lets timers through while it checks many files that turn out unchanged, as a first check of a polled folder names', async () => {
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`${String(index).padStart(2, '0')}.md`, validArticle({ code: `"C${index}"`, date: '2024-01-01T00:00:00Z' })]));
    const source = createMemorySource(files);
    // Each stat takes a millisecond of this thread: 60 ms in all, and no file is read.
    let ticked = false;
    let changing = false;
    const slow: ContentSource = {
      ...source,
      stat: async (path) => {
        if (changing && path === '00.md') setTimeout(() => (ticked = true), 0);
        const until = performance.now() + 1;
        while (performance.now() < until);
        return source.stat(path);
      },
    };
    const store = createContentStore(slow, testSite());
    const before = await store.current();
    changing = true;
    const after = await store.update(Object.keys(files));
    expect(ticked).toBe(true);
    expect(after).toBe(before);
  });

  it('keeps the last good version of a file that turns invalid, and says so', async () => {
    const { source } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    await store.current();
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
    const broken = await store.update(['a.md']);
    expect(broken.catalog.articleBySlug.get('a')?.title).toBe('First');
    expect(broken.catalog.problems.map((problem) => problem.message)).toEqual([
      'front matter is not closed by a "---" line',
      'the last good version of this file is served until it is valid again',
    ]);
    // Told as served, not skipped.
    expect(describeFilesInError(filesInError(broken.catalog.problems))).toBe('1 file served in its last good version');
    source.write('a.md', FILES['a.md'].replace('"First"', '"Fixed"'));
    const fixed = await store.update(['a.md']);
    expect(fixed.catalog.articleBySlug.get('a')?.title).toBe('Fixed');
    expect(fixed.catalog.problems).toEqual([]);
  });

  it('shows the last good version\'s HTML while it holds it, and the description once it does not', async () => {
    const good = '<p>Body <em>A</em>.</p>\n';
    const { source } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    expect(await htmlOf(store, 'a')).toBe(good);
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
    await store.update(['a.md']);
    expect(await htmlOf(store, 'a')).toBe(good);
    // Broken again: still that version.
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-written, some mo');
    await store.update(['a.md']);
    expect(await htmlOf(store, 'a')).toBe(good);

    // A store whose cache no longer holds it cannot show it (the file no longer has it): the description stands in.
    const other = createMemorySource(FILES);
    const small = createContentStore(other, testSite(), { contentCacheSize: 1 });
    expect(await htmlOf(small, 'a')).toBe(good);
    await htmlOf(small, 'b');
    other.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
    await small.update(['a.md']);
    expect(await htmlOf(small, 'a')).toBe('<p>A summary.</p>\n');
  });

  it('keeps the last good version\'s HTML through evictions while the file stays broken, and the next good version\'s once that breaks', async () => {
    const others = ['c', 'd', 'e'].map((name) => [`${name}.md`, validArticle({ code: `"${name.toUpperCase()}"`, date: '2024-01-03T00:00:00Z' }, 'A longer body. '.repeat(4))]);
    const { source, reads } = countingSource({ 'a.md': FILES['a.md'], ...Object.fromEntries(others) });
    const handed: string[][] = [];
    const keeper = { load: async () => undefined, keep: async (pairs: readonly (readonly [string, string])[]) => void handed.push(pairs.map(([, html]) => html)) };
    // Room for a's HTML and one other's (a quarter of it for a's alone): each other article evicts the one before.
    const store = createContentStore(source, testSite(), { contentCacheSize: 400, keeper });
    const showOthers = async () => {
      for (const slug of ['c', 'd', 'e']) await htmlOf(store, slug);
    };
    const first = '<p>Body <em>A</em>.</p>\n';
    expect(await htmlOf(store, 'a')).toBe(first);
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
    await store.update(['a.md']);
    await showOthers();
    reads.length = 0;
    expect(await htmlOf(store, 'a')).toBe(first);
    // Not read from the broken file: held.
    expect(reads).toEqual([]);
    // Good again, then broken again: the new good version is the one held, and the first let go.
    source.write('a.md', FILES['a.md'].replace('Body *A*.', 'Body *A*, fixed.'));
    await store.update(['a.md']);
    const fixed = '<p>Body <em>A</em>, fixed.</p>\n';
    expect(await htmlOf(store, 'a')).toBe(fixed);
    await showOthers();
    await store.keepContent();
    expect(handed.at(-1)).not.toContain(first);
    expect(await htmlOf(store, 'a')).toBe(fixed);
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-written again');
    await store.update(['a.md']);
    await showOthers();
    expect(await htmlOf(store, 'a')).toBe(fixed);
    // Handed to the next run first, though e's is the most recent.
    await showOthers();
    await store.keepContent();
    expect(handed.at(-1)?.[0]).toBe(fixed);
    // Removed, it is let go.
    source.remove('a.md');
    await store.update(['a.md']);
    await showOthers();
    await store.keepContent();
    expect(handed.at(-1)).not.toContain(fixed);
  });

  it('counts the files in error once each, telling those skipped from those served in their last good version', async () => {
    const { source } = countingSource({
      ...FILES,
      'c.md': validArticle({ code: '"C"', date: '"soon"', language: '42' }),
      'd.md': validArticle({ code: '"A"' }),
      'e.md': validArticle({ code: '"E"' }),
    });
    const store = createContentStore(source, testSite());
    await store.current();
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
    source.write('e.md', '---\ncode: "E"\ntitle: [');
    const { problems } = (await store.update(['a.md', 'e.md'])).catalog;
    // c.md has two errors, d.md one (a.md's code), a.md and e.md are kept.
    expect(problems.filter(({ path, severity }) => path === 'c.md' && severity === 'error').length).toBeGreaterThan(1);
    expect(filesInError(problems)).toEqual({ skipped: 2, kept: 2 });
    expect(describeFilesInError(filesInError(problems))).toBe('2 files skipped, 2 files served in their last good version');
    expect(describeFilesInError({ skipped: 1, kept: 0 })).toBe('1 file skipped');
    expect(describeFilesInError({ skipped: 0, kept: 0 })).toBe('');
  });

  it('keeps the last good version through a full rescan too', async () => {
    const { source } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    await store.current();
    source.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
    const rescanned = await store.reload();
    expect(rescanned.catalog.articleBySlug.get('a')?.title).toBe('First');
  });

  it('ignores paths that are not content files', async () => {
    const { source, reads } = countingSource(FILES);
    const store = createContentStore(source, testSite());
    const before = await store.current();
    const after = await store.update(['../etc/passwd', 'notes.json', '.a.md.swp']);
    expect(after).toBe(before);
    expect(reads).toEqual(['head:a.md', 'head:b.md']);
  });

  it('takes unchanged files from the previous index without reading them', async () => {
    const { source, reads } = countingSource(FILES);
    const saved: (readonly IndexEntry[])[] = [];
    const first = createContentStore(source, testSite(), { cache: { load: async () => undefined, save: async (entries) => void saved.push(entries), flush: async () => undefined } });
    await first.current();
    expect(saved).toHaveLength(1);
    source.write('b.md', FILES['b.md'].replace('"Second"', '"Second, edited while stopped"'));
    reads.length = 0;
    const cache: IndexCache = { load: async () => new Map(saved[0]!.map((entry) => [entry.path, entry])), save: async () => undefined, flush: async () => undefined };
    const second = createContentStore(source, testSite(), { cache });
    const snapshot = await second.current();
    expect(reads).toEqual(['head:b.md']);
    expect(snapshot.catalog.articleBySlug.get('b')?.title).toBe('Second, edited while stopped');
  });
});

describe('content store starting without an index', () => {
  /** An indexer that notes when it is told to get ready, and indexes one file at a time. */
  function preparingIndexer(source: ContentSource) {
    const calls: string[] = [];
    const indexMany = Object.assign(async (paths: readonly string[]) => {
      calls.push(`index ${paths.length}`);
      return Promise.all(paths.map((path) => indexFile(source, path, testSite())));
    }, { prepare: () => void calls.push('prepare'), release: () => void calls.push('release') });
    return { indexMany, calls };
  }

  it('gets the many-file indexer ready while it lists a folder long enough for it, and then uses it', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < INDEX_MANY_FROM; index += 1) files[`${index}.md`] = validArticle({ code: `"C${index}"`, title: `"Story ${index}"` });
    const source = createMemorySource(files);
    const { indexMany, calls } = preparingIndexer(source);
    const snapshot = await createContentStore(source, testSite(), { indexMany }).current();
    expect(snapshot.catalog.articles).toHaveLength(INDEX_MANY_FROM);
    expect(calls).toEqual(['prepare', `index ${INDEX_MANY_FROM}`]);
  });

  it('does not get it ready for a short folder, nor on a restart with an index', async () => {
    const source = createMemorySource(FILES);
    const { indexMany, calls } = preparingIndexer(source);
    await createContentStore(source, testSite(), { indexMany }).current();
    expect(calls).toEqual(['release']);
    calls.length = 0;
    const entries = await indexSource(source, testSite());
    const cache: IndexCache = { load: async () => new Map(entries.map((entry) => [entry.path, entry])), save: async () => undefined, flush: async () => undefined };
    await createContentStore(source, testSite(), { indexMany, cache }).current();
    expect(calls).not.toContain('prepare');
  });
});

describe('content store restarting over an untouched folder', () => {
  it('reads no file, keeps the previous entries and writes no index; a file gone while stopped is written out', async () => {
    const { source, reads } = countingSource(FILES);
    const saved: (readonly IndexEntry[])[] = [];
    const save = async (entries: readonly IndexEntry[]) => void saved.push(entries);
    const first = createContentStore(source, testSite(), { cache: { load: async () => undefined, save, flush: async () => undefined } });
    await first.current();
    expect(first.startReport()).toEqual({ fromIndex: false, read: 2, gone: 0 });
    expect(saved).toHaveLength(1);
    const previous = new Map(saved[0]!.map((entry) => [entry.path, entry]));
    const restart = async () => {
      const store = createContentStore(source, testSite(), { cache: { load: async () => previous, save, flush: async () => undefined } });
      return { ...(await store.current()), report: store.startReport() };
    };
    reads.length = 0;
    const { catalog, report } = await restart();
    expect(reads).toEqual([]);
    // What the server's start-up line then says: "from the index".
    expect(report).toEqual({ fromIndex: true, read: 0, gone: 0 });
    expect(saved).toHaveLength(1);
    expect(catalog.articles.map((found) => found.id).sort()).toEqual(['A', 'B']);
    source.remove('b.md');
    expect((await restart()).report).toEqual({ fromIndex: true, read: 0, gone: 1 });
    expect(reads).toEqual([]);
    expect(saved).toHaveLength(2);
    expect(saved[1]!.map((entry) => entry.path)).toEqual(['a.md']);
  });
});

describe('content store restarting over a changed folder', () => {
  const article = (code: string, day: number) => validArticle({ code: `"${code}"`, title: `"${code}"`, date: `2024-01-0${day}T00:00:00Z` });

  it.each([
    ['in path order', (entries: readonly IndexEntry[]) => entries],
    ['in any other order', (entries: readonly IndexEntry[]) => [...entries].reverse()],
  ])('reads only the files added or changed while stopped, with the previous entries %s', async (_, order) => {
    const { source, reads } = countingSource({ 'a.md': article('A', 1), 'b.md': article('B', 2), 'c.md': article('C', 3), 'd.md': article('D', 4) });
    const saved: (readonly IndexEntry[])[] = [];
    await createContentStore(source, testSite(), { cache: { load: async () => undefined, save: async (entries) => void saved.push(entries), flush: async () => undefined } }).current();
    // While stopped: one file added before the others in path order ('a.md' < 'a0.md' < 'b.md'), one removed, one changed.
    source.write('a0.md', article('A0', 5));
    source.remove('c.md');
    source.write('d.md', article('D', 6));
    reads.length = 0;
    const previous = new Map(order(saved[0]!).map((entry) => [entry.path, entry]));
    const cache: IndexCache = { load: async () => previous, save: async () => undefined, flush: async () => undefined };
    const store = createContentStore(source, testSite(), { cache });
    const { catalog } = await store.current();
    expect(reads).toEqual(['head:a0.md', 'head:d.md']);
    expect(store.startReport()).toEqual({ fromIndex: true, read: 2, gone: 1 });
    expect([...catalog.articles].map((found) => found.id).sort()).toEqual(['A', 'A0', 'B', 'D']);
    expect(catalog.articleBySlug.get('d')?.published).toBe(Date.UTC(2024, 0, 6));
  });
});

/** The parts of an index file, as stored-entry.ts lays them out, to damage one and put them together again. */
interface IndexParts {
  header: string;
  details: string;
  tables: Record<string, unknown>;
  numbers: Float64Array;
  text: Buffer;
  trailer: Record<string, unknown>;
}
/** Numbers per entry, and the columns the damage below touches. */
const COLUMNS = 14;
const [FLAGS, DETAILS_END, PATH_END, RANK, SLUG_RANK] = [2, 7, 8, 11, 12];

function partsOf(bytes: Buffer): IndexParts {
  const headerEnd = bytes.indexOf(0x0a);
  const trailerStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  const trailer = JSON.parse(bytes.toString('utf8', trailerStart, bytes.length - 1)) as { tables: number; numbers: number; text: number };
  const textStart = trailerStart - 1 - trailer.text;
  const numbersStart = textStart - trailer.numbers;
  const tablesStart = numbersStart - trailer.tables;
  return {
    header: bytes.toString('utf8', 0, headerEnd),
    details: bytes.toString('utf8', headerEnd + 1, tablesStart),
    tables: JSON.parse(bytes.toString('utf8', tablesStart, numbersStart - 1)) as Record<string, unknown>,
    numbers: new Float64Array(new Uint8Array(bytes.subarray(numbersStart, textStart)).buffer),
    text: bytes.subarray(textStart, trailerStart - 1),
    trailer,
  };
}

/** The parts put together, with their lengths and checksum made to match (as a careless edit might). */
function assemble(parts: IndexParts, trailer: Record<string, unknown> = {}): Buffer {
  const tables = Buffer.from(`${JSON.stringify(parts.tables)}\n`);
  const numbers = Buffer.from(parts.numbers.buffer, parts.numbers.byteOffset, parts.numbers.byteLength);
  const checked = Buffer.concat([tables, numbers, parts.text]);
  const body = Buffer.concat([Buffer.from(parts.details), checked]);
  const counts = { entries: parts.numbers.length / COLUMNS, tables: tables.length, numbers: numbers.length, text: parts.text.length, crc32: crc32(checked), ...trailer };
  return Buffer.concat([Buffer.from(`${parts.header}\n`), body, Buffer.from(`\n${JSON.stringify(counts)}\n`)]);
}

describe('the collection saved with the persisted index', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Clashing codes and slugs (the second file in path order loses), a draft, a broken file and
  // equal dates (ordered by id): everything assembling decides.
  const COLLECTION = {
    'a.md': validArticle({ code: '"A"', title: '"A"', date: '2024-01-03T00:00:00Z' }),
    'b.md': validArticle({ code: '"A"', title: '"Same code"', date: '2024-01-04T00:00:00Z' }),
    // The newest article spells its category as none before it does.
    'c.md': validArticle({ code: '"C"', title: '"C"', date: '2024-01-05T00:00:00Z', category: '"World"' }),
    'd.md': validArticle({ code: '"D"', title: '"Draft"', draft: 'true' }),
    'e.md': '---\ntitle: [\n---\n',
    // Changed after every other article was published.
    'f.md': validArticle({ code: '"F"', title: '"F"', date: '2024-01-03T00:00:00Z', updated: '2024-01-10T00:00:00Z' }),
    'g.md': validArticle({ code: '"E"', title: '"E"', date: '2024-01-03T00:00:00Z' }),
    'h.md': validArticle({ code: '"H"', title: '"Same slug"', slug: '"f"', date: '2024-01-06T00:00:00Z' }),
  };
  const describeCatalog = (catalog: Catalog) => ({
    articles: catalog.articles.map(({ id, path }) => `${id} ${path}`),
    problems: catalog.problems.map(formatProblem),
    bySlug: Object.fromEntries([...catalog.articles.map(({ slug }) => slug), 'b', 'nothing'].map((slug) => [slug, catalog.articleBySlug.get(slug)?.path])),
    scopes: [...catalog.articlesByScope].map(([scope, articles]) => `${scope}: ${articles.map(({ id }) => id).join(' ')}`),
    categories: catalog.categories.map(({ slug, name }) => `${slug} ${name}`),
    latestUpdateFrom: [...catalog.latestUpdateFrom].map((time) => new Date(time).toISOString()),
  });

  async function saved() {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const { source, reads } = countingSource(COLLECTION);
    const cacheOf = () => createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    const first = cacheOf();
    const { catalog } = await createContentStore(source, site, { cache: first }).current();
    await first.flush();
    reads.length = 0;
    return { file, site, source, reads, cacheOf, catalog };
  }

  it('comes back as assembling its entries made it: articles newest first, problems, drafts, and every slug', async () => {
    const { cacheOf, catalog } = await saved();
    const loaded = (await cacheOf().load())!;
    const assembled = assembleArticles([...loaded.values()]);
    const { collection } = loaded;
    expect(collection).toBeDefined();
    expect(collection!.articles.map(({ path }) => path)).toEqual(catalog.articles.map(({ path }) => path));
    expect(collection!.articles.map(({ path }) => path)).toEqual(['c.md', 'a.md', 'g.md', 'f.md']);
    expect(collection!.problems.map(formatProblem)).toEqual(assembled.problems.map(formatProblem));
    expect(collection!.problems.map(formatProblem).join('\n')).toContain('b.md: error: code: "A" is already the code of a.md');
    expect(collection!.problems.map(formatProblem).join('\n')).toContain('h.md: error: slug: "f" is already the slug of f.md');
    expect(collection!.clashes).toEqual({ winners: new Set(['a.md', 'f.md']), ids: new Set(['A', 'H']), slugs: new Set(['b', 'f']) });
    expect(collection!.clashes).toEqual(assembled.clashes);
    expect(collection!.drafts).toBe(1);
    expect(assembled.drafts).toBe(1);
    // Checked to be newest first as it is read, so the catalog does not sort it again.
    expect(collection!.newestFirst).toBe(true);
    expect([...collection!.articleBySlug.keys()].sort()).toEqual([...assembled.articleBySlug.keys()].sort());
    for (const [slug, article] of assembled.articleBySlug) expect(collection!.articleBySlug.get(slug)?.path).toBe(article.path);
  });

  it('finds an article of the collection by its code with no map of every code: none for a draft, for one left out for a clash, or for text found only in a path or slug', async () => {
    const { cacheOf } = await saved();
    const { collection } = (await cacheOf().load())!;
    expect(collection!.articleById).toBeUndefined();
    const { findById } = collection!;
    // b.md's article has a.md's code too, and was left out for it.
    expect(['A', 'C', 'F', 'E'].map((code) => findById?.(code)?.path)).toEqual(['a.md', 'c.md', 'f.md', 'g.md']);
    expect(findById?.('A')).toBe(collection!.articles.find(({ path }) => path === 'a.md'));
    // D is a draft's code, H the code of an article left out for its slug; 'a', 'g' and '.md' are
    // in paths and slugs only, and 'Cc' is c.md's code and slug run together.
    for (const code of ['D', 'H', 'a', 'g', '.md', 'Cc', 'Z', '']) expect(findById?.(code)).toBeUndefined();
  });

  it('makes the catalog of a restart over unchanged files, which is the catalog a fresh start makes', async () => {
    const { source, site, reads, cacheOf, catalog } = await saved();
    const restarted = (await createContentStore(source, site, { cache: cacheOf() }).current()).catalog;
    expect(reads).toEqual([]);
    // Made from the saved collection: slugs looked up in their saved order, where assembling
    // fills a Map.
    expect(restarted.articleBySlug).not.toBeInstanceOf(Map);
    // Its scopes' lists are made as requests ask for them.
    expect(restarted.articlesByScope).toBeInstanceOf(ScopeLists);
    expect([...restarted.articleBySlug.keys()]).toEqual(['a', 'c', 'f', 'g']);
    expect(describeCatalog(restarted)).toEqual(describeCatalog(catalog));
    const fresh = (await createContentStore(source, site).current()).catalog;
    expect(describeCatalog(restarted)).toEqual(describeCatalog(fresh));
  });

  it('is updated by the files changed while stopped, into what a fresh start makes', async () => {
    const { source, site, reads, cacheOf } = await saved();
    source.write('i.md', validArticle({ code: '"I"', title: '"I"', date: '2024-01-09T00:00:00Z' }));
    const restarted = (await createContentStore(source, site, { cache: cacheOf() }).current()).catalog;
    expect(reads).toEqual(['head:i.md']);
    expect([...restarted.articleBySlug.keys()]).toEqual(['a', 'c', 'f', 'g', 'i']);
    expect(describeCatalog(restarted)).toEqual(describeCatalog((await createContentStore(source, site).current()).catalog));
  });

  it.each([
    ['an article in two places', ({ numbers }: IndexParts) => void (numbers[2 * COLUMNS + RANK] = numbers[RANK]!)],
    ['a place no article takes', ({ numbers }: IndexParts) => void (numbers[RANK] = 40)],
    ['an article in two places of the slug order', ({ numbers }: IndexParts) => void (numbers[2 * COLUMNS + SLUG_RANK] = numbers[SLUG_RANK]!)],
    [
      'slugs out of order',
      // a.md and c.md swap their places in the slug order.
      ({ numbers }: IndexParts) => {
        [numbers[SLUG_RANK], numbers[2 * COLUMNS + SLUG_RANK]] = [numbers[2 * COLUMNS + SLUG_RANK]!, numbers[SLUG_RANK]!];
      },
    ],
    [
      'a draft in the place of an article',
      // The draft d.md takes the place of c.md.
      ({ numbers }: IndexParts) => {
        numbers[3 * COLUMNS + RANK] = numbers[2 * COLUMNS + RANK]!;
        numbers[3 * COLUMNS + SLUG_RANK] = numbers[2 * COLUMNS + SLUG_RANK]!;
        numbers[2 * COLUMNS + RANK] = -1;
        numbers[2 * COLUMNS + SLUG_RANK] = -1;
      },
    ],
    // g.md given the slug of f.md, as if assembling had let both in (this changes an entry too).
    ['two articles of one slug', (parts: IndexParts) => void (parts.text = Buffer.from(parts.text.toString('latin1').replace('g.mdEg', 'g.mdEf'), 'latin1'))],
  ])('is made again from the entries when the saved places are not a collection (%s), and the entries are used', async (_, damage) => {
    const { file, source, site, reads, cacheOf, catalog } = await saved();
    const parts = partsOf(readFileSync(file));
    damage(parts);
    writeFileSync(file, assemble(parts));
    const loaded = (await cacheOf().load())!;
    expect(loaded.size).toBe(Object.keys(COLLECTION).length);
    expect(loaded.collection).toBeUndefined();
    const restarted = (await createContentStore(source, site, { cache: cacheOf() }).current()).catalog;
    expect(reads).toEqual([]);
    expect(describeCatalog(restarted)).toEqual(describeCatalog(createCatalog(assembleArticles([...loaded.values()]), site)));
    // Where only the places were damaged, that is the catalog from before.
    const slugChanged = loaded.get('g.md')?.article?.slug !== 'g';
    expect(describeCatalog(restarted)).toEqual(slugChanged ? expect.anything() : describeCatalog(catalog));
    expect(slugChanged).toBe(_ === 'two articles of one slug');
  });

  it('is sorted again when its places are not newest first, and makes the same catalog', async () => {
    const { file, source, site, reads, cacheOf, catalog } = await saved();
    const parts = partsOf(readFileSync(file));
    // a.md (published 3 January) and c.md (5 January) swap places.
    [parts.numbers[RANK], parts.numbers[2 * COLUMNS + RANK]] = [parts.numbers[2 * COLUMNS + RANK]!, parts.numbers[RANK]!];
    writeFileSync(file, assemble(parts));
    const loaded = (await cacheOf().load())!;
    expect(loaded.collection?.articles.map(({ path }) => path)).toEqual(['a.md', 'c.md', 'g.md', 'f.md']);
    expect(loaded.collection?.newestFirst).toBe(false);
    const restarted = (await createContentStore(source, site, { cache: cacheOf() }).current()).catalog;
    expect(reads).toEqual([]);
    expect(describeCatalog(restarted)).toEqual(describeCatalog(catalog));
  });

  it('keeps the slug order of a large collection, sorted and placed a run of slugs at a time with a pause between', async () => {
    // 10,000 articles, slugs in no order; newest first by their dates.
    const articles: Article[] = Array.from({ length: 10_000 }, (_, index) => {
      const slug = `s${(index * 7919) % 10_000}-${index % 3 === 0 ? 'x' : ''}`;
      const time = Date.UTC(2024, 0, 1) - index * 60_000;
      return { id: `ID-${index}`, slug, path: `p/${String(index).padStart(5, '0')}.md`, title: slug, description: '', language: 'en', tags: [], authors: [], published: time, updated: time };
    });
    const entries: IndexEntry[] = [...articles].sort((a, b) => (a.path < b.path ? -1 : 1)).map((article) => ({ path: article.path, stamp: { size: 1, mtimeMs: 1 }, draft: false, problems: [], article }));
    const chunks: (string | Uint8Array)[] = [];
    let pauses = 0;
    const pause = async () => void (pauses += 1);
    await writeEntries((chunk) => void chunks.push(chunk), {}, entries, { collection: { articles, problems: [], drafts: 0 }, pause });
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'entries');
    writeFileSync(file, Buffer.concat(chunks.map((chunk) => Buffer.from(chunk))));
    const { collection } = readEntries(openSync(file, 'r'), () => undefined);
    const sorted = articles.map(({ slug }) => slug).sort();
    expect([...collection!.articleBySlug.keys()]).toEqual(sorted);
    for (const article of articles) expect(collection!.articleBySlug.get(article.slug)?.path).toBe(article.path);
    // Three runs sorted, merged two by two, then the places of 10,000 slugs and articles taken 4,096 at a time.
    expect(pauses).toBe(3 + 2 + 1 + 2 + 2);
  });

  it('hands its writer no chunk larger than 2,000 entries take, so that the writer can let requests through between them', async () => {
    const articles: Article[] = Array.from({ length: 10_000 }, (_, index) => {
      const time = Date.UTC(2024, 0, 1) - index * 60_000;
      return { id: `ID-${index}`, slug: `s-${index}`, path: `p/${String(index).padStart(5, '0')}.md`, title: 'T', description: '', language: 'en', tags: [], authors: [], published: time, updated: time };
    });
    const entries: IndexEntry[] = articles.map((article) => ({ path: article.path, stamp: { size: 1, mtimeMs: 1 }, draft: false, problems: [], article }));
    const sizes: number[] = [];
    await writeEntries((chunk) => void sizes.push(Buffer.byteLength(chunk)), {}, entries, { collection: { articles, problems: [], drafts: 0 } });
    // 14 numbers of 8 bytes each per entry: the largest part there is.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000 * 14 * 8);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeGreaterThan(10_000 * 14 * 8);
  });

  it('is the same file whether its entries are given at once or a batch at a time, as an indexing process gives them', async () => {
    // 5,000 entries (more than one chunk of details), with drafts, files with errors and a slug beyond Latin-1.
    const entries: IndexEntry[] = Array.from({ length: 5_000 }, (_, index) => {
      const path = `p/${String(index).padStart(5, '0')}.md`;
      const stamp = { size: index, mtimeMs: 1_700_000_000_000 + index };
      if (index % 7 === 0) return { path, stamp, draft: false, problems: [{ path, severity: 'error', field: 'title', message: 'is missing' }] };
      const slug = index === 4_321 ? 'ข่าว-4321' : `s-${index}`;
      const time = Date.UTC(2024, 0, 1) - index * 60_000;
      const article: Article = { id: `ID-${index}`, slug, path, title: `Title ${index}`, description: '', language: index % 2 ? 'en' : 'th', tags: ['x'], authors: [], published: time, updated: time };
      return { path, stamp, draft: index % 11 === 0, problems: [], article };
    });
    const written = async (parts: readonly number[]) => {
      const chunks: (string | Uint8Array)[] = [];
      const writer = await createEntriesWriter((chunk) => void chunks.push(chunk), { format: 1 });
      let start = 0;
      for (const size of [...parts, entries.length]) {
        await writer.add(entries.slice(start, Math.min(start + size, entries.length)));
        start = Math.min(start + size, entries.length);
      }
      await writer.finish();
      return Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));
    };
    const atOnce = await written([]);
    const inBatches = await written([1, 0, 999, 2_500]);
    expect(inBatches.equals(atOnce)).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'entries');
    writeFileSync(file, inBatches);
    const read = readEntries(openSync(file, 'r'), () => undefined).entries;
    expect(read.map(entryFields)).toEqual(entries.map(entryFields));
  });

  it('is not in a file of entries written without one (as an indexing process writes them)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    await cache.save(await indexSource(createMemorySource(COLLECTION), site));
    const loaded = (await cache.load())!;
    expect(loaded.size).toBe(Object.keys(COLLECTION).length);
    expect(loaded.collection).toBeUndefined();
  });
});

describe('the persisted index file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function roundTrip(site = testSite()) {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const { source } = countingSource(FILES);
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    const store = createContentStore(source, site, { cache });
    await store.current();
    await cache.save(await indexSource(source, site));
    return { file, source, site };
  }

  it('comes back as the same entries', async () => {
    const { file, site } = await roundTrip();
    const logs: string[] = [];
    const loaded = await createFileIndexCache({ file, fingerprint: indexFingerprint(site), log: (line) => logs.push(line) }).load();
    expect([...loaded!.keys()]).toEqual(['a.md', 'b.md']);
    expect(loaded!.get('a.md')?.article?.title).toBe('First');
    expect(logs).toEqual([]);
  });

  it('is written again from entries read back from it, with files changed, added and removed between them, and gives back every field', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const article = (code: string, title: string) => validArticle({ code: `"${code}"`, title: `"${title}"`, tags: '["x", "y"]' });
    const source = createMemorySource(Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => [`${name}.md`, article(name.toUpperCase(), `Title ${name}`)])));
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    await cache.save(await indexSource(source, site));
    const stored = (await cache.load())!;
    // Stored lines kept around a changed one, an added one and a removed one.
    source.write('c.md', article('C', 'Title c, changed'));
    source.write('cc.md', article('CC', 'Title cc, “new”'));
    source.remove('e.md');
    const mixed = await indexSource(source, site, { previous: stored });
    expect(mixed.map((entry) => stored.get(entry.path) === entry)).toEqual([true, true, false, false, true, true]);
    await cache.save(mixed);
    const loaded = (await cache.load())!;
    const fields = (entry: IndexEntry | undefined) => {
      const { id, slug, path, title, description, tags, published, fileTime } = entry?.article ?? ({} as Article);
      return { path: entry?.path, stamp: entry?.stamp, id, slug, articlePath: path, title, description, tags, published, fileTime };
    };
    const fresh = await indexSource(source, site);
    expect([...loaded.values()].map(fields)).toEqual(fresh.map(fields));
    expect(loaded.get('c.md')?.article?.title).toBe('Title c, changed');
    // The file's time, which Last-Modified counts, is its stamp's, read back as it was.
    expect(loaded.get('c.md')?.article?.fileTime).toBe(loaded.get('c.md')?.stamp.mtimeMs);
    expect(loaded.get('c.md')?.article?.fileTime).toBeGreaterThan(0);
  });

  it('is marked used when it is read back (its modification time), so that it outlives the indexes of configurations not used since', async () => {
    const { file, site } = await roundTrip();
    utimesSync(file, 1_000, 1_000);
    // refused: not marked
    expect(await createFileIndexCache({ file, fingerprint: indexFingerprint(testSite({ timeZone: 'Asia/Bangkok' })) }).load()).toBeUndefined();
    expect(statSync(file).mtimeMs).toBe(1_000_000);
    const before = Date.now();
    expect(await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load()).toBeDefined();
    expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('reads the details of an article from the file when it is first shown, also once the file has been replaced or removed', async () => {
    const { file, site } = await roundTrip();
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    const loaded = (await cache.load())!;
    // A new index renamed over it (as after a change), and then none at all.
    await cache.flush().then(() => cache.save([...loaded.values()].slice(0, 1)));
    expect([...(await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load())!.keys()]).toEqual(['a.md']);
    rmSync(file);
    expect(loaded.get('a.md')?.article?.title).toBe('First');
    expect(loaded.get('b.md')?.article?.title).toBe('Second');
  });

  describe('with a details line damaged (the lines are checked one by one, as they are read)', () => {
    /**
     * The index of FILES with the title of a.md changed in its details line, the log of a cache
     * reading it, and FILES in a folder of their own beside it.
     */
    async function damaged(recover?: (root: string) => (path: string) => Article | undefined) {
      const { file, site, source } = await roundTrip();
      writeFileSync(file, Buffer.from(readFileSync(file).toString('latin1').replace('"First"', '"Fakes"'), 'latin1'));
      const root = join(dir, 'content');
      mkdirSync(root);
      for (const [path, text] of Object.entries(FILES)) writeFileSync(join(root, path), text);
      const logs: string[] = [];
      const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0, log: (line) => void logs.push(line), ...(recover ? { recover: recover(root) } : {}) });
      return { file, site, source, logs, cache, loaded: (await cache.load())! };
    }

    it('is used for what the catalog needs, and the damaged details are read from the article file again, saying so', async () => {
      const { loaded, logs } = await damaged((root) => rereadArticle(root, testSite()));
      expect([...loaded.keys()]).toEqual(['a.md', 'b.md']);
      expect(logs).toEqual([]);
      expect(loaded.get('a.md')?.article?.title).toBe('First');
      expect(logs).toEqual([expect.stringContaining('the details of a.md are damaged; reading them from the file again')]);
      expect(loaded.get('b.md')?.article?.title).toBe('Second');
      expect(logs).toHaveLength(1);
    });

    it('is written again with a good line in place of the damaged one', async () => {
      const edited = { ...FILES, 'a.md': FILES['a.md'].replace('"First"', '"From the file"') };
      const { file, site, cache, loaded } = await damaged(() => (path) => articleFromText(path, edited[path as keyof typeof edited], testSite()));
      expect(loaded.get('a.md')?.article?.title).toBe('From the file');
      await cache.save([...loaded.values()]);
      const again = (await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load())!;
      expect(again.get('a.md')?.article?.title).toBe('From the file');
      expect(again.get('b.md')?.article?.title).toBe('Second');
    });

    it('throws when asked for those details and nothing can read the file again, never giving the damaged ones', async () => {
      const { loaded } = await damaged(() => () => undefined);
      expect(() => loaded.get('a.md')?.article?.title).toThrow('the index entry of a.md is damaged');
      expect(loaded.get('b.md')?.article?.title).toBe('Second');
    });
  });

  it.each([
    ['Latin-1', 'FULL-é', 'café/é.md', 'latin1'],
    ['any script (kept as UTF-16)', 'FULL-ไทย-😀', 'ไทย/ข่าว.md', 'utf16le'],
  ])('gives back every field of every article, with ids and paths in %s, and writes what it read back byte for byte', async (_, code, path, encoding) => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const source = createMemorySource({
      ...FILES,
      [path]: validArticle({ code: `"${code}-2"`, title: '"Elsewhere"', slug: '"elsewhere"' }),
      'full.md': validArticle(
        { code: `"${code}"`, title: '"Tab\there, “quotes”, ไทย"', tags: '["a", "b"]', author: '"Ann Lee"', image: '"https://img.example/x.jpg"', origin_url: '"https://origin.example/x"' },
        'Body.',
      ),
      'draft.md': validArticle({ code: '"D"', draft: 'true' }),
      'broken.md': '---\ntitle: [\n---\n',
    });
    const indexed = await indexSource(source, site);
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    await cache.flush().then(() => cache.save(indexed));
    const written = readFileSync(file);
    expect(partsOf(written).tables.text).toBe(encoding);
    const loaded = (await cache.load())!;
    for (const entry of indexed) expect(entryFields(loaded.get(entry.path))).toEqual(entryFields(entry));
    const full = loaded.get('full.md')?.article;
    expect([full?.title, full?.tags, full?.authors.map(({ name }) => name), full?.image]).toEqual(['Tab here, “quotes”, ไทย', ['a', 'b'], ['Ann Lee'], 'https://img.example/x.jpg']);
    await cache.save([...loaded.values()]);
    expect(readFileSync(file).equals(written)).toBe(true);
  });

  /** Damage to the parts of an index, signed again. */
  const resigned =
    (damage: (parts: IndexParts) => void, trailer: Record<string, unknown> = {}) =>
    (bytes: Buffer) => {
      const parts = partsOf(bytes);
      damage(parts);
      return assemble(parts, trailer);
    };
  const lastLineAt = (bytes: Buffer) => bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;

  it('is read back from its parts as written (the damage below starts from a faithful copy)', async () => {
    const { file, site } = await roundTrip();
    const written = readFileSync(file);
    expect(assemble(partsOf(written)).equals(written)).toBe(true);
    expect(partsOf(written).text.toString('latin1')).toBe('a.mdAab.mdBb');
    expect(await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load()).toBeDefined();
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, bytes.length / 2), 'is not usable ('],
    ['not JSON', () => Buffer.from('garbage\n'), 'is not usable (Unexpected token'],
    ['cut at the end of a line', (bytes: Buffer) => bytes.subarray(0, lastLineAt(bytes)), 'is not usable (its trailer is missing)'],
    ['cut within a line', (bytes: Buffer) => bytes.subarray(0, -5), 'is not usable (the last line is cut short)'],
    ['from another format', (bytes: Buffer) => Buffer.from(bytes.toString('latin1').replace('"format":12', '"format":99'), 'latin1'), 'is not usable (format 99, not 12)'],
    ['changed anywhere in its entries', (bytes: Buffer) => Buffer.from(bytes.toString('latin1').replace('a.mdAa', 'a.mdXa'), 'latin1'), 'is not usable (its entries do not match their checksum)'],
    ['shorter than its trailer says', resigned(() => undefined, { text: 1_000_000 }), 'is not usable (it is shorter than its trailer says)'],
    ['counting other entries than its trailer', resigned(() => undefined, { entries: 3 }), 'is not usable (its trailer counts 3 entries, not what its numbers hold)'],
    ['holding a malformed entry under a matching checksum', resigned(({ numbers }) => void (numbers[PATH_END] = 0)), 'is not usable (an entry is malformed)'],
    ['holding unknown flags', resigned(({ numbers }) => void (numbers[FLAGS] = 6)), 'is not usable (an entry is malformed)'],
    ['holding an article without its details', resigned(({ numbers }) => void (numbers[DETAILS_END] = 0)), 'is not usable (an entry is malformed)'],
    ['missing a line of details', resigned((parts) => void (parts.details = `${parts.details.split('\n')[0]}\n`)), 'is not usable (its details do not match its entries)'],
    ['holding more lines than entries', resigned((parts) => void (parts.details += '[]\n')), 'is not usable (its details do not match its entries)'],
    ['holding entries out of path order', resigned((parts) => void (parts.text = Buffer.from('b.mdAab.mdBb', 'latin1'))), 'is not usable (its entries are not in path order)'],
    ['holding a problem of no entry', resigned((parts) => void (parts.tables.problems = [[2, [{ path: 'c.md', severity: 'error', message: 'x' }]]])), 'is not usable (an entry is malformed)'],
    ['holding the kept version of no entry', resigned((parts) => void (parts.tables.kept = [[2, 10, 1_000]])), 'is not usable (an entry is malformed)'],
    ['holding a malformed kept version', resigned((parts) => void (parts.tables.kept = [[0, 10, 'yesterday']])), 'is not usable (its tables are malformed)'],
    ['holding malformed tables', resigned((parts) => void (parts.tables.languages = [42])), 'is not usable (its tables are malformed)'],
    ['holding malformed clashes', resigned((parts) => void (parts.tables.collection = { articles: 2, drafts: 0, problems: [], clashes: { winners: [1], ids: [], slugs: [] } })), 'is not usable (its tables are malformed)'],
    ['written on a machine of another byte order', resigned((parts) => void (parts.tables.endianness = 'XE')), 'is not usable (written on a machine of another byte order)'],
  ])('is ignored as a whole when %s', async (_, damage, message) => {
    const { file, site } = await roundTrip();
    writeFileSync(file, damage(readFileSync(file)));
    const logs: string[] = [];
    expect(await createFileIndexCache({ file, fingerprint: indexFingerprint(site), log: (line) => logs.push(line) }).load()).toBeUndefined();
    expect(logs[0]).toContain(message);
  });

  it('is written at once by flush(), without waiting for changes to settle (the server flushes before it exits)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const { source } = countingSource(FILES);
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 60_000 });
    void cache.save(await indexSource(source, site));
    expect(existsSync(file)).toBe(false);
    await cache.flush();
    expect([...(await cache.load())!.keys()]).toEqual(['a.md', 'b.md']);
    expect(readdirSync(dir)).toEqual(['index.json']);
  });

  it('waits, after a write, ten times as long as it took before the next, so that writing takes at most a tenth of the time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const { source } = countingSource(FILES);
    const entries = await indexSource(source, site);
    // The clock as the cache reads it (ms): when a write begins and ends, and when a save that
    // has settled asks how long the last write wants it to wait. Timers are real.
    const times = [1_000, 1_030, 1_040, 2_000, 3_000, 3_010, 3_020, 3_021, 100_000, 100_001, 100_002];
    const clock = () => times.shift() ?? Number.NaN;
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 10, clock });
    const written = async () => [...((await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load())?.keys() ?? [])];
    // Written from 1,000 to 1,030 by the clock.
    void cache.save(entries);
    await cache.flush();
    expect(await written()).toEqual(['a.md', 'b.md']);

    // Settled at 1,040: it waits until 1,030 + 10 x 30 = 1,330 by the clock, 290 ms more.
    let asked = performance.now();
    const second = cache.save(entries.slice(0, 1));
    await new Promise((next) => setTimeout(next, 150));
    expect(await written()).toEqual(['a.md', 'b.md']);
    await second;
    expect(performance.now() - asked).toBeGreaterThanOrEqual(10 + 290 - 1);
    expect(await written()).toEqual(['a.md']);

    // Written from 2,000 to 3,000, so a save settled at 3,010 would wait until 13,000: a stop's
    // flush writes it at once.
    asked = performance.now();
    void cache.save(entries);
    await new Promise((next) => setTimeout(next, 50));
    await cache.flush();
    expect(performance.now() - asked).toBeLessThan(5_000);
    expect(await written()).toEqual(['a.md', 'b.md']);

    // Written from 3,020 to 3,021; settled long after: it waits for nothing more.
    await cache.save(entries.slice(0, 1));
    expect(await written()).toEqual(['a.md']);
    expect(times).toEqual([]);
  });

  it('waits, after a write, until the disk has had time for its bytes at the write budget (the index is written whole)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-cache-'));
    const file = join(dir, 'index.json');
    const site = testSite();
    const { source } = countingSource(FILES);
    const entries = await indexSource(source, site);
    const fingerprint = indexFingerprint(site);
    const written = async () => [...((await createFileIndexCache({ file, fingerprint }).load())?.keys() ?? [])];
    // A budget at which this index's bytes take 400 ms (its CPU spacing is a few ms).
    const first = createFileIndexCache({ file, fingerprint });
    void first.save(entries);
    await first.flush();
    const cache = createFileIndexCache({ file, fingerprint, settleMs: 10, writeBytesPerHour: (statSync(file).size * 3_600_000) / 400 });
    void cache.save(entries);
    await cache.flush();

    const asked = performance.now();
    const second = cache.save(entries.slice(0, 1));
    await new Promise((next) => setTimeout(next, 200));
    expect(await written()).toEqual(['a.md', 'b.md']);
    await second;
    expect(performance.now() - asked).toBeGreaterThanOrEqual(400 - 20);
    expect(await written()).toEqual(['a.md']);
  });

  it('removes the half-written files of a process killed while writing, not those of a live writer', async () => {
    const { file, site } = await roundTrip();
    const { abandoned, live } = leaveHalfWrittenFiles(file, '{"format":1,"entries":[');
    expect(await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load()).toBeDefined();
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('is ignored when the configuration that shaped it changed', async () => {
    const { file } = await roundTrip();
    const other = testSite({ timeZone: 'Asia/Bangkok' });
    const logs: string[] = [];
    expect(await createFileIndexCache({ file, fingerprint: indexFingerprint(other), log: (line) => logs.push(line) }).load()).toBeUndefined();
    expect(logs[0]).toContain('written for another version or configuration');
  });
});

describe('content store restarting with the listing saved in the index', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A content folder whose folders settled an hour ago, indexed once and saved; and a counting source over it. */
  async function savedFolder() {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-listing-'));
    const root = join(dir, 'content');
    const file = join(dir, 'cache', 'index.json');
    mkdirSync(join(root, '2024'), { recursive: true });
    writeFileSync(join(root, 'a.md'), FILES['a.md']);
    writeFileSync(join(root, '2024', 'b.md'), FILES['b.md']);
    // Folder times an hour back, the same each time: as if nothing had been added or removed.
    const hourAgo = new Date(Date.now() - 3_600_000);
    const settle = () => {
      for (const folder of ['2024', '']) utimesSync(join(root, folder), hourAgo, hourAgo);
    };
    settle();
    const site = testSite();
    const cacheOf = () => createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    const first = cacheOf();
    const fresh = await createContentStore(createFsSource(root), site, { cache: first }).current();
    await first.flush();
    /** With `folders`, each folder handed on (to be watched) is counted too. */
    const countingFs = ({ folders = false } = {}) => {
      const calls: string[] = [];
      const source = createFsSource(root, folders ? { onFolder: (folder) => void calls.push(`folder:${folder}`) } : {});
      const counted: ContentSource = {
        ...source,
        list: async (onListed, handOnFolders) => (calls.push('list'), source.list(onListed, handOnFolders)),
        relist: async (paths, folders, handOnFolders) => (calls.push(`relist:${paths.join(',')}`), source.relist!(paths, folders, handOnFolders)),
        checkListing: async (folders, paths) => (calls.push(`checkListing:${paths.join(',')}`), source.checkListing!(folders, paths)),
        readHead: async (path, bytes) => (calls.push(`head:${path}`), source.readHead(path, bytes)),
        stamps: async (paths) => (calls.push(`stamps:${paths.join(',')}`), source.stamps(paths)),
        listFolder: async (folder) => (calls.push(`listFolder:${folder}`), source.listFolder!(folder)),
      };
      return { source: counted, calls };
    };
    return { root, file, site, cacheOf, fresh, settle, countingFs };
  }
  const describeCatalog = (catalog: Catalog) => catalog.articles.map(({ path, title }) => `${path} ${title}`);

  it('stats the files the index was saved with when no folder changed, and lists the folder only once the first snapshot is out', async () => {
    const { site, cacheOf, fresh, countingFs } = await savedFolder();
    const { source, calls } = countingFs();
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: 0, onLoad: ({ version }) => void calls.push(`snapshot ${version}`) });
    const { catalog } = await store.current();
    expect(calls).toEqual(['stamps:2024/b.md,a.md', 'snapshot 1', 'list']);
    expect(describeCatalog(catalog)).toEqual(describeCatalog(fresh.catalog));
    // The listing found what the index holds: no change follows.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.peek()?.version).toBe(1);
  });

  it('hands each folder on (to be watched) before it reads its time, below WATCH_LATE_FROM folders, and checks no stamp again', async () => {
    const { site, cacheOf, countingFs } = await savedFolder();
    const { source, calls } = countingFs({ folders: true });
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: 0, onLoad: ({ version }) => void calls.push(`snapshot ${version}`) });
    await store.current();
    await vi.waitFor(() => expect(calls).toContain('list'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual(['folder:', 'folder:2024', 'stamps:2024/b.md,a.md', 'snapshot 1', 'list', 'folder:', 'folder:2024']);
  });

  it('from WATCH_LATE_FROM folders, hands none on before the first snapshot but each in the listing after it, then checks every stamp and reads a file edited in between', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    const { source, calls } = countingFs({ folders: true });
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: 300, watchLateFrom: 2, onLoad: ({ version }) => void calls.push(`snapshot ${version}`) });
    await store.current();
    // Edited after the start stat'ed it and before its folder is watched, which sees no event
    // for it: the edit leaves the folder's time as it was.
    writeFileSync(join(root, 'a.md'), FILES['a.md'].replace('"First"', '"First, edited"'));
    await vi.waitFor(() => expect(describeCatalog(store.peek()!.catalog)).toContain('a.md First, edited'), { timeout: 3000, interval: 20 });
    // The folders' times were read with the files' stamps (checkListing).
    expect(calls).toEqual(['checkListing:2024/b.md,a.md', 'snapshot 1', 'list', 'folder:', 'folder:2024', 'stamps:2024/b.md,a.md', 'head:a.md', 'snapshot 2']);
  });

  it('from WATCH_LATE_FROM folders, reads again the folders whose time changed while stopped, handing on no more of them than a first start, and stats only the files new to the listing', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    writeFileSync(join(root, '2024', 'c.md'), validArticle({ code: '"C"', title: '"Third"', date: '2024-01-03T00:00:00Z' }));
    const { source, calls } = countingFs({ folders: true });
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: 300, watchLateFrom: 1, onLoad: ({ version }) => void calls.push(`snapshot ${version}`) });
    expect(describeCatalog((await store.current()).catalog)).toEqual(['2024/c.md Third', '2024/b.md Second', 'a.md First']);
    // The check of the listing took the stamps of the files the index holds: only c.md is stat'ed.
    expect(calls).toEqual(['checkListing:2024/b.md,a.md', 'relist:2024/b.md,a.md', 'folder:', 'stamps:2024/c.md', 'head:2024/c.md', 'snapshot 1']);
    // Then every folder is handed on, and every stamp checked.
    await vi.waitFor(() => expect(calls.slice(6)).toEqual(['list', 'folder:', 'folder:2024', 'stamps:2024/b.md,2024/c.md,a.md']), { timeout: 3000, interval: 20 });
  });

  it('on a first start past WATCH_LATE_FROM folders, hands on the first ones it lists, the others in a listing after the first snapshot, and reads a file edited in between', async () => {
    const { root, site, countingFs } = await savedFolder();
    const { source, calls } = countingFs({ folders: true });
    const store = createContentStore(source, site, { confirmListingAfterMs: 300, watchLateFrom: 1, onLoad: ({ version }) => void calls.push(`snapshot ${version}`) });
    await store.current();
    writeFileSync(join(root, 'a.md'), FILES['a.md'].replace('"First"', '"First, edited"'));
    await vi.waitFor(() => expect(describeCatalog(store.peek()!.catalog)).toContain('a.md First, edited'), { timeout: 3000, interval: 20 });
    expect(calls).toEqual(['list', 'folder:', 'head:2024/b.md', 'head:a.md', 'snapshot 1', 'list', 'folder:', 'folder:2024', 'stamps:2024/b.md,a.md', 'head:a.md', 'snapshot 2']);
  });

  it('puts off no folder where a listing hands none on (a static export, a build): no listing and no stamp checked after the first snapshot', async () => {
    const { site, countingFs } = await savedFolder();
    const { source, calls } = countingFs();
    const store = createContentStore(source, site, { confirmListingAfterMs: 0, watchLateFrom: 1, onLoad: ({ version }) => void calls.push(`snapshot ${version}`) });
    await store.current();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toEqual(['list', 'head:2024/b.md', 'head:a.md', 'snapshot 1']);
  });

  it('reads the files of a folder that came and lets go of those of a folder that went, listing only those folders', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    const { source, calls } = countingFs({ folders: true });
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: Number.POSITIVE_INFINITY });
    await store.current();
    // A page bundle added (two folders deep), and a folder removed with its article.
    mkdirSync(join(root, 'new', 'story'), { recursive: true });
    writeFileSync(join(root, 'new', 'story', 'index.md'), validArticle({ code: '"N"', title: '"New"', date: '2024-01-05T00:00:00Z' }));
    rmSync(join(root, '2024'), { recursive: true });
    calls.length = 0;
    const { catalog } = await store.update([], ['new', '2024']);
    expect(describeCatalog(catalog)).toEqual(['new/story/index.md New', 'a.md First']);
    expect(calls).toEqual(['listFolder:new', 'folder:new', 'folder:new/story', 'listFolder:2024', 'head:new/story/index.md']);
  });

  it('tells at once that a listing is the one its entries were saved with, each file unchanged, and not otherwise', async () => {
    const { root, site, cacheOf } = await savedFolder();
    const cache = cacheOf();
    const saved = cache.listing?.();
    const entries = await cache.load();
    const source = createFsSource(root);
    const stamps = await source.stamps(saved!.paths);
    expect(entries?.unchangedWith?.(saved!.paths, stamps)).toEqual([...entries!.values()]);
    // The same paths in another list (a listing made since) are matched file by file instead.
    expect(entries?.unchangedWith?.([...saved!.paths], stamps)).toBeUndefined();
    writeFileSync(join(root, 'a.md'), FILES['a.md'].replace('"First"', '"First, edited"'));
    expect(entries?.unchangedWith?.(saved!.paths, await source.stamps(saved!.paths))).toBeUndefined();
    rmSync(join(root, 'a.md'));
    expect(entries?.unchangedWith?.(saved!.paths, await source.stamps(saved!.paths))).toBeUndefined();
  });

  it('takes every entry as it is when they tell that nothing changed, matching no file on its own', async () => {
    const { site, cacheOf, countingFs } = await savedFolder();
    const cache = cacheOf();
    const saved = cache.listing?.();
    const previous = await cache.load();
    const { source } = countingFs();
    const stamps = await source.stamps(saved!.paths);
    const untouchable = { ...stamps, get: () => expect.unreachable('no stamp is asked for'), matches: () => expect.unreachable('no file is matched on its own') };
    const entries = await indexSource(source, site, { paths: saved!.paths, stamps: untouchable, previous: previous! });
    expect(entries).toEqual([...previous!.values()]);
    expect(entries.every((entry, index) => entry === [...previous!.values()][index])).toBe(true);
  });

  it('lets the first requests go before that listing: it lists a while after the first snapshot', async () => {
    const { site, cacheOf, countingFs } = await savedFolder();
    const { source, calls } = countingFs();
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: 300 });
    const ready = performance.now();
    await store.current();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).not.toContain('list');
    await vi.waitFor(() => expect(calls).toContain('list'), { timeout: 2000, interval: 20 });
    expect(performance.now() - ready).toBeGreaterThanOrEqual(300);
  });

  it('reads a file edited while stopped before the first snapshot (editing a file leaves its folder as it was)', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    writeFileSync(join(root, 'a.md'), FILES['a.md'].replace('"First"', '"First, edited"'));
    const { source, calls } = countingFs();
    const { catalog } = await createContentStore(source, site, { cache: cacheOf() }).current();
    expect(calls.slice(0, 2)).toEqual(['stamps:2024/b.md,a.md', 'head:a.md']);
    expect(describeCatalog(catalog)).toContain('a.md First, edited');
  });

  it('finds a file added while stopped on a file system whose folder times did not show it, moments after the first snapshot, and lists first at the next start', async () => {
    const { root, site, cacheOf, countingFs, settle } = await savedFolder();
    writeFileSync(join(root, '2024', 'c.md'), validArticle({ code: '"C"', title: '"Third"', date: '2024-01-03T00:00:00Z' }));
    rmSync(join(root, 'a.md'));
    // As such a file system does: the folders keep their times.
    settle();
    const cache = cacheOf();
    const store = createContentStore(countingFs().source, site, { cache, confirmListingAfterMs: 0 });
    expect(describeCatalog((await store.current()).catalog)).toEqual(['2024/b.md Second', 'a.md First']);
    await vi.waitFor(() => expect(describeCatalog(store.peek()!.catalog)).toEqual(['2024/c.md Third', '2024/b.md Second']));
    await cache.flush();
    // Saved without folder times: the next start lists before it answers.
    const { source, calls } = countingFs();
    const { catalog } = await createContentStore(source, site, { cache: cacheOf() }).current();
    expect(calls).toEqual(['list', 'stamps:2024/b.md,2024/c.md']);
    expect(describeCatalog(catalog)).toEqual(['2024/c.md Third', '2024/b.md Second']);
  });

  it('lists the folders again from the saved listing when a file was added or removed while stopped, and serves what is there', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    writeFileSync(join(root, '2024', 'c.md'), validArticle({ code: '"C"', title: '"Third"', date: '2024-01-03T00:00:00Z' }));
    rmSync(join(root, 'a.md'));
    const { source, calls } = countingFs();
    const { catalog } = await createContentStore(source, site, { cache: cacheOf() }).current();
    expect(calls).toEqual(['relist:2024/b.md,a.md', 'stamps:2024/b.md,2024/c.md', 'head:2024/c.md']);
    expect(describeCatalog(catalog)).toEqual(['2024/c.md Third', '2024/b.md Second']);
  });

  it('reads only the folders whose time changed while stopped, takes the others from the saved listing, and finds what their times hid moments after the first snapshot', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    writeFileSync(join(root, '2024', 'c.md'), validArticle({ code: '"C"', title: '"Third"', date: '2024-01-03T00:00:00Z' }));
    // Added at the root, whose time is put back: only reading the root finds it.
    const { mtime } = statSync(root);
    writeFileSync(join(root, 'z.md'), validArticle({ code: '"Z"', title: '"Hidden"', date: '2024-01-04T00:00:00Z' }));
    utimesSync(root, mtime, mtime);
    const { source } = countingFs();
    const store = createContentStore(source, site, { cache: cacheOf(), confirmListingAfterMs: 0 });
    expect(describeCatalog((await store.current()).catalog)).toEqual(['2024/c.md Third', '2024/b.md Second', 'a.md First']);
    await vi.waitFor(() => expect(describeCatalog(store.peek()!.catalog)).toEqual(['z.md Hidden', '2024/c.md Third', '2024/b.md Second', 'a.md First']));
  });

  it('lists the folder and reads every file when the index turns out damaged, trusting none of the listing it gave', async () => {
    const { root, file, site, cacheOf, countingFs, settle } = await savedFolder();
    // A file added while stopped, its folder's time put back: only a listing finds it.
    writeFileSync(join(root, '2024', 'c.md'), validArticle({ code: '"C"', title: '"Third"', date: '2024-01-03T00:00:00Z' }));
    settle();
    // A code changed where the catalog reads it (the checksum covers it).
    writeFileSync(file, Buffer.from(readFileSync(file).toString('latin1').replace('a.mdAa', 'a.mdXa'), 'latin1'));
    const { source, calls } = countingFs();
    const { catalog } = await createContentStore(source, site, { cache: cacheOf() }).current();
    expect(calls).toEqual(['stamps:2024/b.md,a.md', 'list', 'head:2024/b.md', 'head:2024/c.md', 'head:a.md']);
    expect(describeCatalog(catalog)).toEqual(['2024/c.md Third', '2024/b.md Second', 'a.md First']);
  });

  it('saves the listing again with the entries after a change, so that the next restart lists nothing either', async () => {
    const { root, site, cacheOf, countingFs } = await savedFolder();
    const cache = cacheOf();
    const store = createContentStore(countingFs().source, site, { cache });
    await store.current();
    writeFileSync(join(root, 'a.md'), FILES['a.md'].replace('"First"', '"First, edited"'));
    await store.update(['a.md']);
    await cache.flush();
    const { source, calls } = countingFs();
    const { catalog } = await createContentStore(source, site, { cache: cacheOf() }).current();
    expect(calls[0]).toBe('stamps:2024/b.md,a.md');
    expect(describeCatalog(catalog)).toContain('a.md First, edited');
  });

  it('reads back the index it peeked at, also when another has been written over it since', async () => {
    const { root, file, site, cacheOf } = await savedFolder();
    const cache = cacheOf();
    expect(cache.listing?.()?.paths).toEqual(['2024/b.md', 'a.md']);
    // Another index renamed over it (one entry only) between the peek and the load.
    const other = join(dir, 'other.json');
    const writer = createFileIndexCache({ file: other, fingerprint: indexFingerprint(site), settleMs: 0 });
    await writer.save([await indexFile(createFsSource(root), 'a.md', site)]);
    renameSync(other, file);
    expect([...(await cache.load())!.keys()]).toEqual(['2024/b.md', 'a.md']);
  });

  it('gives no listing for an index saved without one', async () => {
    const { root, file, site } = await savedFolder();
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    await cache.save([await indexFile(createFsSource(root), 'a.md', site)]);
    expect(cache.listing?.()).toBeUndefined();
    expect([...(await cache.load())!.keys()]).toEqual(['a.md']);
  });
});
