/**
 * Hugo's page bundles: an article written as `index.md` in a folder of its own
 * (`2024/storm-hits-coast/index.md`), with the images it shows beside it. Its page is
 * `/articles/{slug}` and the files beside it are served under it (`/articles/{slug}/photo.jpg`),
 * so that the Markdown's relative links (`![](photo.jpg)`) lead to them, as they do on a Hugo
 * site. Only images are served: nothing a browser would run on the site's origin (no SVG, no
 * HTML), and nothing larger than a static host takes.
 */
import { isSafeFolderPath } from '../sources/source.ts';
import type { Article } from './article.ts';

/** The folder of a page bundle's article (`2024/storm`), or `undefined` for an article of its own file. */
export function bundleFolderOf(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  if (slash === -1) return undefined;
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return (dot === -1 ? name : name.slice(0, dot)) === 'index' ? path.slice(0, slash) : undefined;
}

/** The files served beside a bundle's article, by their extension (lower case), with their media types. */
export const BUNDLE_FILE_TYPES: Readonly<Record<string, string>> = {
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

/** The largest file served beside an article: what Cloudflare takes as one static asset (25 MiB). */
export const MAX_BUNDLE_FILE_BYTES = 25 * 1024 * 1024;

/**
 * The media type of a file beside a bundle's article, by its path in the bundle's folder
 * (`photo.jpg`, `images/map.png`), or `undefined` when it is none to serve: a path no listing
 * takes (an empty or hidden segment, `.` and `..` among them, a backslash or NUL: see
 * isSafeFolderPath), or a type not in {@link BUNDLE_FILE_TYPES}.
 */
export function bundleFileTypeOf(relative: string): string | undefined {
  if (!isSafeFolderPath(relative)) return undefined;
  const dot = relative.lastIndexOf('.');
  return dot <= relative.lastIndexOf('/') ? undefined : BUNDLE_FILE_TYPES[relative.slice(dot).toLowerCase()];
}

/**
 * The strong validator of a file beside an article, from its size and modification time (as
 * nginx makes one): the same on Node, which reads them from the file, and on Workers, where the
 * build kept them, and no hashing per request.
 */
export function bundleFileTag(size: number, mtimeMs: number): string {
  return `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`;
}

/** A file beside a bundle's article, read to be served. */
export interface BundleFile {
  readonly body: Uint8Array;
  /** A strong validator for its bytes (of its size and modification time where they are known). */
  readonly etag: string;
  readonly lastModified: number;
}

/** Where a host finds the files beside the articles (the Node host: the content folder). */
export interface BundleFiles {
  /** The file at `relative` in the folder of `article`'s bundle; `undefined` when there is none to serve. */
  read(article: Article, relative: string): Promise<BundleFile | undefined>;
}
