/**
 * `npm run build`: compiles the content folder for the Workers host, through the same parse,
 * normalize and render code as the Node host.
 *
 *   build/worker-data.txt        the catalog (what lists are made of: ids, slugs, languages,
 *                                categories, dates) and the index of pre-built files, as JSON:
 *                                a Text module beside the Worker script
 *   build/worker-data.js         the module the script imports it through (parsed as it starts)
 *   build/assets/_wirefeed/c/G/N every other field and the sanitized HTML of up to 16 articles a
 *                                file, those of one language and category (G) together, N
 *                                counted within them
 *   build/assets/_wirefeed/r/N   the responses readers poll, rendered ahead: the first page of
 *                                every feed, the index and the OPML file (other pages, other
 *                                limits and article pages are rendered by the Worker on demand)
 *
 * A build into the folder of an earlier one keeps the content files whose articles are unchanged
 * (see writeContentFolder), as `wirefeed build` keeps unchanged pages; the index of
 * the folder and what the last build wrote are kept in CACHE_DIR.
 *
 * Environment: CONTENT_DIR, WIREFEED_CONFIG, BASE_URL (as for `npm start`; BASE_URL falls back
 * to the config's baseUrl, then http://localhost:8787), CACHE_DIR (as for `npm start`; `off`:
 * every file read and written), OUT_DIR (default ./build), BUILD_TIME (an ISO date to build "as
 * of", for reproducible output; default now).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createApp } from '../src/app.ts';
import { formatProblem, type Article } from '../src/articles/article.ts';
import { createContentStore } from '../src/catalog/content-store.ts';
import { selectListedScopes } from '../src/catalog/query.ts';
import { createFixedStore } from '../src/catalog/snapshot.ts';
import type { Representation } from '../src/http/representation.ts';
import { readConfigFile, resolveSite, StartupError } from '../src/node/config.ts';
import { bundleFilesOf, copyBundleFile } from '../src/node/bundle-files.ts';
import { buildIndexCache, writableIndexPath } from '../src/node/export.ts';
import { contentFileKey, exportFingerprint, exportManifestPath, forgetExportManifest, readExportManifest, writeExportManifest, type FileStamp } from '../src/node/export-manifest.ts';
import { createParallelIndexer } from '../src/node/parallel-index.ts';
import { cacheDirOf } from '../src/node/process-role.ts';
import { taskProcesses } from '../src/node/resources.ts';
import { bundleAssetPath, CATALOG_WARNING_ARTICLES, everyField, ISOLATE_FULL_FROM, planContent, PREBUILT_DIRECTORY, PREBUILT_FORMAT_VERSION, writeContentFiles, type ContentFilePlan, type PrebuiltData, type PrebuiltResponse } from '../src/prebuilt.ts';
import type { Site } from '../src/site.ts';
import { createReportingFsSource } from '../src/sources/fs.ts';
import { createUrls, FEED_FORMATS } from '../src/urls.ts';
import { writeAsset, writeTaskFilesElsewhere } from './build-worker-content.ts';

/** Memo keys of responses that the Worker renders itself (article pages: one file each would be too many). */
const RENDERED_AT_REQUEST = /^article\|/;

/**
 * The project's wrangler.toml pointed at another build folder and named otherwise: tests and
 * benchmarks build into temporary folders and must run the Worker exactly as it is deployed.
 */
export function wranglerConfigFor(outDir: string, name: string): string {
  const config = readFileSync(resolve('wrangler.toml'), 'utf8')
    .replace(/^name = ".*"$/m, `name = "${name}"`)
    .replace(/^main = "(.*)"$/m, (_line, main: string) => `main = "${resolve(main)}"`)
    .replaceAll('"./build/', `"${outDir}/`);
  if (!config.includes(`"${outDir}/assets"`) || !config.includes(`"${outDir}/worker-data.js"`)) {
    throw new Error('wrangler.toml no longer points at ./build/assets and ./build/worker-data.js');
  }
  return config;
}

