import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexSource } from '../../src/articles/load.ts';
import { createFileIndexCache, defaultIndexPath, forgetOtherConfigurations, indexFingerprint } from '../../src/node/index-cache.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { leaveHalfWrittenFiles, testSite, validArticle } from '../support/fixtures.ts';

/** Folders whose files may not be removed, as in a read-only cache (root may remove anything, so this is faked). */
const readOnly = vi.hoisted(() => new Set<string>());

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const rmSync: typeof fs.rmSync = (path, options) => {
    for (const folder of readOnly) {
      if (String(path).startsWith(`${folder}/`)) throw Object.assign(new Error(`EROFS: read-only file system, unlink '${String(path)}'`), { code: 'EROFS' });
    }
    fs.rmSync(path, options);
  };
  return { ...fs, rmSync, default: { ...fs, rmSync } };
});

describe('a cache folder this process may not change', () => {
  let dir = '';
  afterEach(() => {
    readOnly.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  it('still gives back its index, with a half-done write of a killed process in it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-read-only-'));
    const site = testSite();
    const file = join(dir, 'index.json');
    const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settleMs: 0 });
    await cache.save(await indexSource(createMemorySource({ 'a.md': validArticle({ code: '"A"', title: '"First"' }) }), site));
    const { abandoned } = leaveHalfWrittenFiles(file, '{"format":1');
    readOnly.add(dir);
    const loaded = await createFileIndexCache({ file, fingerprint: indexFingerprint(site) }).load();
    expect([...loaded!.keys()]).toEqual(['a.md']);
    expect(existsSync(abandoned)).toBe(true);
  });

  it('keeps the indexes of other configurations it would have removed, and says nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-read-only-'));
    const names = [0, 1, 2, 3, 4, 5].map((n) => {
      const file = defaultIndexPath(dir, 'news', testSite({}, `https://site-${n}.example`));
      writeFileSync(file, '{}');
      return file;
    });
    readOnly.add(dir);
    expect(() => forgetOtherConfigurations(names[0]!)).not.toThrow();
    expect(readdirSync(dir)).toHaveLength(6);
  });
});
