/**
 * An export into the folder of an earlier one renders only the article pages whose files
 * changed: each export here is compared byte for byte with a full export of the same content
 * into a new folder, and the pages it rendered are told by their files' modification times.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportSite, type ExportOptions } from '../../src/node/export.ts';
import { exportManifestPath } from '../../src/node/export-manifest.ts';
import type { RenderMany } from '../../src/node/parallel-export.ts';
import { testSite, validArticle } from '../support/fixtures.ts';
import { ageFiles, filesOf, writtenSince } from '../support/output-files.ts';

const NOW = Date.parse('2026-11-28T00:00:00Z');
const ARTICLES = 12;
describe('an export into the folder of an earlier one', () => {
  const base = mkdtempSync(join(tmpdir(), 'wirefeed-incremental-export-'));
  const content = join(base, 'content');
  const cacheDir = join(base, 'cache');
  const out = join(base, 'site');
  const options = (outDir: string, more: Partial<ExportOptions> = {}): ExportOptions => ({
    port: 0,
    contentDir: content,
    site: testSite(),
    cacheDir,
    cacheBudget: { responseBytes: 1e7, contentBytes: 1e7, answerBytes: 1e7 },
    outDir,
    now: NOW,
    quiet: true,
    ...more,
  });
  /** A full export of the content as it is now, into a new folder. */
  const fresh = async (now = NOW) => {
    const folder = mkdtempSync(join(base, 'fresh-'));
    await exportSite(options(folder, { cacheDir: 'off', now }));
    return filesOf(folder);
  };
  const story = (index: number, title = `Story ${index}`) =>
    validArticle({ code: `"S${index}"`, title: `"${title}"`, category: index % 2 === 0 ? '"WORLD"' : '"SPORTS"', date: `2024-11-${String(1 + (index % 28)).padStart(2, '0')}T10:00:00Z` }, `Body of story ${index}.`);

  beforeEach(async () => {
    rmSync(content, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    mkdirSync(content, { recursive: true });
    for (let index = 0; index < ARTICLES; index += 1) writeFileSync(join(content, `story-${index}.md`), story(index));
    const first = await exportSite(options(out));
    expect(first.kept).toBe(0);
    ageFiles(out);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('renders again only the pages of the files changed or added, removes the pages of those removed, and ends as a full export does', async () => {
    writeFileSync(join(content, 'story-3.md'), story(3, 'Story 3, corrected'));
    writeFileSync(join(content, 'story-99.md'), story(99));
    rmSync(join(content, 'story-5.md'));
    const result = await exportSite(options(out));
    expect(result).toMatchObject({ articles: ARTICLES, kept: ARTICLES - 2 });
    const rewritten = writtenSince(out).filter((path) => path.startsWith('articles/'));
    expect(rewritten).toEqual(['articles/story-3.html', 'articles/story-99.html']);
    expect(existsSync(join(out, 'articles', 'story-5.html'))).toBe(false);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('renders every feed, the index and the OPML file again, whatever changed', async () => {
    writeFileSync(join(content, 'story-3.md'), story(3, 'Story 3, corrected'));
    await exportSite(options(out));
    const rewritten = writtenSince(out).filter((path) => !path.startsWith('articles/'));
    expect(rewritten).toEqual(expect.arrayContaining(['index.html', 'feeds.opml', 'rss.xml', 'atom.xml', 'feed.json', 'category/world/rss.xml']));
    expect(filesOf(out)).toEqual(await fresh());
  });

  it("removes the feeds of a scope that is gone, and its folder", async () => {
    for (let index = 1; index < ARTICLES; index += 2) rmSync(join(content, `story-${index}.md`));
    await exportSite(options(out));
    expect(existsSync(join(out, 'category', 'sports'))).toBe(false);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('removes the page of an article moved to a later date, and writes it once that date has come', async () => {
    writeFileSync(join(content, 'story-4.md'), validArticle({ code: '"S4"', title: '"Story 4"', category: '"WORLD"', date: '2026-12-01T10:00:00Z' }, 'Body of story 4.'));
    await exportSite(options(out));
    expect(existsSync(join(out, 'articles', 'story-4.html'))).toBe(false);
    expect(filesOf(out)).toEqual(await fresh());
    const later = Date.parse('2026-12-02T00:00:00Z');
    const result = await exportSite(options(out, { now: later }));
    expect(result.kept).toBe(ARTICLES - 1);
    expect(existsSync(join(out, 'articles', 'story-4.html'))).toBe(true);
    expect(filesOf(out)).toEqual(await fresh(later));
  });

  it('renders a page again whose file was removed from the output', async () => {
    rmSync(join(out, 'articles', 'story-4.html'));
    const result = await exportSite(options(out));
    expect(result.kept).toBe(ARTICLES - 1);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('renders every page after a change of the configuration, with --full, or without a cache folder', async () => {
    const retitled = await exportSite(options(out, { site: testSite({ title: 'Renamed News' }) }));
    expect(retitled.kept).toBe(0);
    expect((await exportSite(options(out))).kept).toBe(0);
    expect((await exportSite(options(out))).kept).toBe(ARTICLES);
    expect((await exportSite(options(out, { full: true }))).kept).toBe(0);
    expect((await exportSite(options(out, { cacheDir: 'off' }))).kept).toBe(0);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('keeps no page by an export that stopped half-way: the next renders every page', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const failing: RenderMany = () => Promise.reject(new Error('killed'));
    writeFileSync(join(content, 'story-3.md'), story(3, 'Story 3, corrected'));
    await expect(exportSite(options(out, { parallel: { renderMany: failing, processes: 2, from: 1, scratchDir: base } }))).rejects.toThrow('killed');
    warn.mockRestore();
    expect(existsSync(exportManifestPath(cacheDir, out))).toBe(false);
    const result = await exportSite(options(out));
    expect(result.kept).toBe(0);
    expect(filesOf(out)).toEqual(await fresh());
  });
});
