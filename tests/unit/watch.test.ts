import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContentWatcher, type ContentWatcher } from '../../src/node/watch.ts';
import { createFsSource } from '../../src/sources/fs.ts';

describe('the content watcher', () => {
  let root = '';
  let watcher: ContentWatcher | undefined;
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A folder with a/x.md and b/c/y.md, watched through a listing of it; resolves the paths reported until `expected` are all in. */
  async function watchedFolder() {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-watch-'));
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'a', 'x.md'), 'x');
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'y');
    const reported = new Set<string | undefined>();
    let wake = () => undefined as void;
    watcher = createContentWatcher(root, (paths) => {
      for (const path of paths ?? [undefined]) reported.add(path);
      wake();
    });
    const listed = await createFsSource(root, { onFolder: watcher.watchFolder }).list();
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
    return { listed, until };
  }

  it('reports every file changed, added or removed in a folder a listing handed it, at any depth', async () => {
    const { listed, until } = await watchedFolder();
    expect(listed).toEqual(['a/x.md', 'b/c/y.md']);
    writeFileSync(join(root, 'b', 'c', 'y.md'), 'changed');
    writeFileSync(join(root, 'a', 'z.md'), 'new');
    rmSync(join(root, 'a', 'x.md'));
    expect([...(await until(['b/c/y.md', 'a/z.md', 'a/x.md']))]).toEqual(expect.arrayContaining(['b/c/y.md', 'a/z.md', 'a/x.md']));
  });

  it('reports a new folder by its path, and watches it once a listing hands it over', async () => {
    const { until } = await watchedFolder();
    mkdirSync(join(root, 'd'));
    await until(['d']);
    watcher?.watchFolder('d');
    writeFileSync(join(root, 'd', 'w.md'), 'w');
    expect(await until(['d/w.md'])).toContain('d/w.md');
  });
});
