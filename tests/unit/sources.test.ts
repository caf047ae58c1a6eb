import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFsSource, startStatThreadsEarly } from '../../src/sources/fs.ts';
import { comparePaths, isArticlePath, isSafeContentPath, stampsFrom, stampsReusing } from '../../src/sources/source.ts';

describe('content paths', () => {
  it.each([
    ['2024/11/story.md', true],
    ['story.MARKDOWN', true],
    ['notes.Txt', true],
    ['.md', true],
    ['story.mdx', false],
    ['story', false],
    ['md', false],
    ['story.md/', false],
    // Hugo's section pages (a list page's title and text), not its page bundles (index.md).
    ['_index.md', false],
    ['posts/_INDEX.Markdown', false],
    ['posts/my-story/index.md', true],
    ['posts/_index.old.md', true],
    ['posts/my_index.md', true],
  ])('%s is an article file name: %s', (path, expected) => {
    expect(isArticlePath(path)).toBe(expected);
  });

  it.each([
    ['2024/11/story.md', true],
    ['a/b/c/d.markdown', true],
    ['', false],
    ['/etc/passwd.md', false],
    ['../story.md', false],
    ['2024/../../story.md', false],
    ['./story.md', false],
    ['2024/./story.md', false],
    ['2024//story.md', false],
    ['2024\\story.md', false],
    ['story\0.md', false],
    ['2024/story.png', false],
    ['a.b/c.d.md', true],
    ['2024/story..md', true],
    // Hidden names are no content, as the listing and the watcher skip them.
    ['..md', false],
    ['.md', false],
    ['2024/..hidden.md', false],
    ['2024/.draft.md', false],
    ['.git/story.md', false],
    // Hugo's section pages, which a watcher may name.
    ['_index.md', false],
    ['posts/_index.txt', false],
    ['_index/story.md', true],
    ['posts/_index.old.md', true],
  ])('%j may name a content file: %s', (path, expected) => {
    expect(isSafeContentPath(path)).toBe(expected);
  });
});

describe('stamps taken again from those just taken', () => {
  const known = { paths: ['2024/a.md', '2024/b.md', 'c.md'], stamps: stampsFrom([{ size: 1, mtimeMs: 10 }, undefined, { size: 3, mtimeMs: 30 }]) };

  it('takes the known paths\' stamps as they are (a file gone among them too) and asks only for the others, in order', async () => {
    const asked: string[][] = [];
    const stampsOf = async (paths: readonly string[]) => (asked.push([...paths]), stampsFrom(paths.map((path) => ({ size: path.length, mtimeMs: 99 }))));
    const stamps = await stampsReusing(['2024/a.md', '2024/aa.md', '2024/b.md', 'c.md', 'd.md'], known, stampsOf);
    expect(asked).toEqual([['2024/aa.md', 'd.md']]);
    expect([0, 1, 2, 3, 4].map((index) => stamps.get(index))).toEqual([{ size: 1, mtimeMs: 10 }, { size: 10, mtimeMs: 99 }, undefined, { size: 3, mtimeMs: 30 }, { size: 4, mtimeMs: 99 }]);
  });

  it('asks for nothing when every path is known, and never gives a path another\'s stamp when a list is out of order', async () => {
    const never = async (): Promise<never> => expect.fail('no stamp to take');
    expect((await stampsReusing(['c.md'], known, never)).get(0)).toEqual({ size: 3, mtimeMs: 30 });
    const stampsOf = async (paths: readonly string[]) => stampsFrom(paths.map(() => ({ size: 7, mtimeMs: 70 })));
    const stamps = await stampsReusing(['c.md', '2024/a.md'], known, stampsOf);
    expect([stamps.get(0), stamps.get(1)]).toEqual([{ size: 3, mtimeMs: 30 }, { size: 7, mtimeMs: 70 }]);
  });
});

