/**
 * A folder of the content that may not be read (its permissions): it is left out and reported,
 * naming it, and nothing else is lost. Root may read any folder, so the refusal is faked.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Problem } from '../../src/articles/article.ts';
import { checkContent, formatReport } from '../../src/node/check.ts';
import { createFsSource } from '../../src/sources/fs.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

/** Folders that readdirSync refuses, as it does a folder without read permission. */
const refused = vi.hoisted(() => new Set<string>());

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: string, options?: unknown) => {
    if (refused.has(String(path))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: 'EACCES' });
    return fs.readdirSync(path, options as never);
  }) as typeof fs.readdirSync;
  return { ...fs, readdirSync, default: { ...fs, readdirSync } };
});

describe('a folder of the content that may not be read', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-unreadable-'));
    for (const folder of ['open', 'closed', 'closed/inner']) mkdirSync(join(root, folder));
    writeFileSync(join(root, 'open', 'a.md'), validArticle({ code: '"A"' }));
    writeFileSync(join(root, 'closed', 'b.md'), validArticle({ code: '"B"' }));
    writeFileSync(join(root, 'closed', 'inner', 'c.md'), validArticle({ code: '"C"' }));
    refused.add(join(root, 'closed'));
  });
  afterEach(() => {
    refused.clear();
    rmSync(root, { recursive: true, force: true });
  });

  it('is left out of a listing and told of by its path, and the next listing, which reads it again, finds it once it may be read', async () => {
    const problems: Problem[] = [];
    const source = createFsSource(root, { onListingProblem: (problem) => problems.push(problem) });
    const listed = await source.list();
    expect(listed).toEqual(['open/a.md']);
    expect(problems).toEqual([{ path: 'closed', severity: 'error', message: 'folder cannot be read (EACCES): the articles in it are left out' }]);
    // Not vouched for, so that a restart lists it again rather than trusting the saved listing.
    expect(await source.listingHolds?.(source.foldersOf?.(listed) ?? [])).toBe(false);
    refused.clear();
    expect(await source.list()).toEqual(['closed/b.md', 'closed/inner/c.md', 'open/a.md']);
    expect(problems).toHaveLength(1);
  });

  it('throws when it is the content folder itself', async () => {
    refused.add(root);
    await expect(createFsSource(root).list()).rejects.toThrow(/EACCES/);
  });

  it('is an error of `wirefeed check`, with the articles it can read checked', async () => {
    const site = testSite();
    const report = await checkContent({ port: 0, contentDir: root, site, cacheDir: 'off', cacheBudget: { responseBytes: 1e6, contentBytes: 1e6, answerBytes: 1e6 } }, { quiet: true });
    expect(report.articles).toBe(1);
    expect(report.errors).toBe(1);
    expect(report.problems.map(({ path }) => path)).toEqual(['closed']);
    expect(formatReport(report)).toMatch(/: 1 folder cannot be read\n$/);
  });
});
