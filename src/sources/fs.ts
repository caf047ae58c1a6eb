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
import { join, sep } from 'node:path';
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
      const base = join(root, sep);
      const paths: string[] = [];
      for (const dirent of readdirSync(base, { recursive: true, withFileTypes: true })) {
        if (!dirent.isFile() || dirent.name.startsWith('.') || !isArticlePath(dirent.name)) continue;
        // parentPath starts with the root (as given, plus a separator); no path.relative() needed.
        const folder = dirent.parentPath.length > base.length ? `${dirent.parentPath.slice(base.length)}/` : '';
        const path = `${sep === '/' ? folder : folder.split(sep).join('/')}${dirent.name}`;
        if (isSafeContentPath(path)) paths.push(path);
      }
      return paths.sort(comparePaths).map((path) => ({ path }));
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
