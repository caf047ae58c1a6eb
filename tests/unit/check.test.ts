/**
 * `wirefeed check` tells a publisher what depends on when it runs: the articles scheduled (dated
 * later, held back from every feed and page) and a modification time still ahead (shown in feeds
 * as written). "Now" is given, so each case is fixed in time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkContent, formatReport } from '../../src/node/check.ts';
import type { Settings } from '../../src/node/settings.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

const NOW = Date.parse('2024-12-01T00:00:00Z');

describe('wirefeed check and time', () => {
  let root = '';
  const settings = (): Settings => ({
    port: 0,
    contentDir: root,
    site: testSite({ timeZone: 'Asia/Bangkok' }),
    cacheDir: 'off',
    cacheBudget: { responseBytes: 1e6, contentBytes: 1e6, answerBytes: 1e6 },
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-check-'));
    mkdirSync(join(root, 'later'));
    writeFileSync(join(root, 'now.md'), validArticle({ code: 'NOW', date: '2024-11-30T10:00:00Z' }));
    // Two scheduled articles, the later one first in path order.
    writeFileSync(join(root, 'later', 'a.md'), validArticle({ code: 'LATE-A', date: '2025-01-01T09:00:00+07:00' }));
    writeFileSync(join(root, 'later', 'b.md'), validArticle({ code: 'LATE-B', slug: 'soon', date: '2024-12-24T18:00:00Z' }));
    // Published, with Hugo's `lastmod` ahead of the check (line 8 of the file).
    writeFileSync(join(root, 'ahead.md'), validArticle({ code: 'AHEAD', lastmod: '2025-06-01T00:00:00Z' }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists the scheduled articles, the next first, with their time in the site zone and their page', async () => {
    const report = await checkContent(settings(), { quiet: true, now: NOW });
    expect(report.articles).toBe(4);
    expect(report.scheduled).toEqual([
      { path: 'later/b.md', slug: 'soon', date: '2024-12-25T01:00:00+07:00' },
      { path: 'later/a.md', slug: 'a', date: '2025-01-01T09:00:00+07:00' },
    ]);
    const text = formatReport(report);
    expect(text).toContain('later/b.md: scheduled: held back from every feed and page until 2024-12-25T01:00:00+07:00 (/articles/soon)\n');
    expect(text).toMatch(/\nwirefeed check: 4 files, 4 articles \(2 scheduled\), 0 drafts, 0 errors, 1 warning: every file can be served\n$/);
  });

  it('warns of a modification time ahead, naming the field the file gives it by and its line', async () => {
    const report = await checkContent(settings(), { quiet: true, now: NOW });
    expect(report.problems).toEqual([
      {
        path: 'ahead.md',
        severity: 'warning',
        field: 'lastmod',
        line: 8,
        message: 'is in the future (2025-06-01T07:00:00+07:00): feeds and the page show it as written, so readers see this article, and every feed that holds it, as changed then',
      },
    ]);
    expect(report.warnings).toBe(1);
    // A scheduled article's own modification time is no warning: nothing shows it yet.
    writeFileSync(join(root, 'later', 'a.md'), validArticle({ code: 'LATE-A', date: '2025-01-01T09:00:00+07:00', updated: '2025-02-01T00:00:00Z' }));
    expect((await checkContent(settings(), { quiet: true, now: NOW })).problems.map(({ path }) => path)).toEqual(['ahead.md']);
  });

  it('finds nothing scheduled or ahead once their time has come', async () => {
    const report = await checkContent(settings(), { quiet: true, now: Date.parse('2025-06-01T00:00:00Z') });
    expect(report.scheduled).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(formatReport(report)).toBe('wirefeed check: 4 files, 4 articles, 0 drafts, 0 errors, 0 warnings: every file can be served\n');
  });
});
