/**
 * What an export's article pages were rendered from, kept so that the next export into the same
 * folder renders only the pages whose sources changed: at 100,000 articles, rendering every page
 * took 67-88 s here, where a news site changes a few files between two exports.
 *
 * An article page is made of its article (read from its file), the scopes it appears in (their
 * names: a category's may come from another file), the site's configuration and the code that
 * renders it. The manifest keeps, under a fingerprint of the configuration and the build, one key
 * per page: a hash of the article's id, its file's path, size and modification time (the stamp
 * the file was read at, as the server's index trusts it), and its scopes. A page is rendered again when its key differs,
 * when the fingerprint does, or when its file is gone from the output folder.
 *
 * A Workers build (scripts/build-worker.ts) keeps a manifest of the same shape for its content
 * files, each keyed by the articles it holds (see contentFileKey), so that a deploy uploads only
 * the files whose articles changed.
 *
 * The manifest lives in the cache folder (`CACHE_DIR`), named after the output folder, not in the
 * output, which is published. It is removed before an export writes anything and written again
 * only once the export is complete, so an export stopped half-way leaves none, and the next one
 * renders every page.
 *
 * @example
 * const file = exportManifestPath(cacheDir, outDir);
 * const kept = readExportManifest(file, fingerprint); // undefined: render every page
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Article } from '../articles/article.ts';
import type { Scope } from '../catalog/catalog.ts';
import { GENERATOR } from '../feeds/feed.ts';
import type { Site } from '../site.ts';
import { runningBuild } from './index-cache.ts';

const FORMAT = 1;

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** Where the manifest of exports into `outDir` is kept (`kind` 'worker': of Workers builds, whose files are content files; see contentFileKey). */
export function exportManifestPath(cacheDir: string, outDir: string, kind: 'export' | 'worker' = 'export'): string {
  return join(cacheDir, `${kind}-${digest(resolve(outDir))}.json`);
}

/** What every page depends on besides its article: the whole configuration, and the build. */
export function exportFingerprint(site: Site, code = runningBuild()): string {
  return digest(JSON.stringify([FORMAT, GENERATOR.version, code, site]));
}

/** A source file's stamp, as the server's index trusts it. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The key of an article's page: what it was rendered from, besides the configuration and the build. */
export function pageKey(article: Article, stamp: FileStamp, scopes: readonly Scope[]): string {
  const names = scopes.map(({ language, category }) => [language?.tag, language?.name, category?.slug, category?.name]);
  return digest(JSON.stringify([article.id, article.path, stamp.size, stamp.mtimeMs, names]));
}

/**
 * The key of a Workers build's content file (see writeContent in prebuilt.ts), from each article
 * it holds, in its order: its id, its file's path and the stamp the file was read at (the title,
 * description, authors, tags, dates and HTML all come from that file, as read under the
 * configuration the fingerprint names), and what may come from elsewhere: its slug (another
 * file's may clash with it), its language and its category (whose name may come from another
 * file). As a page key does, it reads no article's details.
 */
export function contentFileKey(articles: readonly Article[], stamps: readonly FileStamp[]): string {
  return digest(
    JSON.stringify(articles.map(({ id, path, slug, language, category }, at) => [id, path, stamps[at]?.size, stamps[at]?.mtimeMs, slug, language, category?.slug, category?.name])),
  );
}

/** The page keys of the last complete export into a folder, by URL path; `undefined` when there is none of this fingerprint, or it cannot be read. */
export function readExportManifest(file: string, fingerprint: string): Map<string, string> | undefined {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; fingerprint?: unknown; pages?: unknown };
    if (manifest.format !== FORMAT || manifest.fingerprint !== fingerprint || !Array.isArray(manifest.pages)) return undefined;
    const pages = new Map<string, string>();
    for (const page of manifest.pages as unknown[]) {
      if (!Array.isArray(page) || typeof page[0] !== 'string' || typeof page[1] !== 'string') return undefined;
      pages.set(page[0], page[1]);
    }
    return pages;
  } catch {
    return undefined;
  }
}

/**
 * Removes the manifest before an export writes: until it is complete, the folder matches none.
 * False when it cannot be removed (a read-only cache folder): the export must then not keep pages
 * by it, since a page it rewrites could be left half-written under a key that still matches.
 */
export function forgetExportManifest(file: string): boolean {
  try {
    rmSync(file, { force: true });
    return true;
  } catch {
    return false;
  }
}

/** Keeps the page keys of a complete export (written whole, then renamed into place). */
export function writeExportManifest(file: string, fingerprint: string, pages: ReadonlyMap<string, string>): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ format: FORMAT, fingerprint, pages: [...pages] }));
  renameSync(temporary, file);
}
