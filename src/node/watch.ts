/**
 * Watches the content folder (recursively) and reports which files changed, once a burst of
 * changes has settled. `paths` is `undefined` when the platform could not say (then rescan).
 */
import { watch, type FSWatcher } from 'node:fs';
import { sep } from 'node:path';

export interface ContentWatcher {
  close(): void;
}

export function watchContent(root: string, onChange: (paths: readonly string[] | undefined) => void, settleMs = 25): ContentWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let changed = new Set<string>();
  let unknown = false;
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, filename) => {
    if (filename === null) unknown = true;
    else changed.add(filename.split(sep).join('/'));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = unknown ? undefined : [...changed];
      changed = new Set();
      unknown = false;
      onChange(paths);
    }, settleMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
