/**
 * Watches the content folder (recursively) and calls back once a burst of changes has settled.
 */
import { watch, type FSWatcher } from 'node:fs';

export interface ContentWatcher {
  close(): void;
}

export function watchContent(root: string, onChange: () => void, settleMs = 100): ContentWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher: FSWatcher = watch(root, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, settleMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
