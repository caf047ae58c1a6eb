/**
 * A source over an in-memory map of path -> text, for tests and tools. Files can be written
 * and removed afterwards; each write gives the file a new stamp.
 *
 * @example
 * const source = createMemorySource({ '2024/a.md': '---\ndate: 2024-01-01\n---\nHello' });
 * source.write('2024/b.md', '...');
 */
import { comparePaths, isArticlePath, stampsFrom, type ContentSource, type FileStamp } from './source.ts';

export interface MemorySource extends ContentSource {
  write(path: string, text: string): void;
  remove(path: string): void;
}

const encoder = new TextEncoder();

export function createMemorySource(initial: Readonly<Record<string, string>>): MemorySource {
  const files = new Map<string, { text: string; stamp: FileStamp }>();
  let clock = 0;
  const write = (path: string, text: string) => files.set(path, { text, stamp: { size: encoder.encode(text).length, mtimeMs: ++clock } });
  for (const [path, text] of Object.entries(initial)) write(path, text);
  const get = (path: string) => {
    const file = files.get(path);
    if (file === undefined) throw new Error(`no such file in the source: ${path}`);
    return file;
  };
  return {
    list: async (onListed) => {
      const paths = [...files.keys()].filter(isArticlePath);
      onListed?.(paths.length);
      return paths.sort(comparePaths);
    },
    read: async (path) => get(path).text,
    readHead: async (path) => ({ text: get(path).text, complete: true, stamp: get(path).stamp }),
    stat: async (path) => files.get(path)?.stamp,
    stamps: async (paths) => stampsFrom(paths.map((path) => files.get(path)?.stamp)),
    write,
    remove: (path) => {
      files.delete(path);
    },
  };
}