const MiB = 1024 * 1024;

/**
 * Cloudflare's limits that a build's size decides (developers.cloudflare.com/workers/platform/limits,
 * read 2026-11-27): Static Asset files per Worker version and the size of each, and the
 * Worker's size compressed, on the free plan and on Workers Paid; and the start-up limit, which
 * the catalog parsed as the script starts approaches as it grows.
 */
export const WORKER_LIMITS = {
  assetFiles: { free: 20_000, paid: 100_000 },
  assetFileBytes: 25 * MiB,
  gzipBytes: { free: 3 * MiB, paid: 10 * MiB },
  startupMs: 1000,
} as const;

/**
 * Catalog bytes (uncompressed) a build may bundle before the build warns of the start-up limit.
 * Measured with `npm run bench:worker`: the 100,000-article catalog (8.8 MiB) took 158 ms of
 * start-up CPU in workerd here (30,000 articles 66 ms). The machine's speed has moved the same
 * start-up by up to 2.9 times (the earlier catalog of 10,000 articles: 155 and 446 ms), so
 * 16 MiB would take about 0.3-0.85 s.
 */
const STARTUP_WARNING_BYTES = 16 * MiB;

/** A limit a build goes past: a warning when a plan still takes it, an error when none does (wrangler deploy would refuse it). */
export interface LimitProblem {
  readonly severity: 'warning' | 'error';
  readonly message: string;
}

export interface BuildSize {
  /** Articles in the catalog. */
  readonly articles: number;
  /** Static Asset files, and the largest one's bytes. */
  readonly files: number;
  readonly largestFile: number;
  /** The data (the catalog and the index of pre-built files), and its size compressed. */
  readonly dataBytes: number;
  readonly dataGzipBytes: number;
}

/** The limits a build of this size goes past. */
export function workerLimitProblems({ articles, files, largestFile, dataBytes, dataGzipBytes }: BuildSize): LimitProblem[] {
  const { assetFiles, assetFileBytes, gzipBytes, startupMs } = WORKER_LIMITS;
  const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
  const count = (value: number) => value.toLocaleString('en-US');
  const problems: LimitProblem[] = [];
  if (files > assetFiles.paid) {
    problems.push({ severity: 'error', message: `${count(files)} Static Asset files: more than the ${count(assetFiles.paid)} a Worker version may have on Workers Paid; serve this many articles from the Node host` });
  } else if (files > assetFiles.free) {
    problems.push({ severity: 'warning', message: `${count(files)} Static Asset files: more than the ${count(assetFiles.free)} of the free plan (Workers Paid takes ${count(assetFiles.paid)})` });
  }
  if (largestFile > assetFileBytes) {
    problems.push({ severity: 'error', message: `a content file of ${mib(largestFile)}: more than the ${mib(assetFileBytes)} a Static Asset file may be; an article this large is better served from the Node host` });
  }
  if (dataGzipBytes > gzipBytes.paid) {
    problems.push({ severity: 'error', message: `the catalog alone is ${mib(dataGzipBytes)} compressed: more than the ${mib(gzipBytes.paid)} a Worker may be on Workers Paid; serve this many articles from the Node host` });
  } else if (dataGzipBytes > gzipBytes.free) {
    problems.push({ severity: 'warning', message: `the catalog alone is ${mib(dataGzipBytes)} compressed: more than the ${mib(gzipBytes.free)} a Worker may be on the free plan (Workers Paid takes ${mib(gzipBytes.paid)})` });
  }
  if (articles > CATALOG_WARNING_ARTICLES) {
    problems.push({
      severity: 'warning',
      message: `${count(articles)} articles: the Worker's catalog takes most of the isolate's 128 MB (in workerd here, after a crawl that fills its caches, 130-137 MB at 200,000 articles), so its caches shrink to fit; past about ${count(ISOLATE_FULL_FROM)} Cloudflare may stop the isolate (error 1102): serve this many articles from the Node host`,
    });
  }
  if (dataBytes > STARTUP_WARNING_BYTES) {
    problems.push({
      severity: 'warning',
      message: `the Worker parses a ${mib(dataBytes)} catalog as it starts: 0.16-0.46 s of CPU per 8.8 MiB (100,000 articles) in workerd here, against Cloudflare's ${startupMs / 1000} s start-up limit (try it with npm run bench:worker)`,
    });
  }
  return problems;
}

