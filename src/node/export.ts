/**
 * `wirefeed build --out DIR`: a static export of everything the server answers - every feed of
 * every scope, every article page, the index and its script, the OPML file, the sitemaps and
 * robots.txt - written as the exact bytes the server sends for the same URLs (the same app
 * renders them), plus a `_headers` file with the content types and cache rules and a
 * `_redirects` file with the redirects the server makes to its feeds, for Netlify, Cloudflare
 * Pages / Workers Static Assets and similar hosts.
 *
 * Files: `/` -> index.html, `/articles/{slug}` -> articles/{slug}.html (static hosts serve it
 * for the extensionless URL), everything else under its own path. Paged variants (`?page=`)
 * need a server and are not exported.
 *
 * An export into the folder of an earlier complete one renders only the article pages whose
 * sources changed (see export-manifest.ts), every feed, the index and the OPML file, and removes
 * what is no longer exported; `full` renders everything into an emptied folder.
 */
import type { Hono } from 'hono';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { createApp } from '../app.ts';
import { filesInError, formatProblem, type Article, type FilesInError } from '../articles/article.ts';
import type { IndexMany } from '../articles/load.ts';
import { createContentStore, type FileContentStore, type IndexCache } from '../catalog/content-store.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { selectListedScopes, selectScopesOf } from '../catalog/query.ts';
import type { ContentStore } from '../catalog/snapshot.ts';
import { buildCacheControl } from '../http/cache-control.ts';
import { CORS_HEADERS, otherToolsFeedsOf } from '../http/guards.ts';
import { CONTENT_TYPES } from '../http/respond.ts';
import { PAGE_SECURITY_HEADERS, SCRIPT_PATH } from '../pages/document.ts';
import { countSitemapPages, sitemapPagePath } from '../pages/sitemap.ts';
import type { Site } from '../site.ts';
import { createReportingFsSource } from '../sources/fs.ts';
import { createUrls, FEED_FILE_NAMES, FEED_FORMATS } from '../urls.ts';
import { bundleFilesOf, copyBundleFile } from './bundle-files.ts';
import { nodeSha256 } from './compression.ts';
import { StartupError } from './config.ts';
import { exportFingerprint, exportManifestPath, forgetExportManifest, pageKey, readExportManifest, writeExportManifest } from './export-manifest.ts';
import { createFileIndexCache, defaultIndexPath, forgetOtherConfigurations, indexFingerprint, indexSettings, rereadArticle } from './index-cache.ts';
import type { RenderMany } from './parallel-export.ts';
import { createProgress } from './progress.ts';
import { taskProcesses } from './resources.ts';
import type { Settings } from './settings.ts';

export interface ExportOptions extends Settings {
  readonly outDir: string;
  /** "Now" for scheduled articles (default: the time of the export). */
  readonly now?: number;
  readonly quiet?: boolean;
  /** Render every page, even where the last export into the folder rendered the same (see export-manifest.ts). */
  readonly full?: boolean;
  /** Reads many files at once (see parallel-index.ts). */
  readonly indexMany?: IndexMany;
  /**
   * Renders pages in other processes too (see parallel-export.ts), `processes` in all with this
   * one (default {@link exportProcesses}), from `from` article pages (default
   * {@link PARALLEL_EXPORT_FROM}); the index they start from is written to a folder of its own in
   * `scratchDir` (default: the system's temporary folder), removed at the end.
   */
  readonly parallel?: { readonly renderMany: RenderMany; readonly processes?: number; readonly from?: number; readonly scratchDir?: string };
}

/**
 * Below this many article pages, an export renders them all itself: starting the other
 * processes (and writing the index they start from) costs more than they would save.
 */
export const PARALLEL_EXPORT_FROM = 2000;

/**
 * The processes an export renders its pages in, when not told: one per usable core (up to 8), as
 * many as fit in their share of the memory (see resources.ts). Each holds the catalog, as this
 * process does once it has read the folder, and grows as it renders: measured at their peaks,
 * each took about twice this process's size when the pages were shared out, plus its content
 * cache (97 MB then and 185-240 MB at the peak at 10,000 articles; 185 MB and 378-409 MB at
 * 100,000).
 */
export function exportProcesses(contentBytes: number): number {
  return Math.max(1, taskProcesses(2 * process.memoryUsage.rss() + contentBytes));
}

/** A file an export wrote: its path in the output folder, and the URL path it is served at. */
export interface ExportedFile {
  readonly path: string;
  readonly url: string;
}

