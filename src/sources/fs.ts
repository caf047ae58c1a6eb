/**
 * A source over a folder on disk (Node only): every `.md`, `.markdown` and `.txt` file,
 * nested folders included. Paths never leave the folder: `read` accepts only listed paths.
 *
 * @example
 * const source = createFsSource('content');
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { comparePaths, isArticlePath, type ContentSource, type SourceEntry } from './source.ts';

export function createFsSource(root: string): ContentSource {
  let listed = new Set<string>();
  return {
    async list(): Promise<readonly SourceEntry[]> {
      const dirents = await readdir(root, { recursive: true, withFileTypes: true });
      const paths = dirents
        .filter((dirent) => dirent.isFile() && isArticlePath(dirent.name) && !dirent.name.startsWith('.'))
        .map((dirent) => relative(root, join(dirent.parentPath, dirent.name)).split(sep).join('/'))
        .sort(comparePaths);
      listed = new Set(paths);
      return paths.map((path) => ({ path }));
    },
    async read(path: string): Promise<string> {
      if (!listed.has(path)) throw new Error(`not a listed content file: ${path}`);
      return readFile(join(root, ...path.split('/')), 'utf8');
    },
  };
}
