/**
 * Watches the content folder and reports which files changed, once a burst of changes has
 * settled; `paths` is `undefined` when it cannot say (then the store checks every file).
 *
 * One watcher per folder (inotify on Linux), not Node's recursive mode: on Linux that mode
 * watches every file separately, which for 100,000 articles takes seconds to set up and keeps
 * 100,000 watchers busy. A folder that appears or disappears is re-walked.
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface ContentWatcher {
  close(): void;
}

export function watchContent(root: string, onChange: (paths: readonly string[] | undefined) => void, settleMs = 25): ContentWatcher {
  const watchers = new Map<string, FSWatcher>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let changed = new Set<string>();
  let rescan = false;

  const flush = () => {
    timer = undefined;
    const paths = rescan ? undefined : [...changed];
    changed = new Set();
    if (rescan) watchTree('');
    rescan = false;
    onChange(paths);
  };
  const note = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, settleMs);
  };

  /** Watches a folder (path relative to root, '' for root) and every folder below it. */
  function watchTree(folder: string): void {
    if (!watchers.has(folder)) {
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
        return;
      }
    }
    try {
      for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) watchTree(folder === '' ? entry.name : `${folder}/${entry.name}`);
      }
    } catch {
      // the folder went away; its watcher reports the error
    }
  }

  watchTree('');
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
