/**
 * The index written to a disk that fills up: the save fails with a line in the log, the
 * process lives on (an unhandled rejection would fail this run), no half-written file is left,
 * and the index written before stays usable. The full disk is faked: the write stream of a
 * folder in `full` fails with ENOSPC once its first chunk is written.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexSource } from '../../src/articles/load.ts';
import { createFileIndexCache, indexFingerprint } from '../../src/node/index-cache.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

const full = vi.hoisted(() => new Set<string>());

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = ((path: string, options?: unknown) => {
    const stream = fs.createWriteStream(path, options as never);
    if (![...full].some((folder) => String(path).startsWith(`${folder}/`))) return stream;
    const write = stream.write.bind(stream) as (chunk: unknown) => boolean;
    let writes = 0;
    stream.write = ((chunk: unknown) => {
      writes += 1;
      if (writes === 1) return write(chunk);
      process.nextTick(() => stream.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
      return false;
    }) as typeof stream.write;
    return stream;
  }) as typeof fs.createWriteStream;
  return { ...fs, createWriteStream, default: { ...fs, createWriteStream } };
});

describe('an index written to a disk that fills up', () => {
  let dir = '';
  afterEach(() => {
    full.clear();
    rmSync(dir, { recursive: true, force: true });
  });
  /** The entries of fifty articles, and where their index goes, in a new folder. */
  const fiftyArticles = async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-full-disk-'));
    const site = testSite();
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`${index}.md`, validArticle({ code: `"C${index}"` })]));
    return { site, file: join(dir, 'index.json'), entries: await indexSource(createMemorySource(files), site) };
  };

  it('fails with a line in the log, leaves no half-written file, and keeps the index written before', async () => {
    const { site, file, entries } = await fiftyArticles();
    await createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 }).save(entries);

    full.add(dir);
    const logged: string[] = [];
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0, log: (message) => logged.push(message) });
    await cache.save(entries.slice(1));
    await cache.flush();
    expect(logged).toEqual(['could not write the index cache: ENOSPC: no space left on device, write']);
    expect(readdirSync(dir)).toEqual(['index.json']);
    full.clear();
    expect((await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load())?.size).toBe(50);
  });

  it('says so once while writes keep failing, and again once one succeeds', async () => {
    const { site, file, entries } = await fiftyArticles();
    full.add(dir);
    const logged: string[] = [];
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0, log: (message) => logged.push(message) });
    for (const count of [49, 48, 47]) {
      void cache.save(entries.slice(0, count));
      await cache.flush();
    }
    expect(logged).toEqual(['could not write the index cache: ENOSPC: no space left on device, write']);
    full.clear();
    void cache.save(entries);
    await cache.flush();
    expect(logged).toEqual(['could not write the index cache: ENOSPC: no space left on device, write', 'the index cache is written again']);
    expect((await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load())?.size).toBe(50);
  });
});