/** The Text module (wrangler's default rule for `*.txt`) that holds the pre-built data as JSON. */
export const DATA_TEXT = 'worker-data.txt';

/** JSON text with every character beyond ASCII written as an escape (the same value once parsed). */
export function toAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface BuildOptions {
  readonly contentDir: string;
  readonly configPath: string;
  readonly configRequired: boolean;
  readonly baseUrl: string | undefined;
  readonly outDir: string;
  readonly now: number;
  /**
   * Where the index of the folder and what the last build into `outDir` wrote are kept, as the
   * Node host keeps its index (`CACHE_DIR`); 'off' (the default): every file is read and every
   * content file written.
   */
  readonly cacheDir?: string;
  /**
   * Processes to read a folder of many new files in and to write the content files in, this one
   * included (default: one per usable core, see indexingProcesses and contentProcesses).
   */
  readonly processes?: number;
  /** Content files to write from which other processes help (default {@link PARALLEL_CONTENT_FROM}). */
  readonly parallelFrom?: number;
  readonly log?: (line: string) => void;
}

export interface BuildResult {
  readonly articles: number;
  readonly responses: number;
  readonly files: number;
  /** Content files left as the last build into the folder wrote them (see writeContentFolder). */
  readonly kept: number;
  /** The processes the content files were written in, this one included. */
  readonly processes: number;
  /** The data's size in bytes (its Text module; ASCII). */
  readonly dataBytes: number;
  readonly errors: number;
  /** Cloudflare's limits the build goes past (see workerLimitProblems). */
  readonly limits: readonly LimitProblem[];
}

/** Budget of article HTML held while building: the newest articles, which the pre-built feeds show too. */
const BUILD_CONTENT_CACHE_SIZE = 64_000_000;

/**
 * Below this many content files to write (about 4,000 articles), a build writes them all itself:
 * starting another process under tsx takes about 0.5 s here, more than it would save (at 1,000
 * articles, 70 files, two processes took 1.6 s and one 1.2 s).
 */
const PARALLEL_CONTENT_FROM = 256;

/**
 * Memory a content process may take at its peak: 557 MB measured with half of 100,000 articles to
 * write (it renders one article at a time and keeps none of it, but holds the fields of all its
 * articles, and its collector lets the heap grow).
 */
const CONTENT_PROCESS_BYTES = 600_000_000;

/** The processes a build writes its content files in, this one included: one per usable core (up to 8), as many as fit in memory. */
function contentProcesses(): number {
  return Math.max(1, taskProcesses(CONTENT_PROCESS_BYTES));
}

interface ContentFolderOptions {
  readonly plan: ReturnType<typeof planContent>;
  readonly assets: string;
  /** The HTML of an article, here. */
  readonly htmlOf: (article: Article) => Promise<string>;
  /** The key of a file of these articles (see contentFileKey), and the key of each file the last build wrote, by path: a file whose key is unchanged, and still there, is kept. */
  readonly keyOf?: (articles: readonly Article[]) => string | undefined;
  readonly earlier?: ReadonlyMap<string, string>;
  /** Other processes to share the files to write with (see scripts/build-worker-content.ts), from `from` files. */
  readonly elsewhere: { readonly contentDir: string; readonly site: Site; readonly processes: number; readonly from: number };
}

/**
 * Writes the content files of a plan into `assets`, but those the last build wrote of the same
 * articles; gives the keys of all, for the next build.
 */