describe('the folder source', () => {
  let root = '';
  const paths: string[] = [];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-source-'));
    // More files than the threshold at which stamps are taken on worker threads.
    for (let folder = 0; folder < 5; folder += 1) {
      mkdirSync(join(root, `f${folder}`));
      for (let file = 0; file < 900; file += 1) {
        const path = `f${folder}/a${file}.md`;
        writeFileSync(join(root, path), 'x'.repeat(file));
        paths.push(path);
      }
    }
    // A line break is a legal file name character: it must not shift the stamps of other files.
    writeFileSync(join(root, 'f2', 'line\nbreak.md'), 'twelve bytes');
    paths.push('f2/line\nbreak.md');
    // Code-unit order puts an emoji (a surrogate pair) before a fullwidth letter above it in code points.
    for (const name of ['\uff21.md', '😀.md']) {
      writeFileSync(join(root, 'f3', name), 'wide');
      paths.push(`f3/${name}`);
    }
    mkdirSync(join(root, 'f0', 'folder.md'));
    mkdirSync(join(root, '.hidden'));
    writeFileSync(join(root, '.hidden', 'x.md'), 'hidden');
    writeFileSync(join(root, 'f1', 'picture.png'), 'png');
    // Hugo's section pages: the site's and a section's.
    writeFileSync(join(root, '_index.md'), 'home');
    writeFileSync(join(root, 'f1', '_index.md'), 'section');
    // A backslash is a legal file name character on Linux, and never part of a content path.
    writeFileSync(join(root, 'f1', 'back\\slash.md'), 'no');
    mkdirSync(join(root, 'f4\\sub'));
    writeFileSync(join(root, 'f4\\sub', 'inside.md'), 'no');
    // Symbolic links, to a file outside, to an article and to a folder: a link could publish
    // any file the server can read.
    symlinkSync('/etc/passwd', join(root, 'f1', 'passwd.md'));
    symlinkSync(join(root, paths[0]!), join(root, 'f1', 'twin.md'));
    symlinkSync(join(root, 'f1'), join(root, 'linked-folder'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("lists every article file below the root, in path order, leaving out hidden folders, other files, Hugo's section pages, folders named like articles, names with a backslash and symbolic links", async () => {
    const listed = await createFsSource(root).list();
    expect(listed).toEqual([...paths].sort(comparePaths));
    expect(listed.indexOf('f3/😀.md')).toBeLessThan(listed.indexOf('f3/\uff21.md'));
    expect(listed.every(isSafeContentPath)).toBe(true);
  });

  it('lists one folder and its folders as the listing does, handing each on before it reads it; nothing for a folder not there, a link to one, or the root', async () => {
    const handed: string[] = [];
    const source = createFsSource(root, { onFolder: (folder) => handed.push(folder) });
    expect(await source.listFolder!('f3')).toEqual(paths.filter((path) => path.startsWith('f3/')).sort(comparePaths));
    expect(handed).toEqual(['f3']);
    expect(await source.listFolder!('f0')).toEqual(paths.filter((path) => path.startsWith('f0/')).sort(comparePaths));
    expect(handed).toEqual(['f3', 'f0', 'f0/folder.md']);
    for (const folder of ['gone', 'linked-folder', '', '.hidden', '../x']) expect(await source.listFolder!(folder)).toEqual([]);
    expect(handed).toHaveLength(3);
  });

  it("checks a listing's folder times with its files' stamps (on threads for a large list), and tells when a folder's time moved, or a folder is gone or no folder", async () => {
    const handed: string[] = [];
    const source = createFsSource(root, { onFolder: (folder) => handed.push(folder) });
    const folders = ['', 'f0', 'f1', 'f2', 'f3', 'f4'].map((path) => ({ path, mtimeMs: statSync(join(root, path)).mtimeMs }));
    const listed = await createFsSource(root).list();
    const { stamps } = (await source.checkListing!(folders, listed))!;
    expect(stamps?.length).toBe(listed.length);
    listed.forEach((path, index) => expect(stamps?.get(index)).toEqual({ size: statSync(join(root, path)).size, mtimeMs: statSync(join(root, path)).mtimeMs }));
    // When the listing holds, no folder's time is given.
    expect((await source.checkListing!(folders, listed))?.folderTimes).toBeUndefined();
    // Else the times the folders have now, NaN for one that is no folder (gone, or a file).
    const now = (path: string) => statSync(join(root, path)).mtimeMs;
    const moved = await source.checkListing!([...folders.slice(0, 2), { path: 'f1', mtimeMs: 1 }], listed);
    expect(moved?.folderTimes).toEqual(new Map([['', now('')], ['f0', now('f0')], ['f1', now('f1')]]));
    // With the files' stamps still, for the listing that reads the folders whose time moved.
    expect(moved?.stamps.pairs).toEqual(stamps.pairs);
    expect((await source.checkListing!([...folders, { path: 'gone', mtimeMs: 1 }], listed))?.folderTimes?.get('gone')).toBeNaN();
    expect((await source.checkListing!([...folders, { path: 'f1/picture.png', mtimeMs: now('f1/picture.png') }], listed))?.folderTimes?.get('f1/picture.png')).toBeNaN();
    expect(await source.checkListing!(folders.slice(1), listed)).toBeUndefined();
    // Nothing handed on: the caller watches the folders later.
    expect(handed).toEqual([]);
    // A listing again takes the times it is given rather than reading them: a folder given
    // with its saved time is taken from the saved listing, whatever it holds now.
    writeFileSync(join(root, 'f4', 'after.md'), 'after');
    try {
      const given = new Map(folders.map(({ path, mtimeMs }) => [path, mtimeMs]));
      expect(await source.relist!(listed, folders, undefined, given)).toEqual(listed);
      expect(await source.relist!(listed, folders)).toEqual([...listed, 'f4/after.md'].sort(comparePaths));
    } finally {
      rmSync(join(root, 'f4', 'after.md'));
    }
  });

  it('takes a symbolic link for no file when asked for it by path, as a watcher may: no stamp, and no read through it', async () => {
    const source = createFsSource(root);
    expect(await source.stat('f1/passwd.md')).toBeUndefined();
    expect(await source.stat('f1/twin.md')).toBeUndefined();
    expect((await source.stamps(['f1/twin.md', paths[0]!])).get(0)).toBeUndefined();
    await expect(source.readHead('f1/passwd.md', 4096)).rejects.toThrow(/ELOOP/);
    await expect(source.read('f1/twin.md')).rejects.toThrow(/ELOOP/);
    expect(await source.read(paths[0]!)).toBe('');
  });

  it('tells how many files it has listed so far after each folder', async () => {
    const counts: number[] = [];
    const listed = await createFsSource(root).list((files) => counts.push(files));
    expect(counts.length).toBeGreaterThan(3);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(listed.length);
  });

  it('gives the stamps of a folder large enough for worker threads, the same as one stat call each, and none for what is not a file', async () => {
    const source = createFsSource(root);
    const asked = [...paths, 'f1/twin.md', 'f0/missing.md', 'f0/folder.md'];
    const stamps = await source.stamps(asked);
    expect(stamps).toHaveLength(asked.length);
    // A link is no file on the threads either.
    expect(stamps.get(asked.length - 3)).toBeUndefined();
    const stats = await Promise.all(asked.map((path) => source.stat(path)));
    expect(asked.map((_, index) => stamps.get(index))).toEqual(stats);
    expect(stamps.get(1)?.size).toBe(1);
    expect(stamps.get(paths.indexOf('f2/line\nbreak.md'))?.size).toBe(12);
    expect([stamps.get(asked.length - 2), stamps.get(asked.length - 1)]).toEqual([undefined, undefined]);
    // matched without an object per file: a file's own stamp, no other, and nothing for what has none
    expect(stats.every((stat, index) => stat === undefined || stamps.matches(index, stat))).toBe(true);
    expect(stamps.matches(1, { ...stats[1]!, mtimeMs: stats[1]!.mtimeMs + 1 })).toBe(false);
    expect(stamps.matches(1, { ...stats[1]!, size: 2 })).toBe(false);
    expect(stamps.matches(asked.length - 1, { size: -1, mtimeMs: -1 })).toBe(false);
  });

  it('tells each listed folder before reading it, so that a watcher started then misses nothing', async () => {
    const told: string[] = [];
    const late = join(root, 'f3', 'late.md');
    const source = createFsSource(root, {
      onFolder: (folder) => {
        told.push(folder);
        // Written once the folder has been told of: the listing must still find it.
        if (folder === 'f3') writeFileSync(late, 'late');
      },
    });
    try {
      const listed = await source.list();
      expect(told[0]).toBe('');
      expect([...told].sort()).toEqual(['', 'f0', 'f0/folder.md', 'f1', 'f2', 'f3', 'f4']);
      expect(listed).toContain('f3/late.md');
    } finally {
      rmSync(late);
    }
  });

  it('gives the stamps of a list too small for threads the same way, on this thread', async () => {
    const source = createFsSource(root);
    const asked = ['f0/a5.md', 'f0/missing.md', 'f0/folder.md'];
    const stamps = await source.stamps(asked);
    const stat = await source.stat('f0/a5.md');
    expect([stamps.length, stamps.get(0), stamps.get(1), stamps.get(2)]).toEqual([3, stat, undefined, undefined]);
    expect([stamps.matches(0, stat!), stamps.matches(0, { ...stat!, size: 6 }), stamps.matches(1, { size: -1, mtimeMs: -1 })]).toEqual([true, false, false]);
  });

  // A large list is checked while the stat threads stat it; none of their stamps comes back.
  it('refuses to take stamps outside the folder, whether this thread or the stat threads take them', async () => {
    await expect(createFsSource(root).stamps(['../outside.md'])).rejects.toThrow('not a content file path: "../outside.md"');
    const many = [...paths, '2024/../../outside.md'];
    await expect(createFsSource(root).stamps(many)).rejects.toThrow('not a content file path: "2024/../../outside.md"');
  });

  // Threads are counted as Linux shows them (/proc), where CI runs; elsewhere there is nothing to count them by.
  const countsThreads = existsSync('/proc/self/status');
  /** The process's threads, as Linux counts them. */
  const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  /** The thread count once the threads of earlier tests are gone: the same count twice, a tenth of a second apart. */
  const settledThreads = async () => {
    let before = threads();
    for (let settled = false; !settled; ) {
      await new Promise((next) => setTimeout(next, 100));
      const now = threads();
      settled = now === before;
      before = now;
    }
    return before;
  };

  it.runIf(countsThreads)('stops threads started ahead when the list turns out too small for them', async () => {
    const before = await settledThreads();
    const source = createFsSource(root);
    source.prepareStamps?.();
    await vi.waitFor(() => expect(threads()).toBeGreaterThan(before));
    const stamps = await source.stamps(['f0/a5.md']);
    expect(stamps.get(0)?.size).toBe(5);
    await vi.waitFor(() => expect(threads()).toBeLessThanOrEqual(before), { timeout: 5000 });
  });

  it.runIf(countsThreads)('takes the threads started as the program started, before any folder was known, instead of starting its own', async () => {
    const before = await settledThreads();
    startStatThreadsEarly();
    await vi.waitFor(() => expect(threads()).toBeGreaterThan(before));
    const started = await settledThreads();
    const source = createFsSource(root);
    source.prepareStamps?.();
    await new Promise((next) => setTimeout(next, 200));
    expect(threads()).toBe(started);
    const asked = [...paths];
    const early = await source.stamps(asked);
    const late = await createFsSource(root).stamps(asked);
    expect(asked.map((_, index) => early.get(index))).toEqual(asked.map((_, index) => late.get(index)));
    await vi.waitFor(() => expect(threads()).toBeLessThanOrEqual(before), { timeout: 5000 });
  });

  it.runIf(countsThreads)('stops the threads started as the program started when no folder takes them', async () => {
    const before = await settledThreads();
    startStatThreadsEarly(300);
    await vi.waitFor(() => expect(threads()).toBeGreaterThan(before));
    await vi.waitFor(() => expect(threads()).toBeLessThanOrEqual(before), { timeout: 5000 });
    // Gone: a source now starts threads of its own, and their stamps are the same.
    const stamps = await createFsSource(root).stamps(paths);
    expect(stamps.get(1)).toEqual(await createFsSource(root).stat(paths[1] as string));
  });

  /**
   * Runs `code` (a module with `fs`, the folder source module, and `root`) in a process of its
   * own, which must end by itself. From a file: tsx ends a process whose code came with `-e` once it has run.
   */
  const runAlone = (code: string) => {
    const script = join(root, '..', `${basename(root)}-alone.mts`);
    writeFileSync(script, `import * as fs from ${JSON.stringify(resolve('src/sources/fs.ts'))}; const root = ${JSON.stringify(root)};\n${code}`);
    try {
      const started = performance.now();
      const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
      return { ...result, ms: performance.now() - started };
    } finally {
      rmSync(script);
    }
  };

  it('lets a process that started threads early and never used them end at once, not when they are stopped', () => {
    // Kept for a minute: a process that waited for them would be killed by the timeout.
    const { status, signal, stdout, ms } = runAlone(`fs.startStatThreadsEarly(60_000); console.log('done');`);
    expect(signal).toBeNull();
    expect(status).toBe(0);
    expect(stdout).toBe('done\n');
    expect(ms).toBeLessThan(30_000);
  });

  it('keeps a process alive while its threads stat, when their answer is all it waits for', () => {
    const { status, stdout, stderr } = runAlone(
      `fs.startStatThreadsEarly(60_000); const paths = ${JSON.stringify(paths)}; const stamps = await fs.createFsSource(root).stamps(paths); console.log(paths.filter((_, i) => stamps.get(i) !== undefined).length);`,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toBe(`${paths.length}\n`);
  });

  it('gives the same stamps from threads started before the list was known', async () => {
    const source = createFsSource(root);
    source.prepareStamps?.();
    const asked = [...paths];
    const early = await source.stamps(asked);
    const late = await createFsSource(root).stamps(asked);
    expect(asked.map((_, index) => early.get(index))).toEqual(asked.map((_, index) => late.get(index)));
    // Used once: the next large list starts threads of its own.
    expect((await source.stamps(asked)).get(1)).toEqual(late.get(1));
  });
});

describe('a listing of the folder source, and whether it still holds', () => {
  let root = '';
  /** Folder times an hour back, as of a folder that settled long before it was listed. */
  const settle = (...folders: string[]) => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const folder of folders) utimesSync(join(root, folder), hourAgo, hourAgo);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-listing-'));
    mkdirSync(join(root, '2024', '01'), { recursive: true });
    writeFileSync(join(root, 'a.md'), 'a');
    writeFileSync(join(root, '2024', '01', 'b.md'), 'b');
    settle('', '2024', '2024/01');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  /** The times of `folders` now, as checkListing reads them: NaN for one that is no folder now. */
  const timesNow = (folders: readonly { path: string }[]) =>
    new Map(
      folders.map(({ path }) => {
        try {
          const stats = statSync(join(root, path));
          return [path, stats.isDirectory() ? stats.mtimeMs : Number.NaN];
        } catch {
          return [path, Number.NaN];
        }
      }),
    );

  it('knows the folders a listing read, root first, with their times before reading them', async () => {
    const source = createFsSource(root);
    const listed = await source.list();
    const folders = source.foldersOf?.(listed);
    expect(folders?.map(({ path }) => path)).toEqual(['', '2024', '2024/01']);
    expect(folders?.map(({ mtimeMs }) => mtimeMs)).toEqual(['', '2024', '2024/01'].map((folder) => statSync(join(root, folder)).mtimeMs));
    // Not for a list it did not make.
    expect(source.foldersOf?.([...listed])).toBeUndefined();
  });

  it('does not vouch for a folder changed just before it was read (its time may not move on with the next change): it is read again, the others are not', async () => {
    writeFileSync(join(root, '2024', 'c.md'), 'c');
    const source = createFsSource(root);
    const earlier = await source.list();
    const folders = source.foldersOf?.(earlier);
    const times = Object.fromEntries(folders!.map(({ path, mtimeMs }) => [path, mtimeMs]));
    expect(times['2024']).not.toBe(statSync(join(root, '2024')).mtimeMs);
    expect(times['']).toBe(statSync(root).mtimeMs);
    expect(await source.listingHolds?.(folders!)).toBe(false);
    // A file added to it with its time put back: a folder that was vouched for would hide it.
    const { mtime } = statSync(join(root, '2024'));
    writeFileSync(join(root, '2024', 'd.md'), 'd');
    utimesSync(join(root, '2024'), mtime, mtime);
    expect(await createFsSource(root).relist?.(earlier, folders!)).toEqual(['2024/01/b.md', '2024/c.md', '2024/d.md', 'a.md']);
  });

  it('holds while no file or folder was added, removed or renamed, also when a file was edited', async () => {
    const source = createFsSource(root);
    const folders = source.foldersOf?.(await source.list());
    writeFileSync(join(root, '2024', '01', 'b.md'), 'edited: its stamp tells, not the listing');
    expect(await source.listingHolds?.(folders!)).toBe(true);
  });

  it.each([
    ['a file added', () => writeFileSync(join(root, '2024', '01', 'new.md'), 'new')],
    ['a file added at the root', () => writeFileSync(join(root, 'new.md'), 'new')],
    ['a file removed', () => rmSync(join(root, '2024', '01', 'b.md'))],
    ['a file renamed', () => renameSync(join(root, 'a.md'), join(root, 'z.md'))],
    ['a folder added', () => mkdirSync(join(root, '2024', '02'))],
    ['a folder removed', () => rmSync(join(root, '2024', '01'), { recursive: true })],
    ['a folder replaced by a file', () => (rmSync(join(root, '2024', '01'), { recursive: true }), writeFileSync(join(root, '2024', '01'), 'x'), settle('2024'))],
  ])('does not hold after %s', async (_, change) => {
    const source = createFsSource(root);
    const folders = source.foldersOf?.(await source.list());
    change();
    expect(await source.listingHolds?.(folders!)).toBe(false);
  });

  it.each([
    ['nothing changed', () => undefined],
    ['a file edited', () => writeFileSync(join(root, '2024', '01', 'b.md'), 'edited')],
    ['a file added', () => writeFileSync(join(root, '2024', '01', 'new.md'), 'new')],
    ['a file added at the root', () => writeFileSync(join(root, 'new.md'), 'new')],
    ['a file removed', () => rmSync(join(root, '2024', '01', 'b.md'))],
    ['a file renamed', () => renameSync(join(root, 'a.md'), join(root, 'z.md'))],
    ['a folder added, with files in it', () => (mkdirSync(join(root, '2024', '02', 'x'), { recursive: true }), writeFileSync(join(root, '2024', '02', 'x', 'c.md'), 'c'))],
    ['a folder removed', () => rmSync(join(root, '2024', '01'), { recursive: true })],
    ['a folder replaced by a file', () => (rmSync(join(root, '2024', '01'), { recursive: true }), writeFileSync(join(root, '2024', '01'), 'x'))],
    [
      'a folder replaced by a link to a folder',
      () => {
        mkdirSync(join(root, '.elsewhere'));
        writeFileSync(join(root, '.elsewhere', 'x.md'), 'x');
        rmSync(join(root, '2024', '01'), { recursive: true });
        symlinkSync(join(root, '.elsewhere'), join(root, '2024', '01'));
      },
    ],
  ])('lists again from an earlier listing what a listing lists after %s, telling each folder it reads, also with the folders\' times read just before', async (_, change) => {
    const source = createFsSource(root);
    const earlier = await source.list();
    const folders = source.foldersOf?.(earlier);
    change();
    const listedFolders: string[] = [];
    const listing = createFsSource(root, { onFolder: (folder) => void listedFolders.push(folder) });
    const listed = await listing.list();
    for (const folderTimes of [undefined, timesNow(folders!)]) {
      const told: string[] = [];
      const again = createFsSource(root, { onFolder: (folder) => void told.push(folder) });
      const relisted = await again.relist?.(earlier, folders!, undefined, folderTimes);
      expect(relisted).toEqual(listed);
      expect(told.sort()).toEqual([...listedFolders].sort());
      // With the folders it found, each with its time (or none it vouches for, changed just now).
      expect(again.foldersOf?.(relisted!)?.map(({ path }) => path).sort()).toEqual(listing.foldersOf?.(listed)?.map(({ path }) => path).sort());
    }
  });

  it('lists again, from the folders\' times read just before, what a listing lists after random changes to a tree', async () => {
    // A small seeded generator, so that a failure names the seed that makes it again.
    const random = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const all = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      return entry.isDirectory() ? [path, ...all(path)] : [];
    });
    for (let seed = 1; seed <= 25; seed += 1) {
      const next = random(seed);
      const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root);
      for (let i = 0; i < 12; i += 1) {
        const parent = pick(['', ...all('')]);
        if (parent.split('/').length < 3 && next() < 0.5) mkdirSync(join(root, parent, `d${i}`));
        else writeFileSync(join(root, parent, `f${i}.md`), 'x');
      }
      settle('', ...all(''));
      const source = createFsSource(root);
      const earlier = await source.list();
      const folders = source.foldersOf!(earlier)!;
      const changes: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const folders = all('');
        const folder = pick(['', ...folders]);
        const kind = pick(['add file', 'remove file', 'add folder', 'remove folder', 'rename folder', 'folder to file']);
        const files = readdirSync(join(root, folder)).filter((name) => name.endsWith('.md'));
        if (kind === 'add file' || (kind === 'remove file' && files.length === 0)) writeFileSync(join(root, folder, `n${seed}-${i}.md`), 'n');
        else if (kind === 'remove file') rmSync(join(root, folder, pick(files)));
        else if (kind === 'add folder' || folder === '') {
          mkdirSync(join(root, folder, `m${i}`, 'deeper'), { recursive: true });
          writeFileSync(join(root, folder, `m${i}`, 'deeper', 'n.md'), 'n');
        } else if (kind === 'remove folder') rmSync(join(root, folder), { recursive: true });
        else if (kind === 'rename folder') renameSync(join(root, folder), join(root, `${folder}-renamed`));
        else (rmSync(join(root, folder), { recursive: true }), writeFileSync(join(root, folder), 'x'));
        changes.push(`${kind} ${folder}`);
      }
      const again = createFsSource(root);
      const relisted = await again.relist!(earlier, folders, undefined, timesNow(folders));
      const listing = createFsSource(root);
      const listed = await listing.list();
      expect({ seed, changes, relisted }).toEqual({ seed, changes, relisted: listed });
      expect(again.foldersOf!(relisted)!.map(({ path }) => path).sort()).toEqual(listing.foldersOf!(listed)!.map(({ path }) => path).sort());
    }
  });

  it('skips a folder removed after its parent was read, while the listing runs (a git checkout, rsync --delete)', async () => {
    const gone = (folder: string) => {
      if (folder === '2024/01') rmSync(join(root, '2024', '01'), { recursive: true });
    };
    expect(await createFsSource(root, { onFolder: gone }).list()).toEqual(['a.md']);
  });

  it('throws, naming it, when the content folder itself is gone', async () => {
    rmSync(root, { recursive: true });
    await expect(createFsSource(root).list()).rejects.toThrow(/ENOENT: no such file or directory, stat '.*wirefeed-listing-/);
  });

  it('skips a folder of the earlier listing that is no longer one, where a file system kept its parent\'s time', async () => {
    const source = createFsSource(root);
    const earlier = await source.list();
    const folders = source.foldersOf?.(earlier);
    const { mtime } = statSync(join(root, '2024'));
    rmSync(join(root, '2024', '01'), { recursive: true });
    writeFileSync(join(root, '2024', '01'), 'x');
    utimesSync(join(root, '2024'), mtime, mtime);
    expect(await createFsSource(root).relist?.(earlier, folders!)).toEqual(['a.md']);
    // Also with the folders' times read just before (the one no folder now: NaN).
    const again = createFsSource(root);
    const relisted = await again.relist?.(earlier, folders!, undefined, timesNow(folders!));
    expect(relisted).toEqual(['a.md']);
    expect(again.foldersOf?.(relisted!)?.map(({ path }) => path)).toEqual(['', '2024']);
  });

  it('takes the files of a folder whose time has not changed from the earlier listing, unread, and gives the folders it found', async () => {
    const source = createFsSource(root);
    const earlier = await source.list();
    const folders = source.foldersOf?.(earlier);
    // A file added in 2024/01 and the folder's time put back: only reading it would find the file.
    const { mtime } = statSync(join(root, '2024', '01'));
    writeFileSync(join(root, '2024', '01', 'hidden.md'), 'hidden');
    utimesSync(join(root, '2024', '01'), mtime, mtime);
    writeFileSync(join(root, 'new.md'), 'new');
    // The root's time moved on, then settled (two hours back, never the time it had).
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    utimesSync(root, twoHoursAgo, twoHoursAgo);
    const again = createFsSource(root);
    const relisted = await again.relist?.(earlier, folders!);
    expect(relisted).toEqual(['2024/01/b.md', 'a.md', 'new.md']);
    expect(again.foldersOf?.(relisted!)?.map(({ path, mtimeMs }) => [path, mtimeMs])).toEqual(['', '2024', '2024/01'].map((folder) => [folder, statSync(join(root, folder)).mtimeMs]));
  });

  it.each([
    ['a folder outside the root', [{ path: '' }, { path: '..' }]],
    ['a hidden folder', [{ path: '' }, { path: '.git' }]],
    ['no root first', [{ path: '2024' }]],
  ])('reads every folder when the earlier folders are not those of a listing (%s)', async (_, paths) => {
    const source = createFsSource(root);
    const earlier = [...(await source.list()), '../outside.md'];
    const folders = paths.map(({ path }) => ({ path, mtimeMs: existsSync(join(root, path)) ? statSync(join(root, path)).mtimeMs : 0 }));
    expect(await createFsSource(root).relist?.(earlier, folders)).toEqual(await source.list());
  });

  it('tells each folder before reading its time, as a listing does, so that a watcher started then misses nothing', async () => {
    const listing = createFsSource(root);
    const folders = listing.foldersOf?.(await listing.list());
    const told: string[] = [];
    const source = createFsSource(root, {
      onFolder: (folder) => {
        told.push(folder);
        // Added once the folder has been told of: its time moves on, so the listing no longer holds.
        if (folder === '2024/01') writeFileSync(join(root, '2024', '01', 'late.md'), 'late');
      },
    });
    expect(await source.listingHolds?.(folders!)).toBe(false);
    expect(told).toEqual(['', '2024', '2024/01']);
  });

  it.each([
    ['a folder outside the root', [{ path: '' }, { path: '..' }]],
    ['a hidden folder', [{ path: '' }, { path: '.git' }]],
    ['an empty segment', [{ path: '' }, { path: '2024//01' }]],
    ['no root first', [{ path: '2024' }]],
    ['nothing', []],
  ])('does not hold for folders that no listing reads (%s), and tells none of them', async (_, paths) => {
    const told: string[] = [];
    const source = createFsSource(root, { onFolder: (folder) => void told.push(folder) });
    const folders = paths.map(({ path }) => ({ path, mtimeMs: existsSync(join(root, path)) ? statSync(join(root, path)).mtimeMs : 0 }));
    expect(await source.listingHolds?.(folders)).toBe(false);
    expect(told.filter((folder) => folder !== '')).toEqual([]);
  });
});