export interface ExportResult {
  readonly files: readonly ExportedFile[];
  readonly articles: number;
  readonly inError: FilesInError;
  /** The processes that rendered the pages: 1, or as many as the export shared them among (see parallel-export.ts). */
  readonly processes: number;
  /** Article pages kept from the last export into the folder, their sources unchanged (see export-manifest.ts). */
  readonly kept: number;
}

/** The file a URL path is exported to. */
export function exportPathOf(urlPath: string): string {
  if (urlPath === '/') return 'index.html';
  const decoded = decodeURIComponent(urlPath.slice(1));
  return decoded.startsWith('articles/') ? `${decoded}.html` : decoded;
}

const HEADERS_FILE_FIRST_LINE = '# Generated by wirefeed build: content types and cache rules for static hosts.';

function headersFile(settings: Settings, now: number): string {
  const cache = buildCacheControl(settings.site.cache, now);
  const block = (path: string, headers: Record<string, string>) =>
    [path, ...Object.entries({ ...headers, 'Cache-Control': cache }).map(([name, value]) => `  ${name}: ${value}`)].join('\n');
  const feed = { ...CORS_HEADERS, 'X-Content-Type-Options': 'nosniff' };
  const blocks = [
    block('/', { 'Content-Type': CONTENT_TYPES.html, ...PAGE_SECURITY_HEADERS }),
    // No Content-Type: the rule also covers the images beside page bundles' articles
    // (`/articles/storm/photo.jpg`), and a host joins the values of one header from several
    // rules; it types the pages (`articles/{slug}.html`) and the images by their extensions.
    block('/articles/*', PAGE_SECURITY_HEADERS),
    block('/feeds.opml', { 'Content-Type': CONTENT_TYPES.opml, ...feed }),
    block(SCRIPT_PATH, { 'Content-Type': CONTENT_TYPES.javascript, 'X-Content-Type-Options': 'nosniff' }),
    block('/sitemap.xml', { 'Content-Type': CONTENT_TYPES.xml, 'X-Content-Type-Options': 'nosniff' }),
    block('/sitemap-*', { 'Content-Type': CONTENT_TYPES.xml, 'X-Content-Type-Options': 'nosniff' }),
    block('/robots.txt', { 'Content-Type': CONTENT_TYPES.text, 'X-Content-Type-Options': 'nosniff' }),
    ...FEED_FORMATS.flatMap((format) => [
      block(`/${FEED_FILE_NAMES[format]}`, { 'Content-Type': CONTENT_TYPES[format], ...feed }),
      block(`/*/${FEED_FILE_NAMES[format]}`, { 'Content-Type': CONTENT_TYPES[format], ...feed }),
    ]),
  ];
  return `${HEADERS_FILE_FIRST_LINE}\n${blocks.join('\n\n')}\n`;
}

/** Cloudflare's limit of redirects without placeholders in one `_redirects` file. */
const STATIC_REDIRECTS_LIMIT = 2000;

/**
 * `_redirects` (Netlify and Cloudflare syntax): what the server redirects to a feed, or answers
 * with one, for the feeds exported - where Hugo, jekyll-feed and WordPress publish them, and
 * `/feed` (the server's choice by `Accept`, RSS without one; a static host chooses nothing) -
 * each a permanent redirect by the 301 every such host knows. `feeds` pairs each exported RSS
 * or Atom path with the `/feed` path of its scope (none for Atom).
 */
export function redirectsFile(feeds: readonly { readonly path: string; readonly negotiated?: string }[]): { readonly text: string; readonly rules: number } {
  const lines: string[] = [];
  for (const { path, negotiated } of feeds) {
    const from = [...(negotiated === undefined ? [] : [negotiated, `${negotiated}/`]), ...otherToolsFeedsOf(path)];
    for (const source of from) lines.push(`${source} ${path} 301`);
  }
  const text = `# Generated by wirefeed build: feed URLs of Hugo, jekyll-feed and WordPress, and /feed, lead to the feeds here.\n${lines.join('\n')}\n`;
  return { text, rules: lines.length };
}

/**
 * The output folder is emptied or rewritten, so it must be one wirefeed may empty: missing,
 * empty, or an earlier export (its `_headers` says so) - and neither the content nor the working
 * folder. Says whether it holds an earlier export (whose pages an export may keep).
 */