async function writeContentFolder({ plan, assets, htmlOf, keyOf, earlier, elsewhere }: ContentFolderOptions) {
  const keys = new Map<string, string>();
  const toWrite: ContentFilePlan[] = [];
  let largestFile = 0;
  for (const file of plan.files) {
    const key = keyOf?.(file.articles);
    if (key !== undefined) keys.set(file.path, key);
    const stats = key !== undefined && earlier?.get(file.path) === key ? statSync(join(assets, file.path), { throwIfNoEntry: false }) : undefined;
    if (stats?.isFile() === true) largestFile = Math.max(largestFile, stats.size);
    else toWrite.push(file);
  }
  const processes = toWrite.length >= elsewhere.from ? Math.min(elsewhere.processes, toWrite.length) : 1;
  const [own = [], ...others] = Array.from({ length: processes }, (_, at) =>
    toWrite.slice(Math.floor((at * toWrite.length) / processes), Math.floor(((at + 1) * toWrite.length) / processes)),
  );
  // The other processes are given every field of their articles, as read here.
  const running = others.map((files) =>
    writeTaskFilesElsewhere({ contentDir: elsewhere.contentDir, site: elsewhere.site, assets, files: files.map(({ path, articles }) => ({ path, articles: articles.map(everyField) })) }),
  );
  try {
    await Promise.all(running.map(({ sent }) => sent));
    const sizes = await Promise.all([writeContentFiles(own, htmlOf, (path, bytes) => writeAsset(assets, path, bytes)), ...running.map(({ sizes }) => sizes)]);
    for (const size of sizes.flat()) largestFile = Math.max(largestFile, size);
  } catch (error) {
    for (const { stop } of running) stop();
    throw error;
  }
  return { catalog: plan.catalog, paths: plan.files.map(({ path }) => path), largestFile, keys, kept: plan.files.length - toWrite.length, processes };
}

/**
 * Copies the images beside each page bundle's article into the assets (see bundleAssetPath),
 * scheduled ones' too (the Worker publishes them on time), and says which there are, with the
 * size and time their validators are made of. Those an earlier build copied are kept where
 * unchanged (see copyBundleFile), and the rest of its copies removed.
 */
function copyBundleFiles(contentDir: string, assets: string, articles: readonly Article[]) {
  // By slug in a Map first: a slug may be any name a plain object already has (`constructor`).
  const files = new Map<string, (readonly [string, number, number])[]>();
  const copied = new Set<string>();
  let count = 0;
  let largest = 0;
  for (const { article, relative, file } of bundleFilesOf(contentDir, articles)) {
    const target = join(assets, decodeURIComponent(bundleAssetPath(article.slug, relative)));
    const { size, mtimeMs } = copyBundleFile(file, target);
    copied.add(target);
    let listed = files.get(article.slug);
    if (listed === undefined) files.set(article.slug, (listed = []));
    listed.push([relative, size, mtimeMs]);
    count += 1;
    largest = Math.max(largest, size);
  }
  const folder = join(assets, PREBUILT_DIRECTORY, 'b');
  if (existsSync(folder)) removeAllBut(folder, (path) => copied.has(path));
  return { files: Object.fromEntries(files), count, largest };
}

/** Removes every file under `folder` but those `kept` says to keep (by full path), and the folders that leaves empty. */
function removeAllBut(folder: string, kept: (path: string) => boolean): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      removeAllBut(path, kept);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (!kept(path)) rmSync(path, { force: true });
  }
}

