/**
 * Rendered HTML kept between runs: a restart serves what the last run rendered without reading
 * or rendering those files again, never for a file that changed while stopped, and never from a
 * kept file that is damaged or was written by another build or configuration.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContentStore, type ContentKeeper } from '../../src/catalog/content-store.ts';
import { createFileIndexCache, indexFingerprint, runningBuild } from '../../src/node/index-cache.ts';
import { createFileContentKeeper, keptContentPath } from '../../src/node/kept-content.ts';
import { createMemorySource, type MemorySource } from '../../src/sources/memory.ts';
import { leaveHalfWrittenFiles, testSite, validArticle } from '../support/fixtures.ts';

const FILES = {
  'a.md': validArticle({ code: '"A"', title: '"First"', date: '2024-01-01T00:00:00Z' }, 'Body *A*, ข่าว 🙂.'),
  'b.md': validArticle({ code: '"B"', title: '"Second"', date: '2024-01-02T00:00:00Z' }, 'Body B.'),
};

/** The same files behind a source that records which bodies are read (each read renders one). */
function countingReads(source: MemorySource) {
  const reads: string[] = [];
  return {
    reads,
    source: {
      ...source,
      read: async (path: string) => {
        reads.push(path);
        return source.read(path);
      },
    },
  };
}

let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function keeperAt(options: { budget?: number; fingerprint?: string; log?: (line: string) => void } = {}) {
  const file = keptContentPath(join(folder, 'index-x.json'));
  return { file, keeper: createFileContentKeeper({ file, fingerprint: options.fingerprint ?? 'F', ...options }) };
}

/** Runs a store over `source` with `keeper`, shows every article, and keeps the HTML as a server does when it stops. */
async function run(source: MemorySource, keeper: ContentKeeper, slugs = ['a', 'b']) {
  const counted = countingReads(source);
  const store = createContentStore(counted.source, testSite(), { keeper });
  const snapshot = await store.current();
  const articles = slugs.map((slug) => snapshot.catalog.articleBySlug.get(slug)!);
  const content = await snapshot.loadContent(articles);
  const html = articles.map((article) => content.html(article));
  await store.keepContent();
  return { reads: counted.reads, html };
}

describe('rendered HTML kept between runs', () => {
  it('is served after a restart without reading or rendering those files again', async () => {
    folder = mkdtempSync(join(tmpdir(), 'wirefeed-kept-'));
    const { keeper } = keeperAt();
    const source = createMemorySource(FILES);
    const first = await run(source, keeper);
    expect(first.reads).toEqual(['a.md', 'b.md']);
    expect(first.html[0]).toBe('<p>Body <em>A</em>, ข่าว 🙂.</p>\n');
    const second = await run(source, keeper);
    expect(second.reads).toEqual([]);
    expect(second.html).toEqual(first.html);
  });

  it('is not used for a file changed while stopped: that one is rendered from the new file', async () => {
    folder = mkdtempSync(join(tmpdir(), 'wirefeed-kept-'));
    const { keeper } = keeperAt();
    const source = createMemorySource(FILES);
    await run(source, keeper);
    source.write('a.md', FILES['a.md'].replace('Body *A*', 'Body *A*, edited'));
    const second = await run(source, keeper);
    expect(second.reads).toEqual(['a.md']);
    expect(second.html[0]).toBe('<p>Body <em>A</em>, edited, ข่าว 🙂.</p>\n');
  });

  it('keeps the most recently used articles first, within its budget of characters', async () => {
    folder = mkdtempSync(join(tmpdir(), 'wirefeed-kept-'));
    const { keeper } = keeperAt({ budget: '<p>Body B.</p>\n'.length });
    const source = createMemorySource(FILES);
    // a, then b: b is the most recent, and the only one that fits
    await run(source, keeper, ['a', 'b']);
    expect([...((await keeper.load()) ?? [])].map(([, html]) => html)).toEqual(['<p>Body B.</p>\n']);
    const second = await run(source, keeper);
    expect(second.reads).toEqual(['a.md']);
  });

  it('is served after a restart for a file broken after a good version, as that version: the index keeps which version it is', async () => {
    folder = mkdtempSync(join(tmpdir(), 'wirefeed-kept-'));
    const site = testSite();
    const { keeper } = keeperAt({ fingerprint: indexFingerprint(site) });
    const source = createMemorySource(FILES);
    /** A run of a server over `source` with its index and kept HTML: `during` is done to it, then it stops. */
    const serverRun = async (during: (store: ReturnType<typeof createContentStore>) => Promise<void> = async () => undefined) => {
      const cache = createFileIndexCache({ file: join(folder, 'index-x.json'), fingerprint: indexFingerprint(site), settleMs: 0 });
      const counted = countingReads(source);
      const store = createContentStore(counted.source, site, { cache, keeper });
      const snapshot = await store.current();
      const a = snapshot.catalog.articleBySlug.get('a')!;
      const html = (await snapshot.loadContent([a])).html(a);
      const problems = snapshot.catalog.problems.map(({ message }) => message);
      await during(store);
      await store.keepContent();
      await cache.flush();
      return { html, problems, reads: counted.reads };
    };
    const good = '<p>Body <em>A</em>, ข่าว 🙂.</p>\n';
    expect((await serverRun(async (store) => {
      source.write('a.md', '---\ncode: "A"\ntitle: "Half-wri');
      await store.update(['a.md']);
    })).html).toBe(good);
    const restarted = await serverRun();
    expect(restarted.html).toBe(good);
    expect(restarted.reads).toEqual([]);
    expect(restarted.problems).toContain('the last good version of this file is served until it is valid again');
    // And again: the second run kept it as the first did.
    expect((await serverRun()).html).toBe(good);
    // Valid again while stopped: the new version.
    source.write('a.md', FILES['a.md'].replace('Body *A*', 'Body *A*, fixed'));
    const fixed = await serverRun();
    expect(fixed.html).toBe('<p>Body <em>A</em>, fixed, ข่าว 🙂.</p>\n');
    expect(fixed.problems).toEqual([]);
  });

  it('does not stop a store whose keeper fails', async () => {
    const source = createMemorySource(FILES);
    const failing: ContentKeeper = {
      load: () => Promise.reject(new Error('disk on fire')),
      keep: async () => undefined,
    };
    expect((await run(source, failing)).html[1]).toBe('<p>Body B.</p>\n');
  });
});