function checkOutputFolder(outDir: string, contentDir: string): { readonly earlierExport: boolean } {
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}${sep}`);
  if (within(process.cwd(), outDir)) throw new StartupError(`--out ${outDir} holds the working folder; choose a folder of its own`);
  if (within(contentDir, outDir) || within(outDir, contentDir)) {
    throw new StartupError(`--out ${outDir} overlaps the content folder ${contentDir}; choose a folder of its own`);
  }
  if (!existsSync(outDir)) return { earlierExport: false };
  if (!statSync(outDir).isDirectory()) throw new StartupError(`--out ${outDir} is a file, not a folder`);
  if (readdirSync(outDir).length === 0) return { earlierExport: false };
  const marker = join(outDir, '_headers');
  const previous = existsSync(marker) && readFileSync(marker, 'utf8').startsWith(HEADERS_FILE_FIRST_LINE);
  if (!previous) throw new StartupError(`--out ${outDir} is not empty and holds no earlier wirefeed export; choose an empty or new folder`);
  return { earlierExport: true };
}

/** Every file under `folder`, by its path there. */
function filesUnder(folder: string): Set<string> {
  const files = new Set<string>();
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) if (entry.isFile()) files.add(relative(folder, join(entry.parentPath, entry.name)));
  return files;
}

/**
 * The pages of an export, each with its key (see export-manifest.ts), and those of them to render:
 * all, or, given the keys of the last complete export into the folder and the files there, those
 * whose key changed or whose file is gone. The key takes each file's stamp from the store, as it
 * was when the article was read, so that a file changed since is rendered again next time.
 */
function pagesToRender(
  store: FileContentStore,
  catalog: Catalog,
  articles: readonly { readonly article: Article; readonly url: string }[],
  earlier: { readonly keys: ReadonlyMap<string, string>; readonly files: ReadonlySet<string> } | undefined,
): { readonly keys: Map<string, string>; readonly render: string[] } {
  const keys = new Map<string, string>();
  const render: string[] = [];
  for (const { article, url } of articles) {
    const stamp = store.stampOf(article.path);
    const key = stamp && pageKey(article, stamp, selectScopesOf(catalog, article));
    if (key !== undefined) keys.set(url, key);
    if (key === undefined || earlier?.keys.get(url) !== key || !earlier.files.has(exportPathOf(url))) render.push(url);
  }
  return { keys, render };
}

/** Removes the files an earlier export wrote (`present`) that this one does not (`written`), and the folders that leaves empty. */
function removeStaleFiles(outDir: string, present: ReadonlySet<string>, written: ReadonlySet<string>): void {
  for (const path of present) {
    if (written.has(path)) continue;
    rmSync(join(outDir, path), { force: true });
    for (let folder = dirname(path); folder !== '.'; folder = dirname(folder)) {
      try {
        rmdirSync(join(outDir, folder));
      } catch {
        break; // not empty
      }
    }
  }
}

/** Each exported RSS and Atom feed's path, with the `/feed` path of its scope for RSS. */
function feedRedirectTargets(catalog: Catalog, site: Site): { path: string; negotiated?: string }[] {
  const urls = createUrls(site.baseUrl);
  const local = (url: string) => url.slice(site.baseUrl.length);
  return selectListedScopes(catalog).flatMap((scope) => [
    { path: local(urls.feed(scope, 'rss')), negotiated: local(urls.negotiated(scope)) },
    { path: local(urls.feed(scope, 'atom')) },
  ]);
}

/**
 * Copies the images beside each page bundle's article to where the server serves them
 * (`articles/{slug}/photo.jpg`), and names them as exported files.
 */
function copyBundleFiles(contentDir: string, outDir: string, articles: readonly { readonly article: Article; readonly url: string }[]): ExportedFile[] {
  const urlOf = new Map(articles.map(({ article, url }) => [article, url]));
  const copied: ExportedFile[] = [];
  for (const { article, relative, file } of bundleFilesOf(contentDir, urlOf.keys())) {
    const url = urlOf.get(article) as string;
    const path = `${exportPathOf(url).slice(0, -'.html'.length)}/${relative}`;
    copyBundleFile(file, join(outDir, path));
    copied.push({ path, url: `${url}/${relative.split('/').map(encodeURIComponent).join('/')}` });
  }
  return copied;
}

/**
 * The app an export renders with: the server's, its clock stopped at the export's `now`, and
 * its entity tags hashed as the server hashes them, on this thread rather than with a trip to
 * WebCrypto's thread pool for every page (a 10k export by turns, seven each: in one process
 * 10.1-13.5 s, median 10.3, against 11.4-14.1 s, median 12.3; shared among two, median 10.0
 * against 10.2 s; the same files).
 */
export function createExportApp(site: Site, store: ContentStore, now: number): Hono {
  return createApp({ site, store, now: () => now, sha256: nodeSha256 });
}

/**
 * Renders each URL path through the app and writes it where exportPathOf says, calling
 * `onWritten` after each, until `signal` is aborted. The event loop gets a turn before each
 * page: rendering, hashing and writing a page need none, and without one nothing else ran until
 * the last page was written - not even the rest of the other export processes' tasks, too long
 * for their pipes at once, so that they began only once this one was done (a 10k export shared
 * among two processes took 14.2-14.7 s, against 9.4-10.4 s with the turns).
 */
export async function writeExported(app: Hono, outDir: string, paths: readonly string[], onWritten: () => void, signal?: AbortSignal): Promise<void> {
  for (const path of paths) {
    await new Promise(setImmediate);
    if (signal?.aborted === true) return;
    const response = await app.request(path, { headers: { 'Accept-Encoding': 'identity' } });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    const file = join(outDir, exportPathOf(path));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, new Uint8Array(await response.arrayBuffer()));
    onWritten();
  }
}

/** A new folder in `dir` for the index other processes start from; `undefined` when none can be made there. */
function scratchFolder(dir: string): string | undefined {
  try {
    return mkdtempSync(join(dir, 'wirefeed-export-index-'));
  } catch {
    return undefined;
  }
}

/**
 * The persisted index of a build's settings in its CACHE_DIR (see defaultIndexPath), when that
 * folder can be written; the folder's indexes of other settings beyond the last few are removed.
 */
export function writableIndexPath({ cacheDir, contentDir, site }: Pick<Settings, 'cacheDir' | 'contentDir' | 'site'>): string | undefined {
  if (cacheDir === 'off') return undefined;
  try {
    mkdirSync(cacheDir, { recursive: true });
    accessSync(cacheDir, constants.W_OK);
  } catch {
    return undefined;
  }
  const file = defaultIndexPath(cacheDir, contentDir, site);
  forgetOtherConfigurations(file);
  return file;
}

/**
 * The index in `file` as a build (an export, the Workers build) reads it: without the listing
 * saved with it, so that the folder is listed whole and every file stamped, as a server's restart
 * does when folder times changed. A restart that trusts unchanged folder times lists again a
 * second later to catch a file system that keeps them badly; a build renders once, from what it
 * read first.
 */
export function buildIndexCache(contentDir: string, site: Site, file: string): IndexCache {
  const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(site), settings: indexSettings(site), recover: rereadArticle(contentDir, site) });
  return { ...cache, listing: () => undefined };
}

/** `count` slices of `paths`, in order, of sizes that differ by one at most. */
function slicesOf(paths: readonly string[], count: number): string[][] {
  return Array.from({ length: count }, (_, index) => paths.slice(Math.floor((index * paths.length) / count), Math.floor(((index + 1) * paths.length) / count)));
}

export async function exportSite(options: ExportOptions): Promise<ExportResult> {
  const { site } = options;
  const { source, listingProblems } = createReportingFsSource(options.contentDir);
  // The index of what this export reads: the one a server of these settings keeps in CACHE_DIR,
  // so that an export after a server or another export parses only the files changed since. With
  // other processes to render pages, they start from it (see parallel-export.ts). Without a cache
  // folder to write, they start from one written to a scratch folder of its own, and where none
  // can be made either (a read-only file system), this process renders every page.
  const { parallel } = options;
  const persisted = writableIndexPath(options);
  const scratch = persisted === undefined && parallel && (parallel.processes ?? taskProcesses()) > 1 ? scratchFolder(parallel.scratchDir ?? tmpdir()) : undefined;
  const indexFile = persisted ?? (scratch === undefined ? undefined : join(scratch, 'index.json'));
  const index = indexFile === undefined ? undefined : { file: indexFile, fingerprint: indexFingerprint(site) };
  const cache = index && buildIndexCache(options.contentDir, site, index.file);
  try {
    const store = createContentStore(source, site, { ...(options.indexMany ? { indexMany: options.indexMany } : {}), ...(cache ? { cache } : {}) });
    const now = options.now ?? Date.now();
    const app = createExportApp(site, store, now);
    const { earlierExport } = checkOutputFolder(options.outDir, options.contentDir);
    const { catalog } = await store.current();
    const problems = [...listingProblems, ...catalog.problems];
    for (const problem of problems) console.warn(formatProblem(problem));
    const urls = createUrls(site.baseUrl);

    const paths = ['/', '/feeds.opml', SCRIPT_PATH];
    for (const scope of selectListedScopes(catalog)) for (const format of FEED_FORMATS) paths.push(urls.feed(scope, format).slice(site.baseUrl.length));
    const articles: { article: Article; url: string }[] = [];
    for (const article of catalog.articles) if (article.published <= now) articles.push({ article, url: urls.article(article.slug).slice(site.baseUrl.length) });
    const articlePaths = articles.map(({ url }) => url);
    paths.push('/robots.txt', '/sitemap.xml');
    for (let page = 1; page <= countSitemapPages(articles.length); page++) paths.push(sitemapPagePath(page));

    // Only the pages whose sources changed since the last complete export into the folder, when
    // its manifest is there (and --full is not given); otherwise the folder is emptied first.
    const manifest = options.cacheDir === 'off' ? undefined : { file: exportManifestPath(options.cacheDir, options.outDir), fingerprint: exportFingerprint(site) };
    const keys = manifest && earlierExport && options.full !== true ? readExportManifest(manifest.file, manifest.fingerprint) : undefined;
    const forgotten = manifest !== undefined && forgetExportManifest(manifest.file);
    const earlier = keys && forgotten ? { keys, files: filesUnder(options.outDir) } : undefined;
    if (earlier === undefined) rmSync(options.outDir, { recursive: true, force: true });
    // Keys only where a manifest will keep them (not with CACHE_DIR=off): every page is rendered.
    const pages = manifest ? pagesToRender(store, catalog, articles, earlier) : { keys: new Map<string, string>(), render: articlePaths };
    // The _headers file first: it marks the folder as an export of wirefeed's, so that an export
    // stopped half-way (interrupted, killed, or refused because a file changed) may be run again
    // into the same folder.
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(join(options.outDir, '_headers'), headersFile(options, now));
    const redirects = redirectsFile(feedRedirectTargets(catalog, site));
    writeFileSync(join(options.outDir, '_redirects'), redirects.text);
    if (redirects.rules > STATIC_REDIRECTS_LIMIT) {
      console.warn(`wirefeed build: _redirects holds ${redirects.rules} rules; Cloudflare takes ${STATIC_REDIRECTS_LIMIT} at most (Netlify has no such limit)`);
    }
    const progress = createProgress('wirefeed build', options.quiet ? { quiet: true } : {});
    const total = paths.length + pages.render.length;
    let written = 0;
    const onWritten = (count = 1) => {
      const before = written;
      written += count;
      if (Math.floor(before / 200) !== Math.floor(written / 200)) progress.update(written, total);
    };
    // The pages this process writes, and those the others do (the first slice is its own).
    const shared = cache && index && parallel && pages.render.length >= (parallel.from ?? PARALLEL_EXPORT_FROM) ? { cache, index, parallel } : undefined;
    const processes = shared ? (shared.parallel.processes ?? exportProcesses(options.cacheBudget.contentBytes)) : 1;
    const [own = [], ...others] = slicesOf(pages.render, processes);
    let elsewhere: Promise<void> = Promise.resolve();
    // The first failure, here or in another process, stops the others.
    const stop = new AbortController();
    if (shared && others.length > 0) {
      await shared.cache.flush();
      const { file: indexFile, fingerprint } = shared.index;
      const task = { contentDir: options.contentDir, site, indexFile, fingerprint, contentBytes: options.cacheBudget.contentBytes, outDir: options.outDir, now };
      elsewhere = shared.parallel.renderMany(task, others, onWritten, stop.signal);
    }
    const here = writeExported(app, options.outDir, [...paths, ...own], onWritten, stop.signal);
    try {
      await Promise.all([here, elsewhere]);
    } catch (error) {
      stop.abort();
      await Promise.allSettled([here, elsewhere]);
      throw error;
    }
    progress.update(total, total);
    progress.stop();
    const files = [...paths, ...articlePaths].map((url) => ({ path: exportPathOf(url), url }));
    files.push(...copyBundleFiles(options.contentDir, options.outDir, articles));
    if (earlier !== undefined) removeStaleFiles(options.outDir, earlier.files, new Set([...files.map(({ path }) => path), '_headers', '_redirects']));
    if (manifest) {
      try {
        writeExportManifest(manifest.file, manifest.fingerprint, pages.keys);
      } catch (error) {
        console.warn(`wirefeed build: could not keep what this export rendered (${(error as Error).message}); the next export renders every page`);
      }
    }
    return { files, articles: catalog.articles.length, inError: filesInError(problems), processes: 1 + others.length, kept: articlePaths.length - pages.render.length };
  } finally {
    // The store saves what it read (a write once changes settle): that write is made now, not
    // after the scratch folder is gone, where it would make the folder again.
    await cache?.flush();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}
