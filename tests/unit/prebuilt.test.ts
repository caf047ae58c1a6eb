import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createFileContent } from '../../src/catalog/content-store.ts';
import { createCatalog } from '../../src/catalog/catalog.ts';
import { createFixedStore, createSnapshot } from '../../src/catalog/snapshot.ts';
import { assembleArticles, indexSource } from '../../src/articles/load.ts';
import type { Representation } from '../../src/http/representation.ts';
import {
  createPrebuiltCatalog,
  createPrebuiltResponses,
  createPrebuiltSnapshot,
  PREBUILT_FORMAT_VERSION,
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
async function prebuild() {
  const site = testSite();
  const source = createMemorySource(FILES);
  const entries = await indexSource(source, site);
  const catalog = createCatalog(assembleArticles(entries), site);
  const stamps = new Map(entries.map((entry) => [entry.path, entry.stamp]));
  const snapshot = createSnapshot(catalog, 1, createFileContent(source, site, (path) => stamps.get(path)));
  const files = new Map<string, Uint8Array>();
  const contentFiles: Record<string, string> = {};
  for (const [index, article] of catalog.articles.entries()) {
    contentFiles[article.id] = `/_wirefeed/c/${index}`;
    files.set(`/_wirefeed/c/${index}`, new TextEncoder().encode((await snapshot.loadContent([article])).html(article)));
  }
  const app = createApp({ site, store: createFixedStore(snapshot), now: () => NOW });
  await app.request('/rss.xml');
  const responses: PrebuiltData["responses"][number][] = [];
  for (const [key, value] of snapshot.responses.entries()) {
    const representation = await (value as Promise<Representation>);
    const file = `/_wirefeed/r/${responses.length}`;
    files.set(file, representation.body);
    responses.push({ key, file, etag: representation.etag, contentType: representation.contentType, lastModified: representation.lastModified });
  }
  const data: PrebuiltData = JSON.parse(
    JSON.stringify({ formatVersion: PREBUILT_FORMAT_VERSION, builtAt: NOW, site, articles: catalog.articles, problems: [], contentFiles, responses }),
  );
  const fetched: string[] = [];
  const assets: AssetFetcher = {
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      fetched.push(path);
      const body = files.get(path);
      return body ? new Response(body) : new Response('missing', { status: 404 });
    },
  };
  return { site, data, assets, fetched, files, reference: app };
}

function workerApp(built: Awaited<ReturnType<typeof prebuild>>) {
  const { data, assets, site } = built;
  const snapshot = createPrebuiltSnapshot(createPrebuiltCatalog(data), data, assets);
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
    // sports holds B only; the article page needs A; limit=1 shows B again (already in memory)
    expect(built.fetched).toEqual(['/_wirefeed/c/0', '/_wirefeed/c/1']);
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
      store: createFixedStore(createPrebuiltSnapshot(createPrebuiltCatalog(data), data, assets)),
      prebuilt: createPrebuiltResponses(data, assets),
      now: () => NOW,
      onError: (error) => errors.push(error),
    });
    expect((await app.request('/rss.xml')).status).toBe(500);
    expect(String(errors[0])).toContain('pre-built file /_wirefeed/r/0 is missing (404)');
  });
});
