/**
 * The Workers build's content files: written in several processes, the same bytes as in one; and
 * a build into the folder of an earlier one writes only the content files whose articles changed
 * (wrangler then uploads only those). Each build here is compared byte for byte with a full build
 * of the same content into a new folder, and the files it wrote are told by their modification
 * times.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { writeTaskFilesElsewhere } from '../../scripts/build-worker-content.ts';
import { buildWorkerData, type BuildOptions } from '../../scripts/build-worker.ts';
import { exportManifestPath } from '../../src/node/export-manifest.ts';
import { testSite, validArticle } from '../support/fixtures.ts';
import { ageFiles, filesOf, writtenSince } from '../support/output-files.ts';

const NOW = Date.parse('2026-11-28T00:00:00Z');
/** 20 articles in each of two categories: two content files each (16 articles a file). */
const ARTICLES = 40;
const CONTENT_FILES = 4;
/** The content files of a build, by their paths in it, sorted. */
const contentFilesOf = (dir: string) => [...filesOf(dir).keys()].filter((path) => path.startsWith('assets/_wirefeed/c/')).sort();
/** The content files a build wrote since ageFiles. */
const writtenContent = (dir: string) => writtenSince(dir).filter((path) => path.startsWith('assets/_wirefeed/c/'));

describe('a Workers build into the folder of an earlier one', () => {
  const base = mkdtempSync(join(tmpdir(), 'wirefeed-incremental-worker-'));
  const content = join(base, 'content');
  const cacheDir = join(base, 'cache');
  const out = join(base, 'build');
  const options = (outDir: string, more: Partial<BuildOptions> = {}): BuildOptions => ({
    contentDir: content,
    configPath: join(base, 'no-config.json'),
    configRequired: false,
    baseUrl: 'https://news.example',
    outDir,
    now: NOW,
    cacheDir,
    log: () => undefined,
    ...more,
  });
  /** A full build of the content as it is now, into a new folder. */
  const fresh = async () => {
    const folder = mkdtempSync(join(base, 'fresh-'));
    const result = await buildWorkerData(options(folder, { cacheDir: 'off' }));
    expect(result.kept).toBe(0);
    return filesOf(folder);
  };
  const story = (index: number, title = `Story ${index}`, body = `Body of story ${index}.`) =>
    validArticle(
      { code: `"S${index}"`, title: `"${title}"`, category: index % 2 === 0 ? '"WORLD"' : '"SPORTS"', date: `2024-10-${String(1 + (index % 28)).padStart(2, '0')}T${String(index % 24).padStart(2, '0')}:00:00Z` },
      body,
    );

  beforeEach(async () => {
    for (const folder of [content, cacheDir, out]) rmSync(folder, { recursive: true, force: true });
    mkdirSync(content, { recursive: true });
    for (let index = 0; index < ARTICLES; index += 1) writeFileSync(join(content, `story-${index}.md`), story(index));
    const first = await buildWorkerData(options(out));
    expect(first).toMatchObject({ articles: ARTICLES, kept: 0 });
    ageFiles(out);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('keeps every content file when nothing changed', async () => {
    const result = await buildWorkerData(options(out));
    expect(result.kept).toBe(CONTENT_FILES);
    expect(writtenContent(out)).toEqual([]);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('writes again only the content file of an article whose body or title changed, and ends as a full build does', async () => {
    writeFileSync(join(content, 'story-6.md'), story(6, 'Story 6', 'Body of story 6, corrected.'));
    const afterBody = await buildWorkerData(options(out));
    expect(afterBody.kept).toBe(CONTENT_FILES - 1);
    const [bodyFile, ...others] = writtenContent(out);
    expect(others).toEqual([]);
    expect(filesOf(out).get(bodyFile!)).toContain('Body of story 6, corrected.');
    expect(filesOf(out)).toEqual(await fresh());

    ageFiles(out);
    writeFileSync(join(content, 'story-7.md'), story(7, 'Story 7, retitled'));
    expect((await buildWorkerData(options(out))).kept).toBe(CONTENT_FILES - 1);
    expect(writtenContent(out)).toHaveLength(1);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('ends as a full build does after articles are added and removed, and removes the files no longer written', async () => {
    writeFileSync(join(content, 'story-99.md'), story(99));
    rmSync(join(content, 'story-0.md'));
    await buildWorkerData(options(out));
    expect(filesOf(out)).toEqual(await fresh());
    for (let index = 1; index < ARTICLES; index += 2) rmSync(join(content, `story-${index}.md`));
    // Left: 19 articles of one category and 1 of the other, in 3 files.
    const result = await buildWorkerData(options(out));
    expect(result.files - result.responses).toBe(3);
    expect(contentFilesOf(out)).toHaveLength(3);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('writes a content file again that was removed from the build', async () => {
    const [removed] = contentFilesOf(out);
    rmSync(join(out, removed!));
    const result = await buildWorkerData(options(out));
    expect(result.kept).toBe(CONTENT_FILES - 1);
    expect(writtenContent(out)).toEqual([removed]);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('writes every file after a change of the configuration, and without a cache folder', async () => {
    expect((await buildWorkerData(options(out, { baseUrl: 'https://elsewhere.example' }))).kept).toBe(0);
    expect((await buildWorkerData(options(out))).kept).toBe(0);
    expect((await buildWorkerData(options(out))).kept).toBe(CONTENT_FILES);
    expect((await buildWorkerData(options(out, { cacheDir: 'off' }))).kept).toBe(0);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('keeps no file by a build that stopped half-way: the next writes every file', async () => {
    writeFileSync(join(content, 'story-6.md'), story(6, 'Story 6', 'Body of story 6, corrected.'));
    // The file the change rewrites is a folder, so the build fails when it writes it.
    const changed = [...filesOf(out)].find(([path, bytes]) => path.startsWith('assets/_wirefeed/c/') && bytes.includes('"id":"S6"'))![0];
    rmSync(join(out, changed));
    mkdirSync(join(out, changed));
    writeFileSync(join(out, changed, 'in-the-way'), '');
    await expect(buildWorkerData(options(out))).rejects.toThrow(/EISDIR/);
    expect(existsSync(exportManifestPath(cacheDir, out, 'worker'))).toBe(false);
    rmSync(join(out, changed), { recursive: true });
    const result = await buildWorkerData(options(out));
    expect(result.kept).toBe(0);
    expect(filesOf(out)).toEqual(await fresh());
  });

  it('writes the same files in several processes as in one', async () => {
    writeFileSync(join(content, 'story-6.md'), story(6, 'Story 6', 'ข่าว “quoted” *emphasis* and [a link](https://example.com).'));
    const one = mkdtempSync(join(base, 'one-'));
    const shared = mkdtempSync(join(base, 'shared-'));
    expect(await buildWorkerData(options(one, { cacheDir: 'off', processes: 1 }))).toMatchObject({ processes: 1 });
    const result = await buildWorkerData(options(shared, { cacheDir: 'off', processes: 3, parallelFrom: 1 }));
    expect(result).toMatchObject({ processes: 3, files: result.responses + CONTENT_FILES });
    expect(filesOf(shared)).toEqual(filesOf(one));
  });
});

describe('a content process of the Workers build', () => {
  it('fails, saying why, when it cannot write a file', async () => {
    const contentDir = mkdtempSync(join(tmpdir(), 'wirefeed-content-task-'));
    // The assets folder is to be made inside a file.
    writeFileSync(join(contentDir, 'a-file'), '');
    const task = { contentDir, site: testSite(), assets: join(contentDir, 'a-file', 'assets'), files: [{ path: '/_wirefeed/c/x/0', articles: [] }] };
    await expect(writeTaskFilesElsewhere(task).sizes).rejects.toThrow(/a content process failed: ENOTDIR/);
    rmSync(contentDir, { recursive: true, force: true });
  });
});