export async function buildWorkerData(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? console.log;
  const site = resolveSite(readConfigFile(options.configPath, options.configRequired), options.baseUrl, 8787);
  const { contentDir, outDir } = options;
  const cacheDir = options.cacheDir ?? 'off';
  const { source, listingProblems } = createReportingFsSource(contentDir);
  // The folder read through the index a server or export of these settings keeps in CACHE_DIR:
  // a build after one of them, or after another build, parses only the files changed since.
  const indexFile = writableIndexPath({ cacheDir, contentDir, site });
  const cache = indexFile === undefined ? undefined : buildIndexCache(contentDir, site, indexFile);
  try {
    // A folder with many files not read before (a first build) is read in one process per core,
    // as `wirefeed` reads it (see parallel-index.ts): they run the program's entry under tsx.
    const indexMany =
      options.processes === 1
        ? undefined
        : createParallelIndexer({
            root: contentDir,
            site,
            entry: new URL('../src/node.ts', import.meta.url),
            execArgv: ['--import', 'tsx'],
            ...(options.processes === undefined ? {} : { processes: options.processes }),
            // Their scratch files go in the cache folder when it can be written (on disk; /tmp is often memory).
            ...(indexFile === undefined ? {} : { scratchDir: cacheDir }),
          });
    const store = createContentStore(source, site, {
      ...(cache ? { cache } : {}),
      ...(indexMany ? { indexMany } : {}),
      contentCacheSize: BUILD_CONTENT_CACHE_SIZE,
      responseCacheSize: Number.MAX_SAFE_INTEGER,
    });
    const snapshot = await store.current();
    const { catalog } = snapshot;
    for (const problem of [...listingProblems, ...catalog.problems]) log(`worker build: ${formatProblem(problem)}`);

    // The content files of the last build into the folder are kept where the articles they hold
    // are unchanged (see writeContentFolder), when its manifest says what they were made from; the
    // manifest is removed first and written again once the build is complete, so that a build
    // stopped half-way leaves none, and the next one writes every file.
    const manifest = indexFile === undefined ? undefined : { file: exportManifestPath(cacheDir, outDir, 'worker'), fingerprint: exportFingerprint(site) };
    const earlierKeys = manifest && readExportManifest(manifest.file, manifest.fingerprint);
    // Kept by a manifest that could be removed only: a file rewritten half-way must match no key.
    const earlier = manifest !== undefined && forgetExportManifest(manifest.file) ? earlierKeys : undefined;
    const assets = join(outDir, 'assets');
    const contentFolder = join(assets, PREBUILT_DIRECTORY, 'c');
    // Page bundles' images too (see copyBundleFiles).
    const keptFolders = [contentFolder, join(assets, PREBUILT_DIRECTORY, 'b')].map((folder) => `${folder}${sep}`);
    if (earlier && existsSync(outDir)) removeAllBut(outDir, (path) => keptFolders.some((folder) => path.startsWith(folder)));
    else rmSync(outDir, { recursive: true, force: true });
    mkdirSync(contentFolder, { recursive: true });
    mkdirSync(join(assets, PREBUILT_DIRECTORY, 'r'), { recursive: true });

    const keyOf = (articles: readonly Article[]) => {
      const stamps = articles.map((article) => store.stampOf(article.path));
      return stamps.every((stamp) => stamp !== undefined) ? contentFileKey(articles, stamps as FileStamp[]) : undefined;
    };
    const content = await writeContentFolder({
      plan: planContent(catalog.articles),
      assets,
      htmlOf: async (article) => (await snapshot.loadContent([article])).html(article),
      ...(manifest ? { keyOf, ...(earlier ? { earlier } : {}) } : {}),
      elsewhere: { contentDir, site, processes: options.processes ?? contentProcesses(), from: options.parallelFrom ?? PARALLEL_CONTENT_FROM },
    });
    // Content files that are not this build's are what an earlier one left.
    const written = new Set(content.paths.map((path) => join(assets, path)));
    removeAllBut(contentFolder, (path) => written.has(path));
    const bundles = copyBundleFiles(contentDir, assets, catalog.articles);

    // Ask the app for every response worth having ready; it renders each one into the snapshot's
    // response cache under the key a Worker request will look it up by.
    const app = createApp({ site, store: createFixedStore(snapshot), now: () => options.now });
    const urls = createUrls(site.baseUrl);
    const paths = ['/', '/feeds.opml'];
    for (const scope of selectListedScopes(catalog)) {
      for (const format of FEED_FORMATS) paths.push(urls.feed(scope, format).slice(site.baseUrl.length));
    }
    for (const path of paths) {
      const response = await app.request(path);
      if (response.status !== 200) throw new Error(`build: ${path} answered ${response.status}`);
    }

    const responses: PrebuiltResponse[] = [];
    for (const [key, kept] of snapshot.responses.entries()) {
      if (RENDERED_AT_REQUEST.test(key)) continue;
      const representation = await (kept.made as Promise<Representation>);
      const file = `/${PREBUILT_DIRECTORY}/r/${responses.length}`;
      writeFileSync(join(assets, file), representation.body);
      responses.push({ key, file, etag: representation.etag, contentType: representation.contentType, lastModified: representation.lastModified });
    }

    const data: PrebuiltData = {
      formatVersion: PREBUILT_FORMAT_VERSION,
      builtAt: options.now,
      site,
      catalog: content.catalog,
      problems: catalog.problems,
      responses,
      bundleFiles: bundles.files,
    };
    // The data travels as a Text module beside the script, not as a literal in it: V8 keeps a
    // script's source, and a literal's value, for the isolate's life, and the bundle's Thai date
    // locale makes a source two bytes a character. Escaped to ASCII, the text is one byte a
    // character and held once (at 100,000 articles the isolate started with 58 MB of heap used
    // as a literal, 32 MB as a Text module).
    const text = toAscii(JSON.stringify(data));
    writeFileSync(join(outDir, DATA_TEXT), text);
    const module = `// Generated by scripts/build-worker.ts - do not edit.\nimport text from './${DATA_TEXT}';\n\nexport default JSON.parse(text);\n`;
    writeFileSync(join(outDir, 'worker-data.js'), module);
    // Nothing outside the pre-built folder is an asset.
    writeFileSync(join(assets, '.assetsignore'), '');
    const errors = catalog.problems.filter((problem) => problem.severity === 'error').length;
    const files = content.paths.length + responses.length + bundles.count;
    const dataBytes = text.length;
    const limits = workerLimitProblems({ articles: catalog.articles.length, files, largestFile: Math.max(content.largestFile, bundles.largest), dataBytes, dataGzipBytes: gzipSync(text).length });
    if (manifest) {
      try {
        writeExportManifest(manifest.file, manifest.fingerprint, content.keys);
      } catch (error) {
        log(`worker build: could not keep what this build wrote (${(error as Error).message}); the next build writes every file`);
      }
    }
    return { articles: catalog.articles.length, responses: responses.length, files, kept: content.kept, processes: content.processes, dataBytes, errors, limits };
  } finally {
    // The store saves what it read (a write once changes settle): made now, before the process ends.
    await cache?.flush();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const outDir = resolve(process.env.OUT_DIR ?? 'build');
    const started = performance.now();
    const result = await buildWorkerData({
      contentDir: resolve(process.env.CONTENT_DIR ?? 'content'),
      configPath: resolve(process.env.WIREFEED_CONFIG ?? 'wirefeed.config.json'),
      configRequired: process.env.WIREFEED_CONFIG !== undefined,
      baseUrl: process.env.BASE_URL,
      outDir,
      now: process.env.BUILD_TIME ? Date.parse(process.env.BUILD_TIME) : Date.now(),
      cacheDir: cacheDirOf(process.env),
    });
    console.log(
      `worker build: ${result.articles} articles, ${result.responses} pre-built responses, ${result.files} files in ${outDir}/assets, ` +
        `data ${(result.dataBytes / MiB).toFixed(2)} MiB (a Text module beside the script), ${Math.round(performance.now() - started)} ms` +
        (result.kept > 0 ? `, ${result.kept} content files kept from the last build` : '') +
        (result.errors > 0 ? ` (${result.errors} files skipped, see above)` : ''),
    );
    for (const { severity, message } of result.limits) console.error(`worker build: ${severity}: ${message}`);
    if (result.limits.some(({ severity }) => severity === 'error')) process.exit(1);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`worker build: ${error.message}`);
    process.exit(1);
  }
}
