/**
 * Watches the content folder and reports which files changed, once a burst of changes has
 * settled; `paths` is `undefined` when it cannot say (then the store checks every file).
 *
 * One watcher per folder (inotify on Linux), not Node's recursive mode: on Linux that mode
 * watches every file separately, which for 100,000 articles takes seconds to set up and keeps
 * 100,000 watchers busy.
 *
 * The folders are never walked here: every listing of the folder (the first scan, and the
 * rescan that a folder appearing, or a change it cannot name, leads to) hands each folder to
 * {@link ContentWatcher.watchFolder} just before reading it (see the fs source's `onFolder`).
 * So every change is either in that listing or reported here, also one made while the server
 * starts, and each folder is read once, not twice.
 *
 * @example
 * const watcher = createContentWatcher('content', (paths) => store.update(paths));
 * const source = createFsSource('content', { onFolder: watcher.watchFolder });
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface ContentWatcher {
  /** Watches one folder (relative to the root, `''` for the root), unless it is watched already. */
  watchFolder(folder: string): void;
  close(): void;
}

export function createContentWatcher(root: string, onChange: (paths: readonly string[] | undefined) => void, settleMs = 25): ContentWatcher {
  const watchers = new Map<string, FSWatcher>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let changed = new Set<string>();
  let rescan = false;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const paths = rescan ? undefined : [...changed];
    changed = new Set();
    rescan = false;
    onChange(paths);
  };
  const note = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, settleMs);
  };

  function watchFolder(folder: string): void {
    if (closed || watchers.has(folder)) return;
    try {
      const watcher = watch(join(root, folder), (_event, name) => {
        if (name === null) rescan = true;
        else changed.add(folder === '' ? name : `${folder}/${name}`);
        note();
      });
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(folder);
        rescan = true;
        note();
      });
      watchers.set(folder, watcher);
    } catch {
      // the folder went away, or is not a folder: its parent's watcher reports that
    }
  }

  return {
    watchFolder,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