describe('the file of kept HTML', () => {
  async function written() {
    folder = mkdtempSync(join(tmpdir(), 'wirefeed-kept-'));
    const logs: string[] = [];
    const { file, keeper } = keeperAt({ log: (line) => logs.push(line) });
    await keeper.keep([
      ['a.md\u00001\u00002\u0000a', '<p>A</p>\n'],
      ['b.md\u00001\u00002\u0000b', '<p>B</p>\n'],
    ]);
    return { file, keeper, logs };
  }

  it('is read back as kept, next to the index', async () => {
    const { file, keeper, logs } = await written();
    expect(file).toBe(join(folder, 'index-x.html.json'));
    expect(await keeper.load()).toEqual([
      ['a.md\u00001\u00002\u0000a', '<p>A</p>\n'],
      ['b.md\u00001\u00002\u0000b', '<p>B</p>\n'],
    ]);
    expect(logs).toEqual([]);
  });

  it('leaves no half-written file of a process killed while writing it, and spares a live writer\'s', async () => {
    const { file, keeper } = await written();
    const { abandoned, live } = leaveHalfWrittenFiles(file, '{"format":1');
    expect(await keeper.load()).toHaveLength(2);
    expect([existsSync(abandoned), existsSync(live)]).toEqual([false, true]);
  });

  it('is not there before a first run, which is nothing to complain about', async () => {
    folder = mkdtempSync(join(tmpdir(), 'wirefeed-kept-'));
    const logs: string[] = [];
    expect(await keeperAt({ log: (line) => logs.push(line) }).keeper.load()).toBeUndefined();
    expect(logs).toEqual([]);
  });

  it.each([
    ['changed HTML', (text: string) => text.replace('<p>A</p>', '<p>X</p>'), 'its checksum does not match'],
    ['cut short', (text: string) => text.slice(0, text.length - 10), 'its checksum does not match'],
    ['no header', (text: string) => text.slice(0, text.indexOf('\n')), 'it is cut short'],
    ['another format', (text: string) => text.replace('"format":1', '"format":0'), 'format 0, not 1'],
  ])('is ignored as a whole, saying why, when %s', async (_, damage, reason) => {
    const { file, keeper, logs } = await written();
    writeFileSync(file, damage(readFileSync(file, 'utf8')));
    expect(await keeper.load()).toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(file);
    expect(logs[0]).toContain(reason);
  });

  it('is ignored when its checksum matches but it does not hold [version, html] pairs', async () => {
    const { file, keeper, logs } = await written();
    const body = JSON.stringify([['a.md', 42]]);
    const sha256 = createHash('sha256').update(body).digest('base64url');
    writeFileSync(file, `${JSON.stringify({ format: 1, fingerprint: 'F', sha256 })}\n${body}`);
    expect(await keeper.load()).toBeUndefined();
    expect(logs[0]).toContain('it is malformed');
  });

  it('is ignored when another build or configuration wrote it', async () => {
    const { file } = await written();
    const logs: string[] = [];
    const other = createFileContentKeeper({ file, fingerprint: 'G', log: (line) => logs.push(line) });
    expect(await other.load()).toBeUndefined();
    expect(logs[0]).toContain('written for another build or configuration');
  });
});

describe('the fingerprint of the index and of the HTML kept with it', () => {
  it('names the build that made them as well as the configuration', () => {
    const site = testSite();
    expect(indexFingerprint(site)).toBe(indexFingerprint(site, runningBuild()));
    expect(indexFingerprint(site, 'another build')).not.toBe(indexFingerprint(site));
    expect(runningBuild()).toMatch(/^[\w-]{43}$/);
  });
});
