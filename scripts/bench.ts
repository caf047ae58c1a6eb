/**
 * `npm run bench` - how wirefeed's Node host scales, each figure next to a baseline measured in
 * the same run on the same machine:
 *
 *   cold start      spawn -> first 200 of /category/world/rss.xml, no persisted index
 *                   vs. a process that lists and reads every file of the corpus (the file-system floor);
 *                   beside it, a first start's reads alone (scripts/first-start-reads.cjs)
 *   warm restart    the same with the persisted index of the previous run
 *   deploy restart  the same after one article was added while the server was stopped (not a target)
 *   prepared start  `wirefeed index` into an empty cache folder, then the server's first start there (not a target)
 *   memory          peak and steady-state RSS of the server, and RSS after a crawl that fills every cache
 *   throughput      wrk (or autocannon, see load.ts) against a cached feed 200, a 304 and an article page
 *                   vs. bare Hono answering a constant body of the same size / a constant 304
 *   live update     file added, changed, removed -> the changed feed served (each)
 *   bulk change     a third of the files touched at once, then rewritten as rsync does, then about
 *                   1,500 touched (a large git pull) -> the slowest response meanwhile (not a target)
 *   render          one uncached 50-item feed per format vs. the `feed` package on the same items
 *   static export   `wirefeed build` of the 10k corpus, its pages shared among the cores, vs. the
 *                   same export in one process (`--jobs 1`), by turns; and an export into the
 *                   folder of the last one after one article was edited (not a target)
 *
 * Corpora: 1k and 10k generated articles; add --100k for 100,000 (about 900 MB on disk, a few
 * minutes). Writes bench/results.json and bench/results.md. --render-only prints the render
 * comparison alone and writes nothing.
 *
 * --only=200k,500k measures those corpora alone ("<n>k": n thousand generated articles), to see
 * how the host scales past the targets' 100,000, without the render and the static export (which
 * use the 10k corpus whatever runs), and writes bench/results-200k-500k.{json,md}, leaving the
 * full run's files (the README's) as they are. "<n>k-bundles" is the same articles as Hugo's page
 * bundles, a folder per article (`2024/05/my-story/index.md`); its live update adds a bundle.
 *
 * --autocannon measures throughput with autocannon where wrk is installed too (see load.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Feed } from 'feed';
import { HEAD_BYTES, INDEX_MANY_FROM, indexSource, assembleArticles } from '../src/articles/load.ts';
import { pollablePort } from '../tests/support/server.ts';
import { createCatalog } from '../src/catalog/catalog.ts';
import { contentFrom } from '../src/catalog/content-cache.ts';
import { createFileContent } from '../src/catalog/content-store.ts';
import { selectScope } from '../src/catalog/query.ts';
import type { ContentLookup } from '../src/catalog/snapshot.ts';
import { renderAtom } from '../src/feeds/atom.ts';
import { buildFeedModel } from '../src/feeds/feed.ts';
import { renderJsonFeed } from '../src/feeds/json-feed.ts';
import { renderRss } from '../src/feeds/rss.ts';
import { readConfigFile, resolveSite } from '../src/node/config.ts';
import { indexingProcesses } from '../src/node/parallel-index.ts';
import { createFsSource } from '../src/sources/fs.ts';
import { createUrls, toTagUri } from '../src/urls.ts';
import { ensureCorpus, generatedCorpus, onlyCorpora, type Corpus } from './corpus.ts';
import { findLoadTool, type LoadResult } from './load.ts';

const FEED_PATH = '/category/world/rss.xml';
const TARGETS = { coldRatio: 1.0, warmMs: 1000, memoryMb: 400, throughputRatio: 0.9, liveMs: 1000, renderRatio: 0.5 };
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
/** Whether throughput is to be measured with autocannon where wrk is installed too. */
const autocannonAsked = process.argv.includes('--autocannon');
/** wrk where it is installed, else autocannon (or autocannon when asked for); see load.ts. */
const load = findLoadTool(autocannonAsked);

/**
 * The environment of every process measured (the floor's, the reads', the servers'): this one's without
 * NODE_EXTRA_CA_CERTS. Node 20 loads the certificates that names (and its own roots) as any
 * process starts, whether it opens a TLS connection or not, which none of these does: 0.1 s of
 * every start here, where the environment names the system's bundle; a machine with nothing but
 * Node and npm installed does not set it. When it is set, restarts with it are measured too, by
 * turns with the others, and reported beside them (not a target).
 */
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...measuredEnv } = process.env;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((next) => setTimeout(next, 10));
  }
  throw new Error(`${url} did not answer 200 in time`);
}

