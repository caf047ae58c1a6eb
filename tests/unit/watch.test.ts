import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createContentWatcher, type ContentWatcher, type ContentWatcherOptions } from '../../src/node/watch.ts';
import { createFsSource } from '../../src/sources/fs.ts';

// Counted, to tell which names the watcher looks at.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, lstatSync: vi.fn(actual.lstatSync) };
});
const { lstatSync } = await import('node:fs');

/** What fs.watch throws when the system's limit of inotify watches is reached. */
const watchLimitReached = (path: string) => Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${path}'`), { code: 'ENOSPC' });

describe('the content watcher', () => {
  let root = '';
  let away = '';
  let watcher: ContentWatcher | undefined;
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(away, { recursive: true, force: true });
  });

  /**
   * A folder with a/x.md and b/c/y.md, watched through a listing of it. `until` resolves the
   * paths reported since the last `forget` (`undefined` for a rescan) once `expected` are all in;
   * `listAgain` lists the folder again, as the rescan that a report of `undefined` leads to does.
   */
  async function watchedFolder(options: ContentWatcherOptions = {}, { throughLink = false, prepare = (_root: string) => undefined as void } = {}) {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-watch-'));
    away = mkdtempSync(join(tmpdir(), 'wirefeed-watch-away-'));
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'a', 'x.md'), 'x');
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'y');
    prepare(root);
    let reported = new Set<string | undefined>();
    let wake = () => undefined as void;
    // As a deploy leaves it: `current` leads to the release being served.
    const path = throughLink ? join(away, 'current') : root;
    if (throughLink) symlinkSync(root, path);
    watcher = createContentWatcher(
      path,
      (paths, folders) => {
        for (const path of paths ?? [undefined]) reported.add(path);
        for (const folder of folders) reported.add(`folder:${folder}`);
        wake();
      },
      options,
    );
    const source = createFsSource(path, { onFolder: watcher.watchFolder });
    const listed = await source.list();
    const until = async (expected: readonly (string | undefined)[]) => {
      const deadline = Date.now() + 5000;
      while (!expected.every((path) => reported.has(path)) && Date.now() < deadline) {
        await new Promise<void>((next) => {
          wake = next;
          setTimeout(next, 100);
        });
      }
      return reported;
    };
    const forget = () => {
      reported = new Set();
    };
    return { listed, until, forget, listAgain: () => source.list(), listFolder: (folder: string) => source.listFolder!(folder) };
  }

  /** A watched folder (see watchedFolder) whose folder a reports only the events the test emits, each as one kind only. */
  async function watchedWithFolderAFaked(options: ContentWatcherOptions = {}) {
    let emitted = (_event: string, _name: string) => undefined as void;
    const watched = await watchedFolder({
      ...options,
      watch: (path, listener) => {
        if (!path.endsWith(join(sep, 'a'))) return watch(path, listener);
        const fake = Object.assign(new EventEmitter(), { close: () => fake }) as unknown as FSWatcher;
        emitted = (event, name) => listener.call(fake, event, name);
        return fake;
      },
    });
    return { ...watched, emit: (event: string, name: string) => emitted(event, name) };
  }

  it('reports every file changed, added or removed in a folder a listing handed it, at any depth', async () => {
    const { listed, until } = await watchedFolder();
    expect(listed).toEqual(['a/x.md', 'b/c/y.md']);
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'changed');
    writeFileSync(join(root, 'a', 'z.md'), 'new');
    rmSync(join(root, 'a', 'x.md'));
    expect([...(await until(['b/c/y.md', 'a/z.md', 'a/x.md']))]).toEqual(expect.arrayContaining(['b/c/y.md', 'a/z.md', 'a/x.md']));
  });

  it('asks for a rescan after a burst of as many events as the system queues, as it may have dropped some', async () => {
    const { until } = await watchedFolder({ queueLimit: 6 });
    // Hidden names take their place in the queue too (rsync's temporary files).
    for (const name of ['.one.md.tmp', 'two.md', 'three.md', 'four.md', 'five.md', 'six.md']) writeFileSync(join(root, 'a', name), name);
    expect(await until([undefined])).toContain(undefined);
  });

  it('names a folder that comes, to be listed on its own, and watches it once a listing hands it over', async () => {
    const { until, forget, listFolder } = await watchedFolder();
    mkdirSync(join(root, 'd'));
    expect(await until(['folder:d'])).toEqual(new Set(['folder:d']));
    expect(await listFolder('d')).toEqual([]);
    forget();
    writeFileSync(join(root, 'd', 'w.md'), 'w');
    expect(await until(['d/w.md'])).toEqual(new Set(['d/w.md']));
  });

  it('passes a name reported only as changed on as the file it was, without looking at it, and looks at one reported as come, which may be a folder', async () => {
    const { until, forget, emit } = await watchedWithFolderAFaked();
    // Written to or touched (30,000 at once in a bulk change): not looked at, so taken for the
    // file it was even where a folder now stands, as none comes without a 'rename'.
    mkdirSync(join(root, 'a', 'e'));
    emit('change', 'e');
    expect(await until(['a/e'])).toEqual(new Set(['a/e']));
    forget();
    emit('rename', 'e');
    expect(await until(['folder:a/e'])).toEqual(new Set(['folder:a/e']));
  });

  it('looks at no name reported as come when the burst leads to a rescan, which lists them all', async () => {
    const { until, forget, emit } = await watchedWithFolderAFaked({ queueLimit: 4 });
    mkdirSync(join(root, 'a', 'e'));
    const looksAtE = () => vi.mocked(lstatSync).mock.calls.filter(([path]) => path === join(root, 'a', 'e')).length;
    // As an rsync renames its files into place: past the queue limit in one go.
    for (const name of ['e', 'p.md', 'q.md', 'r.md']) emit('rename', name);
    expect(await until([undefined])).toEqual(new Set([undefined]));
    expect(looksAtE()).toBe(0);
    // Below the limit, the same name is looked at, and found to be a folder.
    forget();
    emit('rename', 'e');
    expect(await until(['folder:a/e'])).toEqual(new Set(['folder:a/e']));
    expect(looksAtE()).toBe(1);
  });

  it('names a watched folder that is moved out, to be listed on its own, and watches the one that comes back in its place', async () => {
    const { until, forget, listFolder } = await watchedFolder();
    // Its files are gone from the folder: the store knows which they were.
    renameSync(join(root, 'b'), join(away, 'b'));
    expect(await until(['folder:b'])).toEqual(new Set(['folder:b']));
    expect(await listFolder('b')).toEqual([]);
    forget();
    mkdirSync(join(root, 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'b', 'c', 'back.md'), 'back');
    expect(await until(['folder:b'])).toEqual(new Set(['folder:b']));
    expect(await listFolder('b')).toEqual(['b/c/back.md']);
    forget();
    // The folder moved out is not watched any more; the new one in its place is.
    writeFileSync(join(away, 'b', 'c', 'y.md'), 'changed away');
    writeFileSync(join(root, 'b', 'c', 'new.md'), 'new');
    expect(await until(['b/c/new.md'])).toEqual(new Set(['b/c/new.md']));
  });

  it('names a watched folder that is hidden, as a listing skips it, and not the hidden one', async () => {
    const { until, listFolder } = await watchedFolder();
    renameSync(join(root, 'b'), join(root, '.b'));
    expect(await until(['folder:b'])).toEqual(new Set(['folder:b']));
    expect(await listFolder('b')).toEqual([]);
  });

  it('asks for a rescan when a link to a folder comes, for the listing to tell of it', async () => {
    const { until } = await watchedFolder();
    symlinkSync(away, join(root, 'linked'));
    expect(await until([undefined])).toEqual(new Set([undefined]));
  });

  it('reports no hidden name, as a listing skips them, and asks for no rescan for a hidden folder', async () => {
    const { until } = await watchedFolder();
    writeFileSync(join(root, 'a', '.x.md.swp'), 'editor');
    writeFileSync(join(root, 'a', '.hidden.md'), 'hidden');
    mkdirSync(join(root, 'a', '.tmp'));
    writeFileSync(join(root, 'a', 'after.md'), 'after');
    expect(await until(['a/after.md'])).toEqual(new Set(['a/after.md']));
  });

  it('asks for a rescan when a deploy swaps the link to the folder, and watches the new folder, not the old', async () => {
    const { until, forget, listAgain } = await watchedFolder({ pollMs: 50 }, { throughLink: true });
    const release = join(away, 'release-2');
    mkdirSync(join(release, 'a'), { recursive: true });
    symlinkSync(release, join(away, 'next'));
    renameSync(join(away, 'next'), join(away, 'current'));
    expect(await until([undefined])).toEqual(new Set([undefined]));
    expect(await listAgain()).toEqual([]);
    forget();
    writeFileSync(join(root, 'a', 'old-release.md'), 'old');
    writeFileSync(join(release, 'a', 'new-release.md'), 'new');
    expect(await until(['a/new-release.md'])).toEqual(new Set(['a/new-release.md']));
  });

  it('asks for a rescan when a deploy moves the folder away and a new one into its place, and watches the new one', async () => {
    const { until, forget, listAgain } = await watchedFolder({ pollMs: 50 });
    const old = join(away, 'old');
    renameSync(root, old);
    mkdirSync(join(root, 'a'), { recursive: true });
    expect(await until([undefined])).toContain(undefined);
    expect(await listAgain()).toEqual([]);
    forget();
    writeFileSync(join(old, 'a', 'old-folder.md'), 'old');
    writeFileSync(join(root, 'a', 'new-folder.md'), 'new');
    expect(await until(['a/new-folder.md'])).toEqual(new Set(['a/new-folder.md']));
  });

  it('leaves a folder it may not read to the listing, which says so: no warning, and no check of it', async () => {
    const warnings: string[] = [];
    const { until, forget } = await watchedFolder({
      pollMs: 20,
      warn: (message) => warnings.push(message),
      watch: (path, listener) => {
        if (!path.endsWith(join(sep, 'a'))) return watch(path, listener);
        throw Object.assign(new Error(`EACCES: permission denied, watch '${path}'`), { code: 'EACCES' });
      },
    });
    forget();
    // A check of it would fail to read it and ask for a rescan, every time.
    await new Promise((next) => setTimeout(next, 200));
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'changed');
    expect(await until(['b/c/y.md'])).toEqual(new Set(['b/c/y.md']));
    expect(warnings).toEqual([]);
  });

  it('checks every folder, and watches none, when told to poll', async () => {
    const warnings: string[] = [];
    const { until, forget } = await watchedFolder({
      pollMs: 50,
      pollOnly: true,
      warn: (message) => warnings.push(message),
      watch: (path) => {
        throw new Error(`watched ${path}`);
      },
    });
    expect(await until(['a/x.md', 'b/c/y.md'])).toEqual(new Set(['a/x.md', 'b/c/y.md']));
    forget();
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'changed');
    writeFileSync(join(root, 'z.md'), 'new at the root');
    expect(await until(['b/c/y.md', 'z.md'])).toEqual(new Set(['b/c/y.md', 'z.md']));
    expect(warnings).toEqual([]);
  });

  it('reports, when it polls, no file that is unchanged, and a file replaced by one of the same size and modification time', async () => {
    // Whole seconds, as a replacement written with the same time has them.
    const time = new Date('2026-11-01T00:00:00Z');
    const { until, forget } = await watchedFolder({ pollMs: 50, pollOnly: true }, { prepare: (folder) => utimesSync(join(folder, 'a', 'x.md'), time, time) });
    const file = join(root, 'a', 'x.md');
    expect(await until(['a/x.md', 'b/c/y.md'])).toEqual(new Set(['a/x.md', 'b/c/y.md']));
    forget();
    // Several checks over files that stay as they are.
    await new Promise((next) => setTimeout(next, 300));
    expect(await until([])).toEqual(new Set());
    // As an rsync or a deploy writes it: another file (another inode), renamed over the first, with its size and time.
    writeFileSync(join(root, 'a', '.x.md.tmp'), 'z');
    utimesSync(join(root, 'a', '.x.md.tmp'), time, time);
    renameSync(join(root, 'a', '.x.md.tmp'), file);
    expect(statSync(file)).toMatchObject({ size: 1, mtimeMs: time.getTime() });
    expect(await until(['a/x.md'])).toEqual(new Set(['a/x.md']));
  });

  it('reports a symbolic link named like an article that comes while it polls, not one its first check finds', async () => {
    const { until, forget } = await watchedFolder({ pollMs: 50, pollOnly: true });
    // Before the first check: the listing that handed the folder over has told of this one.
    symlinkSync('x.md', join(root, 'a', 'early.md'));
    expect(await until(['a/x.md', 'b/c/y.md'])).toEqual(new Set(['a/x.md', 'b/c/y.md']));
    forget();
    symlinkSync('x.md', join(root, 'a', 'later.md'));
    // Named like no article: no report.
    symlinkSync('x.md', join(root, 'a', 'cover.jpg'));
    expect(await until(['a/later.md'])).toEqual(new Set(['a/later.md']));
  });

  it('checks a folder it cannot watch instead, and says so once, with the limit to raise', async () => {
    const warnings: string[] = [];
    const refused: string[] = [];
    const { until, forget } = await watchedFolder({
      pollMs: 50,
      warn: (message) => warnings.push(message),
      watch: (path, listener) => {
        // Folders a and b/c; not the root, whose random name may end in an a.
        if (!path.endsWith(join(sep, 'b', 'c')) && !path.endsWith(join(sep, 'a'))) return watch(path, listener);
        refused.push(path);
        throw watchLimitReached(path);
      },
    });
    expect(refused).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ENOSPC');
    expect(warnings[0]).toContain('fs.inotify.max_user_watches');
    expect(refused).toContain(warnings[0]?.slice('cannot watch '.length, warnings[0].indexOf(' (')));
    // The first check names every file of the folders checked (the store reads those that changed).
    expect(await until(['a/x.md', 'b/c/y.md'])).toEqual(new Set(['a/x.md', 'b/c/y.md']));
    forget();
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'changed');
    writeFileSync(join(root, 'a', 'z.md'), 'new');
    rmSync(join(root, 'a', 'x.md'));
    expect(await until(['b/c/y.md', 'a/z.md', 'a/x.md'])).toEqual(new Set(['b/c/y.md', 'a/z.md', 'a/x.md']));
    forget();
    mkdirSync(join(root, 'a', 'e'));
    expect(await until(['folder:a/e'])).toEqual(new Set(['folder:a/e']));
  });
});
