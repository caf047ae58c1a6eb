/**
 * What a start of `wirefeed serve` begins from - the persisted index of its content folder,
 * configuration and build, and the HTML kept beside it - and `wirefeed index`, which writes
 * both ahead of a start: run where a release is made (a container image, a deploy step), it
 * makes the server's first start there a restart. At 100,000 articles here, the first feed
 * came 0.6-0.7 s after such a start, 2.8-4.6 s after a first start.
 *
 * The server finds what `wirefeed index` wrote when it runs the same build with the same
 * content folder path, configuration and `CACHE_DIR`, over files of the same sizes and
 * modification times (copies that keep them: `cp -a`, `rsync -a`, Docker's `COPY`). Anything
 * else is found out as a restart finds it out: a file whose stamp differs is read again, an
 * index of another build or configuration is not used at all.
 *
 * @example
 * const prepared = await prepareStart(readSettings({ content: 'content' }));
 * prepared.articles; // => 17
 */
import { filesInError, formatProblem, type FilesInError } from '../articles/article.ts';
import type { IndexMany } from '../articles/load.ts';
import { createContentStore, type ContentKeeper, type IndexCache, type StartReport } from '../catalog/content-store.ts';
import { selectListedScopes, selectScope } from '../catalog/query.ts';
import { createReportingFsSource } from '../sources/fs.ts';
import { StartupError } from './config.ts';
import { createFileIndexCache, defaultIndexPath, forgetOtherConfigurations, indexFingerprint, indexSettings, otherIndexes, rereadArticle } from './index-cache.ts';
import { createFileContentKeeper, keptContentPath } from './kept-content.ts';
import { createProgress } from './progress.ts';
import type { Settings } from './settings.ts';

/** The index of a content folder, configuration and build, and the HTML kept beside it. */
export interface StartFiles {
  /** The index file. */
  readonly file: string;
  readonly cache: IndexCache;
  readonly keeper: ContentKeeper;
  /** What the folder's other indexes in the cache were written for, when there are any (see otherIndexes). */
  readonly others: string | undefined;
}


/**
 * The start files of these settings in their `CACHE_DIR` (`undefined` when it is `off`). The
 * folder's other indexes (other configurations or builds) beyond the last few used are removed.
 */
export function openStartFiles(settings: Settings, log: (message: string) => void): StartFiles | undefined {
  const { cacheDir, contentDir, site } = settings;
  if (cacheDir === 'off') return undefined;
  const persisted = { file: defaultIndexPath(cacheDir, contentDir, site), fingerprint: indexFingerprint(site) };
  const configuration = indexSettings(site);
  const others = forgetOtherConfigurations(persisted.file);
  return {
    file: persisted.file,
    others: otherIndexes(persisted.file, others, configuration),
    cache: createFileIndexCache({ ...persisted, settings: configuration, log, recover: rereadArticle(contentDir, site) }),
    keeper: createFileContentKeeper({ ...persisted, file: keptContentPath(persisted.file), log }),
  };
}

/**
 * How a start read its articles, for its log line: "from the index", "from the index, 3 files
 * read, 1 gone", or "every file read" and why - with, when the cache holds indexes of the
 * folder for other settings, what they were written for (`others`, see otherIndexes), so that
 * a host prepared for other settings says so.
 */
export function describeStart(report: StartReport | undefined, cacheDir: string, others?: string): string {
  if (report === undefined) return '';
  const files = (count: number) => `${count} file${count === 1 ? '' : 's'}`;
  if (!report.fromIndex) {
    if (cacheDir === 'off') return 'every file read, CACHE_DIR is off';
    return `every file read, no usable index${others === undefined ? '' : `: the cache holds one of ${others}`}`;
  }
  return ['from the index', ...(report.read > 0 ? [`${files(report.read)} read`] : []), ...(report.gone > 0 ? [`${files(report.gone)} gone`] : [])].join(', ');
}

export interface PrepareOptions {
  readonly quiet?: boolean;
  /** Reads many files at once (see parallel-index.ts). */
  readonly indexMany?: IndexMany;
  /** "Now" for scheduled articles: which articles the first feeds show (default: the time of the run). */
  readonly now?: number;
  /** Where problems and messages about the files written go (default: stderr). */
  readonly warn?: (line: string) => void;
}

export interface PreparedStart {
  /** The index file written (or found up to date). */
  readonly file: string;
  readonly articles: number;
  /** Files that cannot be served, or are served in their last good version (each named among the problems printed). */
  readonly inError: FilesInError;
  /** Articles the first feeds show, rendered: their HTML is kept as far as the keeper's budget goes. */
  readonly rendered: number;
  /** How the folder was read (see describeStart). */
  readonly read: string;
}

/**
 * Reads the content folder as a server's start does - every file on a first run, only those
 * changed since on a later one - and writes the index, then renders the articles of the first
 * page of every feed and keeps their HTML (the whole site's feed last, so that it is kept
 * first when the budget cannot hold them all).
 */
export async function prepareStart(settings: Settings, options: PrepareOptions = {}): Promise<PreparedStart> {
  const warn = options.warn ?? ((line: string) => console.warn(line));
  const { site } = settings;
  const files = openStartFiles(settings, (message) => warn(`wirefeed index: ${message}`));
  if (files === undefined) throw new StartupError('CACHE_DIR is off, so there is no index to write; set it to the folder the server will use');
  const progress = createProgress('wirefeed index', { quiet: options.quiet === true });
  const { source, listingProblems } = createReportingFsSource(settings.contentDir);
  const store = createContentStore(source, site, {
    cache: files.cache,
    keeper: files.keeper,
    contentCacheSize: settings.cacheBudget.contentBytes,
    onProgress: (done, total) => progress.update(done, total),
    ...(options.indexMany ? { indexMany: options.indexMany } : {}),
  });
  const snapshot = await store.current();
  progress.stop();
  const { catalog } = snapshot;
  const problems = [...listingProblems, ...catalog.problems];
  for (const problem of problems) warn(formatProblem(problem));

  const now = options.now ?? Date.now();
  const rendered = new Set<string>();
  for (const scope of [...selectListedScopes(catalog)].reverse()) {
    const shown = selectScope(catalog, scope, now).slice(0, site.feedSize);
    await snapshot.loadContent(shown);
    for (const article of shown) rendered.add(article.path);
  }
  await Promise.all([files.cache.flush(), store.keepContent()]);
  return {
    file: files.file,
    articles: catalog.articles.length,
    inError: filesInError(problems),
    rendered: rendered.size,
    read: describeStart(store.startReport(), settings.cacheDir, files.others),
  };
}