/** Spawns a server (a bundled module, as `npm start` runs it) and measures spawn -> first 200 of `path`. */
async function startServer(entry: string, env: Record<string, string>, path: string, base: NodeJS.ProcessEnv = measuredEnv): Promise<Running & { readyMs: number }> {
  const port = pollablePort();
  const started = performance.now();
  // The request log goes to a file, as it would go to journald: a pipe nobody reads while
  // the load generator runs (execFileSync blocks this process) would throttle the server instead.
  mkdirSync('bench/out', { recursive: true });
  const logFile = `bench/out/server-${port}.log`;
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [entry], { env: { ...base, ...env, PORT: String(port) }, stdio: ['ignore', log, 'pipe'] });
  closeSync(log);
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}${path}`, 600_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  const readyMs = performance.now() - started;
  return {
    child,
    url,
    readyMs,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => {
          rmSync(logFile, { force: true });
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
}

/**
 * What a crawler, or a reader subscribed to everything, asks for: every feed the OPML lists in
 * brotli, gzip and identity, the site feed's archive pages, and article pages. Every cache
 * fills up to its budget; the memory after it is what the budgets cost.
 */
async function crawl(url: string, archivePages: number, articlePages: number): Promise<number> {
  let requests = 0;
  const get = async (path: string, coding = 'br') => {
    const response = await fetch(`${url}${path}`, { headers: { 'Accept-Encoding': coding } });
    await response.arrayBuffer();
    requests += 1;
    return response.status;
  };
  const opml = await (await fetch(`${url}/feeds.opml`)).text();
  const feeds = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((match) => new URL(match[1] as string).pathname);
  for (const feed of feeds) for (const coding of ['br', 'gzip', 'identity']) await get(feed, coding);
  for (let page = 2; page <= archivePages + 1 && (await get(`/rss.xml?page=${page}`)) === 200; page += 1);
  const articles = new Set<string>();
  for (let page = 1; articles.size < articlePages; page += 1) {
    const response = await fetch(`${url}/feed.json?page=${page}`);
    if (response.status !== 200) break;
    for (const item of ((await response.json()) as { items: { url: string }[] }).items) articles.add(new URL(item.url).pathname);
  }
  for (const path of articles) await get(path);
  return requests;
}

/** The file-system floor: a fresh process that lists every article file and reads each one whole. */
function measureFloor(dir: string): number {
  const script = `
    const { readdirSync, readFileSync } = require('node:fs');
    const { join } = require('node:path');
    let bytes = 0;
    for (const d of readdirSync(process.argv[1], { recursive: true, withFileTypes: true })) {
      if (d.isFile() && /\\.(md|markdown|txt)$/i.test(d.name)) bytes += readFileSync(join(d.parentPath, d.name)).length;
    }`;
  const started = performance.now();
  execFileSync(process.execPath, ['-e', script, dir], { env: measuredEnv });
  return performance.now() - started;
}

/**
 * A first start's reads alone (not a target): the folder listed, and each file opened, stat'ed,
 * its head read and closed, shared among as many processes as a first start forks (none below
 * INDEX_MANY_FROM files: the server reads them itself), with no front matter parsed. Below this
 * no first start goes on this machine; the rest of a cold start is the work done on what was read.
 */
function measureFirstStartReads(dir: string, files: number): { readonly ms: number; readonly processes: number } {
  const processes = files < INDEX_MANY_FROM ? 0 : indexingProcesses();
  const started = performance.now();
  execFileSync(process.execPath, ['scripts/first-start-reads.cjs', dir, String(processes), String(HEAD_BYTES)], { env: measuredEnv });
  return { ms: performance.now() - started, processes };
}

const TURNS = 5;

interface LoadComparison {
  /** Each side's median run (by requests per second). */
  readonly ours: LoadResult;
  readonly bare: LoadResult;
  /** Median of the turns' ratios (ours / bare), and their lowest and highest. */
  readonly ratio: number;
  readonly ratioRange: readonly [number, number];
}

/**
 * The load generator against wirefeed and against the bare server by turns, five runs each. This machine's
 * neighbours change its speed from one run to the next (single runs of the same 304 swung from
 * 0.55 to 1.2x): each turn's two runs are back to back and see about the same machine, so the
 * ratio is the median of the turns' ratios, not the ratio of two medians taken at other times.
 */
function compareLoad(oursUrl: string, bareUrl: string, headers: Record<string, string> = {}): LoadComparison {
  const ours: LoadResult[] = [];
  const bare: LoadResult[] = [];
  const ratios: number[] = [];
  for (let turn = 0; turn < TURNS; turn += 1) {
    ours.push(load.run(oursUrl, headers));
    bare.push(load.run(bareUrl));
    ratios.push((ours.at(-1) as LoadResult).rps / (bare.at(-1) as LoadResult).rps);
  }
  const middle = Math.floor(TURNS / 2);
  const median = (runs: LoadResult[]) => [...runs].sort((a, b) => a.rps - b.rps)[middle] as LoadResult;
  ratios.sort((a, b) => a - b);
  return {
    ours: median(ours),
    bare: median(bare),
    ratio: round(ratios[middle] as number),
    ratioRange: [round(ratios[0] as number), round(ratios.at(-1) as number)],
  };
}

async function measureRender(dir: string) {
  const site = resolveSite(readConfigFile(resolve('wirefeed.config.json'), true), 'https://feeds.example', 8787);
  const source = createFsSource(dir);
  const entries = await indexSource(source, site);
  const catalog = createCatalog(assembleArticles(entries), site);
  const stamps = new Map(entries.map((entry) => [entry.path, entry.stamp]));
  const category = catalog.categoryBySlug.get('world')!;
  const articles = selectScope(catalog, { category }, Date.now()).slice(0, 50);
  const content = await createFileContent(source, site, (path) => stamps.get(path)).load(articles);
  const urls = createUrls(site.baseUrl);
  const ours = {
    rss: () => renderRss(model()),
    atom: () => renderAtom(model()),
    json: () => renderJsonFeed(model()),
  };
  const modelOf = (lookup: ContentLookup) =>
    buildFeedModel({ site, scope: { category }, articles, paging: { page: 1, limit: 50, limitChosen: false, total: 50 }, content: lookup, fallbackUpdated: 0 });
  // As a server renders: the HTML is at hand, and so are the forms renderers keep per article
  // version (made by the first feed that showed the article; see ContentLookup.form).
  const model = () => modelOf(content);
  // A first render: no article of the feed has been shown before, so every form is made now.
  const firstModel = () => modelOf(contentFrom(content.html));
  // feed passes Atom ids through new URL() (feed #254): give it the tag: URIs we use too.
  const tagOf = (article: (typeof articles)[number]) => toTagUri(site.idAuthority, article.id);
  const feedPackage = () => {
    const feed = new Feed({
      title: 'World | Wirefeed News',
      description: 'World articles',
      id: toTagUri(site.idAuthority, 'feed/category/world'),
      link: urls.home,
      language: 'en',
      updated: new Date(articles[0]!.updated),
      feedLinks: { rss: urls.feed({ category }, 'rss'), atom: urls.feed({ category }, 'atom'), json: urls.feed({ category }, 'json') },
      author: { name: site.author.name },
    });
    for (const article of articles) {
      feed.addItem({
        title: article.title,
        id: tagOf(article),
        link: urls.article(article.slug),
        date: new Date(article.updated),
        published: new Date(article.published),
        description: article.description,
        content: content.html(article),
        ...(article.image ? { image: article.image } : {}),
        category: article.category ? [{ name: article.category.name }] : [],
      });
    }
    return feed;
  };
  // Batches of 40 renders, ours and feed's taking turns so that both see the same machine
  // (its neighbours make it noisy); each figure is the median of 9 batches.
  const compare = (oursFn: () => unknown, feedFn: () => unknown) => {
    for (let i = 0; i < 20; i += 1) {
      oursFn();
      feedFn();
    }
    const batch = (fn: () => unknown) => {
      const started = performance.now();
      for (let i = 0; i < 40; i += 1) fn();
      return (performance.now() - started) / 40;
    };
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let turn = 0; turn < 9; turn += 1) {
      ours.push(batch(oursFn));
      theirs.push(batch(feedFn));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[4] as number;
    return { oursMs: round(median(ours), 3), feedMs: round(median(theirs), 3) };
  };
  return {
    rss: compare(ours.rss, () => feedPackage().rss2()),
    atom: compare(ours.atom, () => feedPackage().atom1()),
    json: { ...compare(ours.json, () => feedPackage().json1()), note: 'feed writes JSON Feed 1.0' },
    jsonFirst: { ...compare(() => renderJsonFeed(firstModel()), () => feedPackage().json1()), note: 'no item made before (not a target: a render after a change makes only the changed items)' },
  };
}

async function measureCorpus(corpus: Corpus) {
  ensureCorpus(corpus);
  const dir = resolve(corpus.dir);
  const cacheDir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-cache-'));
  const env = { CONTENT_DIR: dir, CACHE_DIR: cacheDir, BASE_URL: 'https://feeds.example' };
  try {
    // The page cache holds the corpus for every measurement alike: read it once first.
    measureFloor(dir);
    const floorMs = Math.min(measureFloor(dir), measureFloor(dir));
    const reads = [measureFirstStartReads(dir, corpus.generate ?? 0), measureFirstStartReads(dir, corpus.generate ?? 0)].sort((a, b) => a.ms - b.ms)[0]!;

    const cold = await startServer('dist/node.mjs', env, FEED_PATH);
    const coldMemory = memoryOf(cold.child.pid!);
    // Let the persisted index be written (after its settle time), then stop.
    await new Promise((next) => setTimeout(next, 3000 + Math.round(floorMs)));
    await cold.stop();

    // Three restarts over the persisted index (a restart's time swings with the machine's
    // neighbours): the median is reported; the last server stays up for what follows. With
    // NODE_EXTRA_CA_CERTS set here, each comes right after one with it (see measuredEnv).
    const warmRuns: number[] = [];
    const warmRunsWithCa: number[] = [];
    let warm: Awaited<ReturnType<typeof startServer>> | undefined;
    for (let run = 0; run < 3; run += 1) {
      await warm?.stop();
      if (extraCaCerts !== undefined) {
        const withCa = await startServer('dist/node.mjs', env, FEED_PATH, process.env);
        warmRunsWithCa.push(withCa.readyMs);
        await withCa.stop();
      }
      warm = await startServer('dist/node.mjs', env, FEED_PATH);
      warmRuns.push(warm.readyMs);
    }
    if (warm === undefined) throw new Error('no restart was measured');
    // Identity bodies and their tags: the load generator sends no Accept-Encoding, fetch() would ask for brotli.
    const identity = { headers: { 'Accept-Encoding': 'identity' } };
    // The bare server sends the same bytes (see bench-bare.ts), from files of them.
    const bodyFile = async (url: string, name: string) => {
      const response = await fetch(url, identity);
      const body = new Uint8Array(await response.arrayBuffer());
      const file = resolve(`bench/out/body-${name}`);
      writeFileSync(file, body);
      return { path: `/body?file=${encodeURIComponent(file)}`, bytes: body.length, etag: response.headers.get('etag')! };
    };
    const feedBody = await bodyFile(`${warm.url}${FEED_PATH}`, 'feed');
    const json = (await (await fetch(`${warm.url}/feed.json`)).json()) as { items: { url: string }[] };
    const articlePath = new URL(json.items[0]!.url).pathname;
    const articleBody = await bodyFile(`${warm.url}${articlePath}`, 'article');

    const bare = await startServer('dist/bench-bare.mjs', {}, feedBody.path);
    const throughput = {
      feed200: { ...compareLoad(`${warm.url}${FEED_PATH}`, `${bare.url}${feedBody.path}`), bytes: feedBody.bytes },
      feed304: compareLoad(`${warm.url}${FEED_PATH}`, `${bare.url}/not-modified`, { 'If-None-Match': feedBody.etag }),
      article200: { ...compareLoad(`${warm.url}${articlePath}`, `${bare.url}${articleBody.path}`), bytes: articleBody.bytes },
    };
    await bare.stop();

    // Live updates: a new, newest WORLD article appears in the world feed, its changed title
    // replaces the old one, and once the file is gone so is the article. Each is timed from the
    // file system call to the first response that shows it.
    const code = `BENCH${Date.now()}`;
    // In page bundles, an article comes and goes with its folder.
    const bundle = corpus.layout === 'bundles' ? join(dir, 'bench-live-update') : undefined;
    const file = bundle ? join(bundle, 'index.md') : join(dir, 'bench-live-update.md');
    const article = (title: string) =>
      `---\ncode: "${code}"\ntitle: "${title}"\ndescription: "Written by the benchmark."\ncategory: "WORLD"\nlanguage: "en"\ndate: ${new Date(Date.now() - 1000).toISOString()}\n---\nBody.\n`;
    const served = async (change: () => void, shows: (feed: string) => boolean) => {
      const started = performance.now();
      change();
      while (performance.now() - started < 10_000) {
        if (shows(await (await fetch(`${warm.url}${FEED_PATH}`)).text())) return Math.round(performance.now() - started);
        await new Promise((next) => setTimeout(next, 5));
      }
      return Number.NaN;
    };
    const live = {
      addedMs: await served(() => {
        if (bundle) mkdirSync(bundle);
        writeFileSync(file, article(`Live update ${code}`));
      }, (feed) => feed.includes(code)),
      changedMs: await served(() => writeFileSync(file, article(`Live update ${code}, changed`)), (feed) => feed.includes(`${code}, changed`)),
      removedMs: await served(() => rmSync(bundle ?? file, { recursive: true, force: true }), (feed) => !feed.includes(code)),
    };
    rmSync(bundle ?? file, { recursive: true, force: true });
    await new Promise((next) => setTimeout(next, 300));
    const steady = memoryOf(warm.child.pid!);
    const crawlStarted = performance.now();
    const crawlRequests = await crawl(warm.url, 100, 1000);
    const crawled = { requests: crawlRequests, ms: Math.round(performance.now() - crawlStarted), rssMb: memoryOf(warm.child.pid!).rssMb };
    const bulk = await measureBulkChange(`${warm.url}${FEED_PATH}`, dir, 'touch');
    const bulkRsync = await measureBulkChange(`${warm.url}${FEED_PATH}`, dir, 'rsync');
    const bulkPull = await measureBulkChange(`${warm.url}${FEED_PATH}`, dir, 'touch', PULL_FILES);
    await warm.stop();

    // Restarts after a deploy that added an article while the server was stopped (not a target):
    // one new file in a folder of the corpus each time, the index of the run before it.
    const folder = readdirSync(dir, { withFileTypes: true }).find((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
    const deployed: string[] = [];
    const addedRuns: number[] = [];
    try {
      for (let run = 0; run < 3; run += 1) {
        const path = join(dir, folder?.name ?? '', `bench-deployed-${run}.md`);
        writeFileSync(path, article(`Deployed ${code} ${run}`).replace(`code: "${code}"`, `code: "${code}D${run}"`));
        deployed.push(path);
        const restarted = await startServer('dist/node.mjs', env, FEED_PATH);
        addedRuns.push(restarted.readyMs);
        await restarted.stop();
      }
    } finally {
      for (const path of deployed) rmSync(path, { force: true });
    }

    // A host prepared ahead (not a target): `wirefeed index` into a cache folder of its own, as
    // a release is made, then the server's first start there, over the same files.
    const preparedCache = mkdtempSync(join(tmpdir(), 'wirefeed-bench-prepared-'));
    let prepared: { indexMs: number; startMs: number };
    try {
      const preparedEnv = { ...env, CACHE_DIR: preparedCache };
      const indexStarted = performance.now();
      execFileSync(process.execPath, ['dist/node.mjs', 'index', '--quiet'], { env: { ...measuredEnv, ...preparedEnv }, stdio: 'ignore' });
      const indexMs = performance.now() - indexStarted;
      const started = await startServer('dist/node.mjs', preparedEnv, FEED_PATH);
      await started.stop();
      prepared = { indexMs: Math.round(indexMs), startMs: Math.round(started.readyMs) };
    } finally {
      rmSync(preparedCache, { recursive: true, force: true });
    }

    return {
      corpus: corpus.name,
      articles: corpus.generate,
      floorMs: Math.round(floorMs),
      coldStartMs: Math.round(cold.readyMs),
      coldRatio: round(cold.readyMs / floorMs),
      firstStartReads: { ms: Math.round(reads.ms), processes: reads.processes, ratio: round(reads.ms / floorMs) },
      warmRestartMs: Math.round([...warmRuns].sort((a, b) => a - b)[1] as number),
      warmRestartRunsMs: warmRuns.map(Math.round),
      restartAfterAddMs: Math.round([...addedRuns].sort((a, b) => a - b)[1] as number),
      restartAfterAddRunsMs: addedRuns.map(Math.round),
      prepared,
      ...(warmRunsWithCa.length > 0 ? { warmRestartWithExtraCaMs: Math.round([...warmRunsWithCa].sort((a, b) => a - b)[1] as number), warmRestartWithExtraCaRunsMs: warmRunsWithCa.map(Math.round) } : {}),
      peakMemoryMb: Math.max(coldMemory.peakMb, steady.peakMb),
      steadyMemoryMb: steady.rssMb,
      crawled,
      throughput,
      live,
      /** The slowest of the three. */
      liveUpdateMs: Math.max(live.addedMs, live.changedMs, live.removedMs),
      bulk,
      bulkRsync,
      bulkPull,
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** How long after the bulk change's files are written the feed is still polled. */
const BULK_WATCH_MS = 5000;

/**
 * How a bulk change writes its files: their times only, as a `git checkout` or a script over the
 * archive leaves them (`touch`), or as rsync does, each file's bytes written under a hidden name
 * beside it and renamed into place (`rsync`): a name reported as come for every file, and past
 * the watcher's queue limit, a listing of the whole folder.
 */
type BulkWrite = 'touch' | 'rsync';
const BULK_WRITES: Record<BulkWrite, string> = {
  touch: 'fs.utimesSync(file, now, now);',
  rsync: "const hidden = path.join(path.dirname(file), '.' + path.basename(file) + '.tmp'); fs.writeFileSync(hidden, fs.readFileSync(file)); fs.renameSync(hidden, file);",
};

/**
 * About as many files as a `git pull` of many edits spread over the archive brings: a change the
 * server makes from its last collection and catalog (up to about 2,000 files), where a third of
 * the files is made whole.
 */
const PULL_FILES = 1500;

/**
 * A bulk change (not a target): every third file of the corpus (or about `count`, spread over
 * it, where that is fewer) written at once as `write` says (their bytes as they were, so the
 * articles stay as they are), by a process of its own while this one asks for the feed at `url`
 * every 5 ms, until BULK_WATCH_MS after the last file was written (the change read, published,
 * and the index written again in that time): the slowest response.
 */
async function measureBulkChange(url: string, dir: string, write: BulkWrite, count = Number.POSITIVE_INFINITY): Promise<{ readonly files: number; readonly slowestMs: number }> {
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.md'));
  const every = Math.max(3, Math.round(names.length / count));
  const files = names
    .sort()
    .filter((_, index) => index % every === 0)
    .map((name) => join(dir, name));
  const scratch = mkdtempSync(join(tmpdir(), 'wirefeed-bench-bulk-'));
  const list = join(scratch, 'files.json');
  writeFileSync(list, JSON.stringify(files));
  const writeAll = `const fs = require('node:fs'); const path = require('node:path'); const now = new Date(); for (const file of JSON.parse(fs.readFileSync(${JSON.stringify(list)}, 'utf8'))) { ${BULK_WRITES[write]} }`;
  const writer = spawn(process.execPath, ['-e', writeAll], { stdio: 'ignore', env: measuredEnv });
  // When the files were all written, and how the process that wrote them ended.
  let written: number | undefined;
  let exitCode: number | null | undefined;
  const ended = (code: number | null) => {
    written ??= performance.now();
    exitCode ??= code;
  };
  writer.on('exit', ended).on('error', () => ended(null));
  let slowest = 0;
  try {
    while (written === undefined || performance.now() - written < BULK_WATCH_MS) {
      const started = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`the feed answered ${response.status} during the bulk change`);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((next) => setTimeout(next, 5));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (exitCode !== 0) throw new Error(`the files of the bulk change were not all written (the process ended with ${exitCode})`);
  return { files: files.length, slowestMs: Math.round(slowest) };
}

/** Turns of the static export, each an export in one process and one shared among the cores. */
const EXPORT_TURNS = 3;

/**
 * An export into the folder of the last one, with CACHE_DIR kept between them, after one article
 * was edited (its file restored, bytes and times, afterwards): the pages kept and the time taken.
 */
function measureIncrementalExport(dir: string, out: string) {
  const site = join(out, 'incremental');
  const build = () =>
    execFileSync(process.execPath, ['dist/node.mjs', 'build', '--out', site, '--content', dir, '--base-url', 'https://news.example', '--quiet'], {
      env: { ...measuredEnv, CACHE_DIR: join(out, 'cache') },
      encoding: 'utf8',
    });
  build();
  const edited = readdirSync(dir, { recursive: true, withFileTypes: true }).find((entry) => entry.isFile() && entry.name.endsWith('.md'));
  if (edited === undefined) throw new Error(`no article in ${dir}`);
  const file = join(edited.parentPath, edited.name);
  const [text, stamp] = [readFileSync(file), statSync(file)];
  try {
    writeFileSync(file, Buffer.concat([text, Buffer.from('\nA line added for the incremental export.\n')]));
    const started = performance.now();
    const line = build();
    return { ms: Math.round(performance.now() - started), kept: Number(/(\d+) article pages kept/.exec(line)?.[1] ?? 0) };
  } finally {
    writeFileSync(file, text);
    utimesSync(file, stamp.atime, stamp.mtime);
  }
}

/**
 * `wirefeed build` of a corpus as a user runs it (the bundle), in one process (`--jobs 1`) and
 * with the default (one process per core), by turns; the median of each, in ms.
 */
function measureExport(dir: string) {
  const out = mkdtempSync(join(tmpdir(), 'wirefeed-bench-export-'));
  let runs = 0;
  const run = (jobs: string[]) => {
    // Each into a folder of its own, removed after the last: emptying an earlier export first
    // (as build --full does) makes this file system create files slowly for a while.
    const site = join(out, String((runs += 1)));
    const started = performance.now();
    const line = execFileSync(process.execPath, ['dist/node.mjs', 'build', '--out', site, '--content', dir, '--base-url', 'https://news.example', '--quiet', ...jobs], {
      env: { ...measuredEnv, CACHE_DIR: 'off' },
      encoding: 'utf8',
    });
    return { ms: performance.now() - started, processes: Number(/rendered by (\d+) processes/.exec(line)?.[1] ?? 1) };
  };
  try {
    const one: number[] = [];
    const shared: number[] = [];
    let processes = 1;
    for (let turn = 0; turn < EXPORT_TURNS; turn += 1) {
      one.push(run(['--jobs', '1']).ms);
      const result = run([]);
      shared.push(result.ms);
      processes = result.processes;
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const incremental = measureIncrementalExport(dir, out);
    return { oneProcessMs: Math.round(median(one)), sharedMs: Math.round(median(shared)), processes, oneProcessRunsMs: one.map(Math.round), sharedRunsMs: shared.map(Math.round), incremental };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// Both servers run as bundles, the way `npm start` runs wirefeed.
execFileSync(process.execPath, ['scripts/bundle-node.mjs']);
execFileSync(resolve('node_modules/.bin/esbuild'), ['scripts/bench-bare.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external', '--outfile=dist/bench-bare.mjs', '--log-level=warning']);
if (process.argv.includes('--render-only')) {
  // A quick look at rendering alone (writes no results).
  ensureCorpus(generatedCorpus(10000));
  console.log(JSON.stringify(await measureRender(resolve(generatedCorpus(10000).dir))));
  process.exit(0);
}
const only = onlyCorpora(process.argv);
const commandOptions = [...(only ? [`--only=${only.map(({ name }) => name).join(',')}`] : []), ...(autocannonAsked ? ['--autocannon'] : [])];
const command = `npm run bench${commandOptions.length > 0 ? ` -- ${commandOptions.join(' ')}` : ''}`;
const corpora = only ?? [generatedCorpus(1000), generatedCorpus(10000), ...(process.argv.includes('--100k') ? [generatedCorpus(100000)] : [])];
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${load.name} ${load.version}`;
if (!load.outrunsServers) console.log(`bench: throughput measured by ${load.name} ${load.version}, which is slower than the servers where there are bodies to read (Debian and Ubuntu: apt-get install wrk)`);
const results: Awaited<ReturnType<typeof measureCorpus>>[] = [];
for (const corpus of corpora) {
  console.log(`bench: ${corpus.name}…`);
  const result = await measureCorpus(corpus);
  console.log(JSON.stringify(result));
  results.push(result);
}
// The render and the static export use the 10k corpus, whatever corpora ran: not in an --only run.
let render: Awaited<ReturnType<typeof measureRender>> | undefined;
let staticExport: ReturnType<typeof measureExport> | undefined;
if (only === undefined) {
  const tenThousand = generatedCorpus(10000);
  ensureCorpus(tenThousand);
  console.log('bench: render…');
  render = await measureRender(resolve(tenThousand.dir));
  console.log(JSON.stringify(render));
  console.log('bench: static export…');
  staticExport = measureExport(resolve(tenThousand.dir));
  console.log(JSON.stringify(staticExport));
}

