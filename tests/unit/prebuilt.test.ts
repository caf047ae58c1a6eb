import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Article } from '../../src/articles/article.ts';
import { createFileContent } from '../../src/catalog/content-store.ts';
import { createCatalog } from '../../src/catalog/catalog.ts';
import { createFixedStore, createSnapshot } from '../../src/catalog/snapshot.ts';
import { assembleArticles, indexSource } from '../../src/articles/load.ts';
import type { Representation } from '../../src/http/representation.ts';
import {
  createPrebuiltBundleFiles,
  createPrebuiltCatalog,
  createPrebuiltResponses,
  createPrebuiltSnapshot,
  PREBUILT_FORMAT_VERSION,
  planContent,
  writeContentFiles,
  type AssetFetcher,
  type PrebuiltData,
} from '../../src/prebuilt.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { NOW, testSite, validArticle } from '../support/fixtures.ts';

const FILES = {
  'a.md': validArticle({ code: '"A"', date: '2024-01-02T00:00:00Z' }, 'First *article*.'),
  'b.md': validArticle({ code: '"B"', date: '2024-01-03T00:00:00Z', category: '"Sports"' }, 'Second [link](/x).'),
};

/** Builds pre-built data the way the build script does, into an in-memory asset folder. */
async function prebuild(files: Readonly<Record<string, string>> = FILES) {
  const site = testSite();
  const source = createMemorySource(files);
  const entries = await indexSource(source, site);
  const catalog = createCatalog(assembleArticles(entries), site);
  const stamps = new Map(entries.map((entry) => [entry.path, entry.stamp]));
  const snapshot = createSnapshot(catalog, 1, createFileContent(source, site, (path) => stamps.get(path)));
  const assetFiles = new Map<string, Uint8Array>();
  const content = planContent(catalog.articles);
  await writeContentFiles(
    content.files,
    async (article) => (await snapshot.loadContent([article])).html(article),
    (path, bytes) => assetFiles.set(path, bytes),
  );
  const app = createApp({ site, store: createFixedStore(snapshot), now: () => NOW });
  await app.request('/rss.xml');
  const responses: PrebuiltData["responses"][number][] = [];
  for (const [key, kept] of snapshot.responses.entries()) {
    const representation = await (kept.made as Promise<Representation>);
    const file = `/_wirefeed/r/${responses.length}`;
    assetFiles.set(file, representation.body);
    responses.push({ key, file, etag: representation.etag, contentType: representation.contentType, lastModified: representation.lastModified });
  }
  const data: PrebuiltData = JSON.parse(
    JSON.stringify({ formatVersion: PREBUILT_FORMAT_VERSION, builtAt: NOW, site, catalog: content.catalog, problems: [], responses }),
  );
  const fetched: string[] = [];
  const assets: AssetFetcher = {
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      fetched.push(path);
      const body = assetFiles.get(path);
      return body ? new Response(body) : new Response('missing', { status: 404 });
    },
  };
  return { site, data, assets, fetched, files: assetFiles, reference: app };
}

type Built = Awaited<ReturnType<typeof prebuild>>;

/** The paths of a build's content files, sorted. */
const contentPaths = (built: Built) => [...built.files.keys()].filter((path) => path.startsWith('/_wirefeed/c/')).sort();

/** The content file that holds the record of article `id`. */
function fileHolding(built: Built, id: string): string {
  const holding = contentPaths(built).filter((path) => new TextDecoder().decode(built.files.get(path)).includes(`"id":"${id}"`));
  expect(holding, id).toHaveLength(1);
  return holding[0]!;
}

function workerApp(built: Built) {
  const { data, assets, site } = built;
  const snapshot = createPrebuiltSnapshot(createPrebuiltCatalog(data), assets);
  return createApp({ site, store: createFixedStore(snapshot), prebuilt: createPrebuiltResponses(data, assets), now: () => NOW, quickStart: true });
}

describe('pre-built content', () => {
  it('serves a pre-built response from one file, byte for byte', async () => {
    const built = await prebuild();
    const app = workerApp(built);
    const response = await app.request('/rss.xml');
    const expected = await built.reference.request('/rss.xml');
    expect(await response.text()).toBe(await expected.text());
    expect(response.headers.get('etag')).toBe(expected.headers.get('etag'));
    expect(built.fetched).toEqual(['/_wirefeed/r/0']);
  });

  it('renders what was not pre-built from the pre-built HTML of just the articles it shows', async () => {
    const built = await prebuild();
    const app = workerApp(built);
    const paths = ['/category/sports/atom.xml', '/articles/a', '/feed.json?limit=1'];
    for (const path of paths) {
      const response = await app.request(path);
      expect(await response.text(), path).toBe(await (await built.reference.request(path)).text());
    }
    // sports shows B (Sports's file); the article page needs A (World's); limit=1 shows B
    // again, already in memory.
    expect(built.fetched).toEqual([fileHolding(built, 'B'), fileHolding(built, 'A')]);
  });

  it('refuses data written by another format version', async () => {
    const built = await prebuild();
    expect(() => createPrebuiltCatalog({ ...built.data, formatVersion: 0 })).toThrow('run the build again');
  });

  it('reports a missing pre-built file by path', async () => {
    const built = await prebuild();
    built.files.delete('/_wirefeed/r/0');
    const errors: unknown[] = [];
    const { data, assets, site } = built;
    const app = createApp({
      site,
      store: createFixedStore(createPrebuiltSnapshot(createPrebuiltCatalog(data), assets)),
      prebuilt: createPrebuiltResponses(data, assets),
      now: () => NOW,
      onError: (error) => errors.push(error),
    });
    expect((await app.request('/rss.xml')).status).toBe(500);
    expect(String(errors[0])).toContain('pre-built file /_wirefeed/r/0 is missing (404)');
  });
});

