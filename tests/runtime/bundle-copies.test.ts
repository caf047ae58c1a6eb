/**
 * Page bundles' images when a Workers build or a static export runs again into the folder of an
 * earlier one: an image copied then and unchanged since is not copied again (its copy keeps its
 * inode and change time), one changed is, one removed goes, a copy spoiled in between is made
 * again, and the folder ends as a full build's. Without a cache folder, every image is copied.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWorkerData } from '../../scripts/build-worker.ts';
import { exportSite } from '../../src/node/export.ts';
import { testSite, validArticle } from '../support/fixtures.ts';
import { filesOf } from '../support/output-files.ts';

const NOW = Date.parse('2026-11-28T00:00:00Z');
const BASE = 'https://news.example';

interface Build {
  readonly name: string;
  /** Builds the content into `outDir`, with the cache folder or none. */
  run(content: string, outDir: string, cacheDir: string): Promise<unknown>;
  /** Where a bundle's file lands in the output folder. */
  copyOf(slug: string, relative: string): string;
}

const builds: Build[] = [
  {
    name: 'a Workers build',
    run: (contentDir, outDir, cacheDir) =>
      buildWorkerData({ contentDir, configPath: join(contentDir, 'no-config.json'), configRequired: false, baseUrl: BASE, outDir, now: NOW, cacheDir, processes: 1, log: () => undefined }),
    copyOf: (slug, relative) => join('assets', '_wirefeed', 'b', slug, relative),
  },
  {
    name: 'a static export',
    run: (contentDir, outDir, cacheDir) =>
      exportSite({ port: 0, contentDir, site: testSite({}, BASE), cacheDir, cacheBudget: { responseBytes: 1e7, contentBytes: 1e7, answerBytes: 1e7 }, outDir, now: NOW, quiet: true }),
    copyOf: (slug, relative) => join('articles', slug, relative),
  },
];

describe.each(builds)('the images of page bundles, in $name into its earlier folder', (build) => {
  const base = mkdtempSync(join(tmpdir(), 'wirefeed-bundle-copies-'));
  const content = join(base, 'content');
  const cacheDir = join(base, 'cache');
  const out = join(base, 'out');
  const storm = join(content, '2024', 'storm');
  const copy = (relative: string) => join(out, build.copyOf('storm', relative));
  /** What tells a file written since: its inode and change time (a copy or a new time changes it). */
  const written = (path: string) => {
    const { ino, ctimeNs } = statSync(path, { bigint: true });
    return `${ino}:${ctimeNs}`;
  };
  /** A full build of the content as it is now, into a new folder. */
  const fresh = async () => {
    const folder = mkdtempSync(join(base, 'fresh-'));
    await build.run(content, folder, 'off');
    return filesOf(folder);
  };

  beforeEach(async () => {
    for (const folder of [content, cacheDir, out]) rmSync(folder, { recursive: true, force: true });
    mkdirSync(join(storm, 'images'), { recursive: true });
    writeFileSync(join(storm, 'index.md'), validArticle({ code: '"STORM"', date: '2024-11-20T10:00:00Z' }, '![a](kept.jpg) ![b](changed.jpg) ![c](images/gone.png)\n'));
    for (const [name, bytes] of [['kept.jpg', 'kept'], ['changed.jpg', 'before'], ['images/gone.png', 'gone'], ['spoiled.webp', 'spoiled']]) writeFileSync(join(storm, name as string), bytes as string);
    await build.run(content, out, cacheDir);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('copies only what changed, removes what is gone, and ends as a full build', async () => {
    const kept = written(copy('kept.jpg'));
    // The same size, another time: as an editor saves a corrected image.
    writeFileSync(join(storm, 'changed.jpg'), 'after!');
    const later = new Date('2026-11-27T00:00:00Z');
    utimesSync(join(storm, 'changed.jpg'), later, later);
    rmSync(join(storm, 'images', 'gone.png'));
    // A copy left half-made by a build stopped while copying: the time it was made at, not the file's.
    writeFileSync(copy('spoiled.webp'), 'spo');
    await build.run(content, out, cacheDir);
    expect(written(copy('kept.jpg'))).toBe(kept);
    expect(readFileSync(copy('changed.jpg'), 'utf8')).toBe('after!');
    expect(statSync(copy('changed.jpg')).mtimeMs).toBe(later.getTime());
    expect(readFileSync(copy('spoiled.webp'), 'utf8')).toBe('spoiled');
    expect(filesOf(out)).toEqual(await fresh());
    expect([...filesOf(out).keys()].some((path) => path.includes('gone.png'))).toBe(false);
  });

  it('copies every image again without a cache folder', async () => {
    const kept = written(copy('kept.jpg'));
    await build.run(content, out, 'off');
    expect(written(copy('kept.jpg'))).not.toBe(kept);
    expect(filesOf(out)).toEqual(await fresh());
  });
});