function toMarkdown(): string {
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const ratio = (ours: number, base: number) => round(ours / base);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}. Reproduce with \`${command}\`${only ? '' : ` (add \`${commandOptions.length > 0 ? '' : '-- '}--100k\` for 100,000 articles)`}.`,
    '',
    '| corpus | floor: read every file | cold start to first 200 | ratio | warm restart (median of 3) | peak / steady RSS | RSS after a crawl | live update: add / change / remove |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.corpus} | ${r.floorMs} ms | ${r.coldStartMs} ms | ${r.coldRatio} | ${r.warmRestartMs} ms | ${r.peakMemoryMb} / ${r.steadyMemoryMb} MB | ${r.crawled.rssMb} MB (${r.crawled.requests} requests) | ${r.live.addedMs} / ${r.live.changedMs} / ${r.live.removedMs} ms |`,
    ),
    '',
    `A first start's reads alone (not a target): the folder listed, and each file opened, stat'ed, its first ${HEAD_BYTES} bytes read and closed, in as many processes as a first start forks (none below ${INDEX_MANY_FROM} files, where the server reads them itself), no front matter parsed (\`scripts/first-start-reads.cjs\`, the faster of two): ${results.map((r) => `${r.corpus} ${r.firstStartReads.ms} ms${r.firstStartReads.processes > 0 ? ` in ${r.firstStartReads.processes} processes` : ''} (${r.firstStartReads.ratio}x the floor)`).join(', ')}. What a cold start takes beyond it is the work on what was read: parsing and checking every front matter, handing the entries to the server, the catalog and the first feed.`,
    '',
    `Every process measured (the floor's, the reads', the servers') runs without NODE_EXTRA_CA_CERTS, which makes Node 20 load certificates as any process starts (none of these opens a TLS connection), as on a machine with nothing but Node and npm installed.${
      results.some((r) => r.warmRestartWithExtraCaMs !== undefined)
        ? ` This machine sets it; warm restarts with it, by turns with the ones above (median of 3, not a target): ${results.map((r) => `${r.corpus} ${r.warmRestartWithExtraCaMs} ms`).join(', ')}.`
        : ''
    }`,
    '',
    `Restart after a deploy that added one article while the server was stopped (median of 3, not a target; the index is the one the server before it wrote, the new file's folder is read again and the others are taken from the index): ${results.map((r) => `${r.corpus} ${r.restartAfterAddMs} ms`).join(', ')}.`,
    '',
    `A host prepared ahead (not a target): \`wirefeed index\` into an empty cache folder, then the server's first start there to the first 200 (against the cold start above): ${results.map((r) => `${r.corpus} ${r.prepared.indexMs} ms, then ${r.prepared.startMs} ms (${r.coldStartMs} ms)`).join('; ')}.`,
    '',
    `A bulk change (not a target), as a \`git checkout\` makes one: every third file touched at once by another process, the feed asked for every 5 ms until ${BULK_WATCH_MS / 1000} s after (the change read and published, the index written again), the slowest response: ${results.map((r) => `${r.corpus} ${r.bulk.slowestMs} ms (${r.bulk.files} files)`).join(', ')}. The same files then rewritten as rsync writes them (each file's bytes under a hidden name beside it, then renamed into place; at 100k past the watcher's queue of events, so that the whole folder is listed again), the slowest response: ${results.map((r) => `${r.corpus} ${r.bulkRsync.slowestMs} ms`).join(', ')}. Fewer files touched at once, as a \`git pull\` of many edits across the archive brings them (made from the last collection and catalog, not whole): ${results.map((r) => `${r.corpus} ${r.bulkPull.slowestMs} ms (${r.bulkPull.files} files)`).join(', ')}.`,
    '',
    'Steady RSS is taken after the throughput runs and the live updates. The crawl then asks for every feed the OPML lists in brotli, gzip and identity, 100 archive pages of the site feed and 1,000 article pages, filling every cache to its budget.',
    '',
    `Throughput with ${load.name} (1 thread, 32 connections, 3 s a run), wirefeed vs. bare Hono answering a constant body of the same size: five turns, each a wirefeed run and a bare run back to back; each side shows its median run, and the ratio is the median of the five turns' ratios (lowest-highest in brackets)${
      load.outrunsServers
        ? ':'
        : '. wrk is not installed, so autocannon measured: written in JavaScript, it can be slower than both servers, and where both columns show its own ceiling the ratio says little about them (Debian and Ubuntu: `apt-get install wrk`, and run the bench again):'
    }`,
    '',
    '| corpus | request | wirefeed rps (p50 / p99) | bare Hono rps (p50 / p99) | ratio |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    for (const [label, pair] of [
      [`cached feed 200 (${r.throughput.feed200.bytes} B)`, r.throughput.feed200],
      ['feed 304', r.throughput.feed304],
      [`article page 200 (${r.throughput.article200.bytes} B)`, r.throughput.article200],
    ] as const) {
      lines.push(
        `| ${r.corpus} | ${label} | ${pair.ours.rps} (${pair.ours.p50Ms} / ${pair.ours.p99Ms} ms) | ${pair.bare.rps} (${pair.bare.p50Ms} / ${pair.bare.p99Ms} ms) | ${pair.ratio} (${pair.ratioRange[0]}-${pair.ratioRange[1]}) |`,
      );
    }
  }
  if (render) {
    lines.push(
      '',
      'Uncached render of one 50-item feed (10k corpus, World), wirefeed vs. the `feed` package given the same items and HTML. Both have the HTML at hand; wirefeed also has the JSON Feed items it keeps per article version, as a server rendering a feed after a change has for every article some feed showed before (the last row makes every item anew; wirefeed writes UTF-8 bytes, `feed` a string):',
      '',
      '| format | wirefeed | feed | ratio |',
      '| --- | --- | --- | --- |',
    );
    const renderLabels = { rss: 'rss', atom: 'atom', json: 'json', jsonFirst: 'json, no item made before (not a target)' };
    for (const [format, value] of Object.entries(render)) {
      lines.push(`| ${renderLabels[format as keyof typeof render]} | ${value.oursMs} ms | ${value.feedMs} ms${format.startsWith('json') ? ' (JSON Feed 1.0, a string)' : ''} | ${ratio(value.oursMs, value.feedMs)} |`);
    }
  }
  if (staticExport) {
    lines.push(
      '',
      `Static export (not a target): \`wirefeed build\` of the 10k corpus, its pages shared among ${staticExport.processes} processes (one per core), ${staticExport.sharedMs} ms, against ${staticExport.oneProcessMs} ms in one process (\`--jobs 1\`): ${ratio(staticExport.sharedMs, staticExport.oneProcessMs)}x (medians of ${EXPORT_TURNS} turns). Into the folder of the last export after one article was edited, ${staticExport.incremental.ms} ms (${staticExport.incremental.kept} article pages kept, read through the index in CACHE_DIR): ${ratio(staticExport.incremental.ms, staticExport.sharedMs)}x the full export.`,
    );
  }
  const largest = results.at(-1)!;
  // The targets are set at 100,000 articles; an --only run holds larger corpora to the same bars.
  lines.push('', `| ${only ? `the targets' bar, at ${largest.corpus} (the targets are set at 100k)` : `target (at ${largest.corpus})`} | measured | |`, '| --- | --- | --- |');
  lines.push(`| cold start <= ${TARGETS.coldRatio} x the floor | ${largest.coldRatio} (its reads alone ${largest.firstStartReads.ratio}) | ${met(largest.coldRatio <= TARGETS.coldRatio)} |`);
  lines.push(`| warm restart < ${TARGETS.warmMs} ms | ${largest.warmRestartMs} ms | ${met(largest.warmRestartMs < TARGETS.warmMs)} |`);
  lines.push(`| steady memory < ${TARGETS.memoryMb} MB | ${largest.steadyMemoryMb} MB | ${met(largest.steadyMemoryMb < TARGETS.memoryMb)} |`);
  const t = largest.throughput;
  // Measured by autocannon, a ratio may be its ceiling over its ceiling (see load.ts).
  const byLoad = (verdict: string) => (load.outrunsServers ? verdict : `${verdict} (by ${load.name}, see above)`);
  lines.push(`| cached 200 >= ${TARGETS.throughputRatio} x bare Hono | ${t.feed200.ratio} | ${byLoad(met(t.feed200.ratio >= TARGETS.throughputRatio))} |`);
  lines.push(`| 304 >= ${TARGETS.throughputRatio} x bare 304 | ${t.feed304.ratio} | ${byLoad(met(t.feed304.ratio >= TARGETS.throughputRatio))} |`);
  lines.push(`| live update < ${TARGETS.liveMs} ms (slowest of add, change, remove) | ${largest.liveUpdateMs} ms | ${met(largest.liveUpdateMs < TARGETS.liveMs)} |`);
  for (const format of ['rss', 'atom', 'json'] as const) {
    const value = render?.[format];
    if (value) lines.push(`| ${format} render <= ${TARGETS.renderRatio} x feed | ${ratio(value.oursMs, value.feedMs)} | ${met(value.oursMs <= TARGETS.renderRatio * value.feedMs)} |`);
  }
  return `${lines.join('\n')}\n`;
}

mkdirSync('bench', { recursive: true });
const written = only ? `bench/results-${only.map(({ name }) => name).join('-')}` : 'bench/results';
writeFileSync(`${written}.json`, `${JSON.stringify({ machine, results, ...(render ? { render, staticExport } : {}) }, null, 2)}\n`);
const markdown = toMarkdown();
writeFileSync(`${written}.md`, markdown);
console.log(`\n${markdown}`);