/** 40 articles, two a day, in two categories and two languages: 10 in each language and category, a file each. */
function manyArticles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let day = 1; day <= 40; day += 1) {
    const category = day % 2 === 0 ? '"Sports"' : '"World"';
    const language = day % 4 < 2 ? '"en"' : '"th"';
    const date = `2024-02-${String(Math.ceil(day / 2)).padStart(2, '0')}T${day % 2 === 0 ? '12' : '06'}:00:00Z`;
    files[`a${day}.md`] = validArticle({ code: `"N${day}"`, title: `"Title ${day} “quoted” ข่าว"`, category, language, date }, `Body of ${day}, with *emphasis*.`);
  }
  return files;
}

describe('the Worker\'s pieces made from the pre-built data', () => {
  it('keep none of the catalog\'s packed columns once the catalog has unpacked them (they are most of the data)', async () => {
    const built = await prebuild();
    let data: PrebuiltData | undefined = { ...(JSON.parse(JSON.stringify(built.data)) as PrebuiltData), bundleFiles: { a: [['photo.jpg', 10, 1_000]] } };
    const columns = new WeakRef(data.catalog);
    // As src/worker.ts makes them, kept for as long as the test runs.
    const pieces = [createPrebuiltCatalog(data), createPrebuiltResponses(data, built.assets), createPrebuiltBundleFiles(data, built.assets)];
    data = undefined;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let round = 0; round < 3 && columns.deref() !== undefined; round += 1) {
      await new Promise((next) => setTimeout(next, 0));
      gc();
    }
    expect(columns.deref()).toBeUndefined();
    expect(pieces).toHaveLength(3);
  });
});

