/**
 * The files beside page bundles' articles in a folder on disk (Node only), read when a request
 * asks for one and listed for a static export. As the content itself, never through a symbolic
 * link: not the file (opened with O_NOFOLLOW), nor a folder between it and the bundle's (each
 * checked with lstat), so that a link in a bundle cannot publish any file the server may read.
 */
import { closeSync, copyFileSync, fstatSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Article } from '../articles/article.ts';
import { bundleFileTag, bundleFileTypeOf, bundleFolderOf, MAX_BUNDLE_FILE_BYTES, type BundleFile, type BundleFiles } from '../articles/bundle.ts';
import { openContentFile } from '../sources/fs.ts';
import { isSkippedName } from '../sources/source.ts';

/** Whether every folder from the bundle's down to the file's is a real folder, no link. */
function foldersAreReal(root: string, folder: string, relative: string): boolean {
  let path = join(root, folder);
  const segments = relative.split('/').slice(0, -1);
  for (let i = -1; i < segments.length; i++) {
    if (i >= 0) path = join(path, segments[i] as string);
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (!stats?.isDirectory()) return false;
  }
  return true;
}

function readBundleFile(file: string): BundleFile | undefined {
  let fd: number;
  try {
    fd = openContentFile(file);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_BUNDLE_FILE_BYTES) return undefined;
    return { body: readFileSync(fd), etag: bundleFileTag(stats.size, stats.mtimeMs), lastModified: stats.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** The files beside the bundles of the content folder `root`. */
export function createFsBundleFiles(root: string): BundleFiles {
  return {
    async read(article: Article, relative: string) {
      const folder = bundleFolderOf(article.path);
      if (folder === undefined || bundleFileTypeOf(relative) === undefined) return undefined;
      try {
        return foldersAreReal(root, folder, relative) ? readBundleFile(join(root, folder, relative)) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The files a bundle's folder serves, by their paths in it (`photo.jpg`, `images/map.png`), in
 * code-unit order: those {@link createFsBundleFiles} would read, no folder or file through a link.
 */
export function listBundleFiles(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    let entries;
    try {
      entries = readdirSync(join(root, folder, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && !isSkippedName(entry.name)) walk(path);
      else if (entry.isFile() && bundleFileTypeOf(path) !== undefined) {
        const size = lstatSync(join(root, folder, path), { throwIfNoEntry: false })?.size ?? Infinity;
        if (size <= MAX_BUNDLE_FILE_BYTES) found.push(path);
      }
    }
  };
  walk('');
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every file beside the bundles among `articles`: the article, the file's path in its folder, and on disk. */
export function* bundleFilesOf(root: string, articles: Iterable<Article>): Generator<{ article: Article; relative: string; file: string }> {
  for (const article of articles) {
    const folder = bundleFolderOf(article.path);
    if (folder === undefined) continue;
    for (const relative of listBundleFiles(root, folder)) yield { article, relative, file: join(root, folder, relative) };
  }
}

/**
 * Copies a bundle's file to `target` (a static export's, a Worker build's assets) unless the
 * target is the copy an earlier build made of this version: the same size and modification time,
 * to the microsecond, as rsync's quick check. Each copy is given the file's time for that: a
 * build after one article changed then copies no image, where it copied every one (at 10,000
 * bundles of one 150 KB image, 6-8 s of an 8-12 s build). A copy stopped half-way has the time
 * it was made at, so it is made again. Returns the file's size and time, which its validators
 * are made of.
 */
export function copyBundleFile(file: string, target: string): { readonly size: number; readonly mtimeMs: number } {
  const { size, atimeMs, mtimeMs } = statSync(file);
  const copied = statSync(target, { throwIfNoEntry: false });
  // Times set in seconds come back a fraction of a microsecond off (a double's precision).
  if (copied?.isFile() !== true || copied.size !== size || Math.abs(copied.mtimeMs - mtimeMs) >= 0.001) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
    utimesSync(target, atimeMs / 1000, mtimeMs / 1000);
  }
  return { size, mtimeMs };
}
