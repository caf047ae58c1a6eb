/**
 * Where article files come from. A source lists files and reads one; it knows nothing of
 * front matter or feeds. One implementation per file: `fs.ts` (a folder, Node only) and
 * `memory.ts` (a map of path -> text, for tests and pre-built bundles).
 *
 * @example
 * const source: ContentSource = createMemorySource({ 'a.md': '---\ndate: 2024-01-01\n---\nHi' });
 * for (const entry of await source.list()) console.log(entry.path, await source.read(entry.path));
 */

/** File endings that hold articles. */
export const ARTICLE_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

export interface SourceEntry {
  /** Path relative to the source root, with `/` separators, never starting with `/` or containing `..`. */
  readonly path: string;
  /** Size in bytes and modification time, when the source knows them (cache validation). */
  readonly size?: number;
  readonly mtimeMs?: number;
}

export interface ContentSource {
  /** Every article file, sorted by path so that "first" and "second" mean the same thing everywhere. */
  list(): Promise<readonly SourceEntry[]>;
  /** The UTF-8 text of one listed file. */
  read(path: string): Promise<string>;
}

/** Whether a file name has one of the {@link ARTICLE_EXTENSIONS} (case-insensitive). */
export function isArticlePath(path: string): boolean {
  const lower = path.toLowerCase();
  return ARTICLE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** Orders paths by code unit, the same on every platform and runtime. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
