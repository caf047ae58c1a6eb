/**
 * A source over a folder on disk (Node only): every `.md`, `.markdown` and `.txt` file, nested
 * folders included. Reads are synchronous: for many small files that is several times faster
 * than Node's thread-pool I/O, and they happen while indexing or for the few files a response
 * shows. No path can leave the folder.
 *
 * @example
 * const source = createFsSource('content');
 */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { comparePaths, isArticlePath, isSafeContentPath, type ContentSource, type FileHead, type SourceEntry } from './source.ts';

export function createFsSource(root: string): ContentSource {
  // One buffer for every head read: indexing reads them one after another.
  let headBuffer = Buffer.allocUnsafe(4096);
  const resolvePath = (path: string) => {
    if (!isSafeContentPath(path)) throw new Error(`not a content file path: ${JSON.stringify(path.slice(0, 200))}`);
    return join(root, ...path.split('/'));
  };
  return {
    async list(): Promise<readonly SourceEntry[]> {
      return readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((dirent) => dirent.isFile() && isArticlePath(dirent.name) && !dirent.name.startsWith('.'))
        .map((dirent) => relative(root, join(dirent.parentPath, dirent.name)).split(sep).join('/'))
        .filter(isSafeContentPath)
        .sort(comparePaths)
        .map((path) => ({ path }));
    },
    async read(path: string): Promise<string> {
      return readFileSync(resolvePath(path), 'utf8');
    },
    async readHead(path: string, bytes: number): Promise<FileHead> {
      const fd = openSync(resolvePath(path), 'r');
      try {
        const stats = fstatSync(fd);
        if (headBuffer.length < bytes) headBuffer = Buffer.allocUnsafe(bytes);
        const buffer = headBuffer;
        const read = readSync(fd, buffer, 0, Math.min(bytes, stats.size), 0);
        const complete = read >= stats.size;
        let end = read;
        // Cut after the last line break, so that no line (or character) is cut in two.
        if (!complete) end = buffer.lastIndexOf(0x0a, read - 1) + 1;
        return { text: buffer.toString('utf8', 0, end), complete, stamp: { size: stats.size, mtimeMs: stats.mtimeMs } };
      } finally {
        closeSync(fd);
      }
    },
    async stat(path: string) {
      const stats = statSync(resolvePath(path), { throwIfNoEntry: false });
      return stats?.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
    },
  };
}
