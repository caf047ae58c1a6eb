/**
 * A source over an in-memory map of path -> text: tests, and content bundled at build time.
 *
 * @example
 * const source = createMemorySource({ '2024/a.md': '---\ndate: 2024-01-01\n---\nHello' });
 */
import { comparePaths, isArticlePath, type ContentSource, type SourceEntry } from './source.ts';

export function createMemorySource(files: Readonly<Record<string, string>>): ContentSource {
  const entries: readonly SourceEntry[] = Object.keys(files)
    .filter(isArticlePath)
    .sort(comparePaths)
    .map((path) => ({ path }));
  return {
    list: async () => entries,
    read: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`no such file in the source: ${path}`);
      return text;
    },
  };
}