describe('the pre-built catalog and content files', () => {
  it('keep up to 16 articles a file, those of one language and category together, and serve every route as the Node server does', async () => {
    const built = await prebuild(manyArticles());
    expect(contentPaths(built)).toHaveLength(4);
    // Each language and category in a file of its own: days 1, 2, 3 and 4 are the four of them.
    for (let day = 1; day <= 40; day += 1) expect(fileHolding(built, `N${day}`), `N${day}`).toBe(fileHolding(built, `N${((day - 1) % 4) + 1}`));
    expect(new Set([1, 2, 3, 4].map((day) => fileHolding(built, `N${day}`))).size).toBe(4);
    const app = workerApp(built);
    const paths = ['/', '/feed.json?page=2&limit=5', '/category/sports/rss.xml?limit=7', '/th/category/world/atom.xml?limit=3', '/articles/a17', '/articles/a40'];
    for (const path of paths) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe(await (await built.reference.request(path)).text());
    }
  });

  it("render every page from the content files alone, the index's titles included, as the Node server does", async () => {
    const built = await prebuild(manyArticles());
    const { data, assets, site } = built;
    // No pre-built responses: the Worker renders even what the build rendered.
    const app = createApp({ site, store: createFixedStore(createPrebuiltSnapshot(createPrebuiltCatalog(data), assets)), now: () => NOW, quickStart: true });
    for (const path of ['/', '/feeds.opml', '/rss.xml', '/atom.xml', '/feed.json', '/th/category/sports/feed.json', '/articles/a3']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe(await (await built.reference.request(path)).text());
    }
  });

  const contentFiles = (built: Built) => new Map(contentPaths(built).map((path) => [path, new TextDecoder().decode(built.files.get(path))]));
  const changedFiles = (before: Map<string, string>, after: Map<string, string>) => [...new Set([...before.keys(), ...after.keys()])].filter((path) => after.get(path) !== before.get(path));

  it('change one content file when an article is added, not every file of its language and category', async () => {
    // 20 articles in one language and category: a file of 16 and a file of 4.
    const files: Record<string, string> = {};
    for (let day = 1; day <= 20; day += 1) {
      files[`a${day}.md`] = validArticle({ code: `"N${day}"`, date: `2024-03-${String(day).padStart(2, '0')}T08:00:00Z` }, `Body ${day}.`);
    }
    const before = contentFiles(await prebuild(files));
    const built = await prebuild({ ...files, 'new.md': validArticle({ code: '"NEW"', date: '2024-03-21T08:00:00Z' }, 'Newest.') });
    const after = contentFiles(built);
    expect([...before.keys()]).toEqual([...after.keys()]);
    expect(changedFiles(before, after)).toEqual([fileHolding(built, 'NEW')]);
    expect(fileHolding(built, 'NEW')).toBe(fileHolding(built, 'N20'));
  });

  it("add a content file to one language and category without moving another's", async () => {
    // 3 articles of sports, then 16 of the world, a full file.
    const files: Record<string, string> = {};
    for (let day = 1; day <= 19; day += 1) {
      files[`a${day}.md`] = validArticle({ code: `"N${day}"`, category: day <= 3 ? '"Sports"' : '"World"', date: `2024-03-${String(day).padStart(2, '0')}T08:00:00Z` }, `Body ${day}.`);
    }
    const before = contentFiles(await prebuild(files));
    // A 17th article of the world, the newest: the world's second file, and no other change.
    const built = await prebuild({ ...files, 'new.md': validArticle({ code: '"NEW"', date: '2024-03-20T08:00:00Z' }, 'One more.') });
    const after = contentFiles(built);
    expect(after.size).toBe(before.size + 1);
    expect(changedFiles(before, after)).toEqual([fileHolding(built, 'NEW')]);
    expect(fileHolding(built, 'NEW')).not.toBe(fileHolding(built, 'N19'));
  });

  it('name the files of a category in any script, and of any length, in short ASCII paths', async () => {
    const longThai = 'ข่าวต่างประเทศและการเมืองระหว่างประเทศประจำวัน'.repeat(4);
    const built = await prebuild({
      'a.md': validArticle({ code: '"T1"', category: `"${longThai}"`, language: '"th"' }, 'เนื้อหา.'),
      'b.md': validArticle({ code: '"T2"', category: '"World"' }, 'Body.'),
    });
    const [thai, world] = [fileHolding(built, 'T1'), fileHolding(built, 'T2')];
    for (const path of [thai, world]) expect(path).toMatch(/^\/_wirefeed\/c\/[0-9a-z]{1,11}\/0$/);
    expect(thai).not.toBe(world);
    const app = workerApp(built);
    const response = await app.request('/articles/a');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(await (await built.reference.request('/articles/a')).text());
    expect(built.fetched).toEqual([thai]);
  });

  it('fetch a file once for all the articles a render needs from it', async () => {
    const built = await prebuild(manyArticles());
    const app = workerApp(built);
    // 10 articles in Thai about the world: all in their group's file.
    expect((await app.request('/th/category/world/rss.xml?limit=10')).status).toBe(200);
    expect(built.fetched).toEqual([fileHolding(built, 'N3')]);
    // The site's 8 newest, in a new isolate: 2 of each language and category, a file each.
    built.fetched.length = 0;
    expect((await workerApp(built).request('/rss.xml?limit=8')).status).toBe(200);
    expect(built.fetched.sort()).toEqual([33, 34, 35, 36].map((day) => fileHolding(built, `N${day}`)).sort());
  });

  it('hold only what lists need: a field that comes with the content throws until it is loaded', async () => {
    const built = await prebuild(manyArticles());
    const catalog = createPrebuiltCatalog(built.data);
    const article = catalog.articleBySlug.get('a19');
    expect(article?.language).toBe('th');
    expect(article?.category?.slug).toBe('world');
    expect(article?.published).toBe(Date.parse('2024-02-10T06:00:00Z'));
    expect(() => article?.title).toThrow('article N19: its title comes with its content');
    const snapshot = createPrebuiltSnapshot(catalog, built.assets);
    const content = await snapshot.loadContent([article!], 'details');
    expect(content.article(article!).title).toBe('Title 19 “quoted” ข่าว');
  });

  it('list the articles newest first, with the dates, languages and categories the build read', async () => {
    const built = await prebuild(manyArticles());
    const reference = createCatalog(assembleArticles(await indexSource(createMemorySource(manyArticles()), built.site)), built.site);
    const listed = (articles: readonly Article[]) => articles.map(({ id, slug, language, category, published, updated }) => ({ id, slug, language, category, published, updated }));
    expect(listed(createPrebuiltCatalog(built.data).articles)).toEqual(listed(reference.articles));
  });

  it("keep each article's file time to the second, which is what Last-Modified tells, and none for an article without one", async () => {
    const site = testSite();
    const entries = await indexSource(createMemorySource(FILES), site);
    const [newer, older] = createCatalog(assembleArticles(entries), site).articles as [Article, Article];
    const times = [Date.UTC(2025, 2, 1, 9, 30, 0, 750), undefined];
    const { catalog } = planContent([{ ...newer, fileTime: times[0] }, { ...older, fileTime: times[1] }]);
    const data: PrebuiltData = { formatVersion: PREBUILT_FORMAT_VERSION, builtAt: NOW, site, catalog, problems: [], responses: [], bundleFiles: {} };
    // As the build writes it: about one digit an article for files checked out together.
    expect(JSON.parse(JSON.stringify(catalog)).fileSecondsBefore).toEqual([0, -1]);
    expect(createPrebuiltCatalog(data).articles.map((article) => article.fileTime)).toEqual([Date.UTC(2025, 2, 1, 9, 30, 0), undefined]);
  });
});
