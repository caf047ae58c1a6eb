/**
 * `npm run bench:worker` - the Workers limits, measured in the real workerd runtime.
 *
 * For the sample content and for 1,000 and 10,000 generated articles it builds the Worker
 * (`npm run build` + `wrangler deploy --dry-run`, exactly what would be deployed), starts it
 * with Miniflare (workerd) and reports:
 *   - script size (with the Text module of its data), raw and gzip;
 *   - start-up: workerd's CPU time until the Worker is ready, minus the same for the baseline;
 *   - CPU time per request for each kind of route, cold (first request for that URL in the
 *     isolate) and warm (repeated), minus the baseline's CPU per request;
 *   - the isolate's V8 heap once started and after a crawl, through workerd's inspector.
 * The baseline, started in the same run for each corpus, is an empty Worker with the same Static
 * Assets set-up (Miniflare's asset router runs in the same workerd process). It also reads N
 * asset files on request, which gives the cost of one asset read in local workerd: reported
 * apart, because on Cloudflare the asset service does not run on the Worker's CPU.
 * CPU is read from /proc/<workerd>/task/*\/schedstat (nanoseconds, every thread of workerd);
 * start-up and first-request figures are medians over 5 fresh isolates.
 *
 * It also times the build itself (not a target): a first build shared among the cores against one
 * in one process, and rebuilds after one article was added and removed again (see measureBuilds).
 *
 * Writes bench/worker-results.json and bench/worker-results.md.
 *   --only=sample,1k   run some corpora only; any "<n>k" names a generated corpus of n thousand
 *                      articles (--only=sample,1k,10k,20k,30k finds where start-up meets the limit)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Miniflare } from 'miniflare';
import WebSocket from 'ws';
import { ARTICLES_PER_FILE, PREBUILT_DIRECTORY, type PackedCatalog, type PrebuiltData } from '../src/prebuilt.ts';
import { buildWorkerData, DATA_TEXT, wranglerConfigFor, type BuildOptions } from './build-worker.ts';
import { ensureCorpus, generatedCorpus, onlyCorpora, type Corpus } from './corpus.ts';

const BASE = 'https://feeds.example';
const NOW = Date.UTC(2026, 0, 1);
const TARGETS = { startupMs: 1000, cpuMs: 10, gzipBytes: 3 * 1024 * 1024, rawBytes: 64 * 1024 * 1024, heapMb: 128 };

const ALL: Corpus[] = [{ name: 'sample', dir: 'content' }, generatedCorpus(1000), generatedCorpus(10000)];

/** CPU nanoseconds used so far by every thread of a process. */
function cpuNanos(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return total;
}

/** The workerd process Miniflare started (a child of this process running `workerd`). */
function findWorkerd(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'workerd') return Number(entry);
    } catch {
      // process ended
    }
  }
  throw new Error('workerd process not found');
}

interface Started {
  readonly mf: Miniflare;
  readonly url: URL;
  readonly pid: number;
  readonly readyMs: number;
  readonly startupCpuMs: number;
}

async function start(options: ConstructorParameters<typeof Miniflare>[0]): Promise<Started> {
  const began = performance.now();
  const mf = new Miniflare(options);
  const url = await mf.ready;
  const readyMs = performance.now() - began;
  const pid = findWorkerd();
  return { mf, url, pid, readyMs, startupCpuMs: cpuNanos(pid) / 1e6 };
}

/** Mean workerd CPU milliseconds per request over a batch of requests sent one after another. */
async function cpuPerRequest(started: Started, requests: readonly { path: string; headers?: Record<string, string> }[]): Promise<number> {
  const before = cpuNanos(started.pid);
  for (const request of requests) {
    const response = await fetch(new URL(request.path, started.url), { headers: { 'Accept-Encoding': 'identity', ...request.headers }, redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status !== 200 && response.status !== 304) throw new Error(`${request.path} answered ${response.status}`);
  }
  return (cpuNanos(started.pid) - before) / 1e6 / requests.length;
}

/** The isolate's V8 heap, read through workerd's inspector: used (live and not yet collected) and allocated, in MB. */
interface HeapFigures {
  readonly usedMb: number;
  readonly allocatedMb: number;
}

/**
 * Starts the Worker with its inspector open and reads the heap once started (after a first
 * request) and after `crawl` filled its caches: Cloudflare holds an isolate to 128 MB.
 */
async function measureHeap(options: ConstructorParameters<typeof Miniflare>[0], crawl: readonly string[]): Promise<{ readonly started: HeapFigures; readonly afterCrawl: HeapFigures }> {
  const mf = new Miniflare({ ...options, inspectorPort: 0 });
  try {
    const url = await mf.ready;
    const targets = (await (await fetch(new URL('/json', await mf.getInspectorURL()).href.replace(/^ws/, 'http'))).json()) as { title: string; webSocketDebuggerUrl: string }[];
    const target = targets.find((entry) => entry.title.endsWith('core:user:'));
    if (target === undefined) throw new Error(`no inspector target for the Worker among ${targets.map((entry) => entry.title).join(', ')}`);
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((opened, failed) => socket.once('open', opened).once('error', failed));
    let lastId = 0;
    const call = (method: string) =>
      new Promise<Record<string, number>>((answered) => {
        const id = (lastId += 1);
        const listener = (message: WebSocket.RawData) => {
          const reply = JSON.parse(String(message)) as { id?: number; result?: Record<string, number> };
          if (reply.id !== id) return;
          socket.off('message', listener);
          answered(reply.result ?? {});
        };
        socket.on('message', listener);
        socket.send(JSON.stringify({ id, method }));
      });
    const heap = async (): Promise<HeapFigures> => {
      const usage = await call('Runtime.getHeapUsage');
      return { usedMb: round((usage.usedSize ?? 0) / 2 ** 20, 1), allocatedMb: round((usage.totalSize ?? 0) / 2 ** 20, 1) };
    };
    await call('Runtime.enable');
    await (await fetch(new URL('/feeds.opml', url))).arrayBuffer();
    const started = await heap();
    for (const path of crawl) await (await fetch(new URL(path, url), { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer();
    const afterCrawl = await heap();
    socket.close();
    return { started, afterCrawl };
  } finally {
    await mf.dispose();
  }
}

function writeConfig(dir: string, outDir: string): string {
  const path = join(dir, 'wrangler.toml');
  writeFileSync(path, wranglerConfigFor(outDir, 'wirefeed-bench'));
  return path;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface Baseline {
  readonly readyMs: number;
  readonly startupCpuMs: number;
  readonly firstRequestCpuMs: number;
  readonly requestCpuMs: number;
  readonly assetReadCpuMs: number;
}

/** The empty Worker: it reads the first `reads` of the build's content files (`files`, their asset paths) and answers "ok". */
const baselineScript = (files: readonly string[]) => `const FILES = ${JSON.stringify(files)};
export default {
  async fetch(request, env) {
    const reads = Number(new URL(request.url).searchParams.get('reads') ?? 0);
    for (let i = 0; i < reads; i += 1) await (await env.ASSETS.fetch(new Request('https://assets.invalid' + FILES[i % FILES.length]))).arrayBuffer();
    return new Response('ok');
  },
};`;

/** The asset paths of the first `count` content files of a build (sorted), which the baseline reads. */
function someContentFiles(outDir: string, count: number): string[] {
  const assets = join(outDir, 'assets');
  return readdirSync(join(assets, PREBUILT_DIRECTORY, 'c'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `/${relative(assets, join(entry.parentPath, entry.name))}`)
    .sort()
    .slice(0, count);
}

function assetOptions(outDir: string) {
  return {
    directory: join(outDir, 'assets'),
    binding: 'ASSETS',
    routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
  };
}

/** Fresh isolates started per start-up measurement; the median is reported. */
const STARTS = 5;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mean = (values: readonly number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);

/** The catalog places of the articles published by NOW, newest first, as the site's feed lists them. */
function publishedPlaces(catalog: PackedCatalog): number[] {
  const published: number[] = [];
  let time = 0;
  catalog.publishedGaps.forEach((gap, place) => {
    time = place === 0 ? gap : time - gap;
    if (time <= NOW) published.push(place);
  });
  return published;
}

/** How many content files a page of the site's feed reads: the files its articles' content is in (one language and category's, numbered within it). */
function contentFilesOfPage(catalog: PackedCatalog, published: readonly number[], page: number, limit: number): number {
  const shown = published.slice((page - 1) * limit, page * limit);
  return new Set(shown.map((place) => `${catalog.language[place]} ${catalog.category[place]} ${Math.floor((catalog.slots[place] as number) / ARTICLES_PER_FILE)}`)).size;
}

interface StartSample {
  readonly readyMs: number;
  readonly startupCpuMs: number;
  readonly firstRequestCpuMs: number;
}

/** Starts a Worker STARTS times and measures start-up and its first request each time. */
async function sampleStarts(options: ConstructorParameters<typeof Miniflare>[0], firstPath: string): Promise<StartSample> {
  const samples: StartSample[] = [];
  for (let i = 0; i < STARTS; i += 1) {
    const started = await start(options);
    try {
      samples.push({ readyMs: started.readyMs, startupCpuMs: started.startupCpuMs, firstRequestCpuMs: await cpuPerRequest(started, [{ path: firstPath }]) });
    } finally {
      await started.mf.dispose();
    }
  }
  return {
    readyMs: median(samples.map((s) => s.readyMs)),
    startupCpuMs: median(samples.map((s) => s.startupCpuMs)),
    firstRequestCpuMs: median(samples.map((s) => s.firstRequestCpuMs)),
  };
}

async function measureBaseline(outDir: string): Promise<Baseline> {
  const options = { modules: true, script: baselineScript(someContentFiles(outDir, 10)), compatibilityDate: '2026-05-01', cf: false, assets: assetOptions(outDir) };
  const starts = await sampleStarts(options, '/?reads=1');
  const started = await start(options);
  try {
    await cpuPerRequest(started, [{ path: '/' }]);
    const requestCpuMs = await cpuPerRequest(started, Array.from({ length: 200 }, () => ({ path: '/' })));
    const withReads = await cpuPerRequest(started, Array.from({ length: 50 }, () => ({ path: '/?reads=10' })));
    return {
      readyMs: Math.round(starts.readyMs),
      startupCpuMs: starts.startupCpuMs,
      firstRequestCpuMs: starts.firstRequestCpuMs,
      requestCpuMs,
      assetReadCpuMs: Math.max(0, (withReads - requestCpuMs) / 10),
    };
  } finally {
    await started.mf.dispose();
  }
}

/** An article the build bench adds to a generated corpus for a moment, dated now (the newest of its category). */
const addedArticle = () =>
  `---\ncode: "BENCHWORKER${Date.now()}"\ntitle: "Added by the Workers bench"\ndescription: "Written by the benchmark."\ncategory: "WORLD"\nlanguage: "en"\ndate: ${new Date(NOW - 1000).toISOString()}\n---\nBody.\n`;

/**
 * The build (not a target), into `outDir`: a first build in one process per core (its index and
 * manifest written to a cache folder of its own, as a first deploy with CACHE_DIR writes them),
 * against the same in one process; then, for a generated corpus, a rebuild after one article was
 * added and one after it was removed again (which leaves the build as the corpus is).
 */
async function measureBuilds(corpus: Corpus, root: string, outDir: string) {
  const contentDir = resolve(corpus.dir);
  const build = (into: string, more: Partial<BuildOptions>) =>
    buildWorkerData({ contentDir, configPath: resolve('wirefeed.config.json'), configRequired: true, baseUrl: BASE, outDir: into, now: NOW, log: () => undefined, ...more });
  const timed = async (into: string, more: Partial<BuildOptions>) => {
    const started = performance.now();
    const result = await build(into, more);
    return { ms: Math.round(performance.now() - started), result };
  };
  const oneDir = join(root, 'build-one-process');
  const one = await timed(oneDir, { processes: 1, cacheDir: join(root, 'cache-one-process') });
  rmSync(oneDir, { recursive: true, force: true });
  const cacheDir = join(root, 'cache');
  const full = await timed(outDir, { cacheDir });
  let rebuilds: { readonly addedMs: number; readonly removedMs: number; readonly kept: number; readonly contentFiles: number } | undefined;
  if (corpus.generate !== undefined) {
    const added = join(contentDir, 'bench-worker-added.md');
    writeFileSync(added, addedArticle());
    let addedRun: Awaited<ReturnType<typeof timed>>;
    try {
      addedRun = await timed(outDir, { cacheDir });
    } finally {
      rmSync(added, { force: true });
    }
    const removedRun = await timed(outDir, { cacheDir });
    rebuilds = { addedMs: addedRun.ms, removedMs: removedRun.ms, kept: addedRun.result.kept, contentFiles: addedRun.result.files - addedRun.result.responses };
  }
  return { build: full.result, builds: { fullMs: full.ms, processes: full.result.processes, oneProcessMs: one.ms, rebuilds } };
}

async function measure(corpus: Corpus) {
  ensureCorpus(corpus);
  const root = resolve('bench/out', `worker-${corpus.name}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const outDir = join(root, 'build');
  const { build, builds } = await measureBuilds(corpus, root, outDir);
  execFileSync(resolve('node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', join(root, 'dist'), '--config', writeConfig(root, outDir)], {
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  // What wrangler would upload: the script and the Text module that carries the data.
  const modules = readdirSync(join(root, 'dist')).filter((name) => name === 'worker.js' || name.endsWith('.txt'));
  const script = Buffer.concat(modules.map((name) => readFileSync(join(root, 'dist', name))));
  const { catalog } = JSON.parse(readFileSync(join(outDir, DATA_TEXT), 'utf8')) as PrebuiltData;
  const articleCount = catalog.ids.length;

  const baseline = await measureBaseline(outDir);
  const options = {
    modules: true,
    // wrangler's own rule for the data's Text module
    modulesRules: [{ type: 'Text' as const, include: ['**/*.txt'] }],
    scriptPath: join(root, 'dist', 'worker.js'),
    compatibilityDate: '2026-05-01',
    cf: false,
    assets: assetOptions(outDir),
  };
  // The first request of an isolate compiles the code it runs; measured on fresh isolates.
  const starts = await sampleStarts(options, '/feeds.opml');
  const started = await start(options);
  try {
    await cpuPerRequest(started, [{ path: '/feeds.opml' }]);
    const opml = await (await fetch(new URL('/feeds.opml', started.url))).text();
    const feeds = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((match) => match[1]!.slice(BASE.length)).filter((path) => path.endsWith('rss.xml'));
    const articles = catalog.slugs.slice(0, 60).map((slug) => `/articles/${encodeURIComponent(slug)}`);
    const pageNumbers = Array.from({ length: 20 }, (_, index) => index + 2).filter((page) => page * 10 <= articleCount + 9);
    const pages = pageNumbers.map((page) => `/atom.xml?page=${page}&limit=10`);
    const published = publishedPlaces(catalog);
    const etag = (await fetch(new URL('/rss.xml', started.url))).headers.get('etag')!;
    const repeat = (path: string, headers?: Record<string, string>) => Array.from({ length: 100 }, () => ({ path, ...(headers ? { headers } : {}) }));
    const net = (value: number) => round(Math.max(0, value - baseline.requestCpuMs));
    // How many files each kind of request reads through the ASSETS binding.
    const reads: Record<string, number> = {
      'feed, cold': 1,
      'paged feed, cold': round(mean(pageNumbers.map((page) => contentFilesOfPage(catalog, published, page, 10))), 1),
      'article page, cold': 1,
    };
    const routes = {
      'feed, cold': net(await cpuPerRequest(started, feeds.map((path) => ({ path })))),
      'feed, warm': net(await cpuPerRequest(started, repeat('/category/world/rss.xml'))),
      'paged feed, cold': pages.length > 0 ? net(await cpuPerRequest(started, pages.map((path) => ({ path })))) : null,
      'paged feed, warm': pages.length > 0 ? net(await cpuPerRequest(started, repeat(pages[0]!))) : null,
      'article page, cold': net(await cpuPerRequest(started, articles.map((path) => ({ path })))),
      'article page, warm': net(await cpuPerRequest(started, repeat(articles[0]!))),
      'OPML, warm': net(await cpuPerRequest(started, repeat('/feeds.opml'))),
      '304': net(await cpuPerRequest(started, repeat('/rss.xml', { 'If-None-Match': etag }))),
    };
    // A crawl that fills the caches: 2,000 article pages spread over the archive, 200 archive pages.
    const spread = Array.from({ length: Math.min(2000, articleCount) }, (_, index) => catalog.slugs[(index * 7919) % articleCount] as string);
    const crawl = [
      ...spread.map((slug) => `/articles/${encodeURIComponent(slug)}`),
      ...Array.from({ length: 200 }, (_, index) => `/atom.xml?page=${index + 2}`).slice(0, Math.max(0, Math.ceil(articleCount / 50) - 1)),
    ];
    const heap = await measureHeap(options, crawl);
    return {
      corpus: corpus.name,
      baseline: { ...baseline, startupCpuMs: round(baseline.startupCpuMs), firstRequestCpuMs: round(baseline.firstRequestCpuMs), requestCpuMs: round(baseline.requestCpuMs, 3), assetReadCpuMs: round(baseline.assetReadCpuMs, 3) },
      articles: build.articles,
      builds,
      assetFiles: build.files,
      scriptBytes: script.length,
      scriptGzipBytes: gzipSync(script, { level: 9 }).length,
      readyMs: Math.round(starts.readyMs),
      startupCpuMs: round(Math.max(0, starts.startupCpuMs - baseline.startupCpuMs)),
      // The baseline's first request reads one file too, so no asset share is left in this figure.
      firstRequestCpuMs: round(Math.max(0, starts.firstRequestCpuMs - baseline.firstRequestCpuMs)),
      routeCpuMs: routes,
      heap,
      crawlRequests: crawl.length,
      assetReads: reads,
    };
  } finally {
    await started.mf.dispose();
  }
}

type Result = Awaited<ReturnType<typeof measure>>;

/** CPU of a request kind without the local asset server's share (it is not the Worker's CPU on Cloudflare). */
function ownCpu(result: Result, kind: string, value: number | null): number | null {
  if (value === null) return null;
  return round(Math.max(0, value - (result.assetReads[kind] ?? 0) * result.baseline.assetReadCpuMs));
}

/** The content files a paged feed read on average, per corpus. */
function pagedReads(results: readonly Result[]): string {
  return results.map((r) => `${r.corpus} ${r.assetReads['paged feed, cold']}`).join(', ');
}

function toMarkdown(results: Result[], machine: string): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const kinds = ['first request', 'feed, cold', 'feed, warm', 'paged feed, cold', 'paged feed, warm', 'article page, cold', 'article page, warm', 'OPML, warm', '304'] as const;
  const valueOf = (r: Result, kind: (typeof kinds)[number]) => (kind === 'first request' ? r.firstRequestCpuMs : r.routeCpuMs[kind]);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; workerd via Miniflare 4.20260426.0 (wrangler 4.86.0). Reproduce with \`npm run bench:worker\`.`,
    '',
    'CPU is workerd\'s own (all its threads, read from /proc), per request, net of an empty Worker with the same Static Assets set-up started in the same run; start-up and first request are medians over 5 fresh isolates (the baseline\'s first request reads one file, as ours does). In each cell: the Worker\'s own CPU, then in brackets the total including the local asset server, which runs inside workerd here but not on the Worker\'s CPU on Cloudflare (each file read costs the figure in the last table). "Cold" is the first request for a URL in the isolate, "warm" a repeated one; paged feeds are `?page=N&limit=10` of the site\'s Atom feed, reading the content files of their 10 articles (' + pagedReads(results) + ' on average).',
    '',
    '| corpus | articles | script and data, raw / gzip | Static Asset files | start-up CPU | ' + kinds.join(' | ') + ' |',
    '| --- | --- | --- | --- | --- | ' + kinds.map(() => '---').join(' | ') + ' |',
  ];
  for (const r of results) {
    const cells = kinds.map((kind) => {
      const total = valueOf(r, kind);
      const own = ownCpu(r, kind, total);
      return total === null ? '–' : own === total ? `${own}` : `${own} (${total})`;
    });
    lines.push(`| ${r.corpus} | ${r.articles} | ${kib(r.scriptBytes)} / ${kib(r.scriptGzipBytes)} | ${r.assetFiles} | ${r.startupCpuMs} ms | ${cells.join(' | ')} |`);
  }
  lines.push('', 'All CPU figures in milliseconds.', '');
  lines.push(
    "The isolate's V8 heap, read through workerd's inspector (`Runtime.getHeapUsage`): once started and after a first request, then after a crawl of up to 2,000 article pages spread over the archive and 200 pages of the site's archive (the caches full). Used is live objects and garbage not yet collected; allocated is what V8 holds (the larger, which the target compares with Cloudflare's 128 MB an isolate).",
    '',
    '| corpus | started: used / allocated | after the crawl: used / allocated |',
    '| --- | --- | --- |',
  );
  for (const r of results) {
    lines.push(`| ${r.corpus} | ${r.heap.started.usedMb} / ${r.heap.started.allocatedMb} MB | ${r.heap.afterCrawl.usedMb} / ${r.heap.afterCrawl.allocatedMb} MB (${r.crawlRequests} requests) |`);
  }
  lines.push('', '| baseline (empty Worker, same assets) | ready | start-up CPU | first request | per request | per asset file read |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const b = r.baseline;
    lines.push(`| ${r.corpus} | ${b.readyMs} ms | ${b.startupCpuMs} ms | ${b.firstRequestCpuMs} ms | ${b.requestCpuMs} ms | ${b.assetReadCpuMs} ms |`);
  }
  const worst = (r: Result) => Math.max(...kinds.map((kind) => ownCpu(r, kind, valueOf(r, kind)) ?? 0));
  lines.push(
    '',
    "The build (`npm run build`, not a target): a first build, the folder read and its content files written in one process per core, against the same in one process (`processes: 1`), each writing its index and manifest to a cache folder of its own; then, into the same folder, a rebuild after one article was added (the newest of its category) and one after it was removed again.",
    '',
    '| corpus | first build | in one process | ratio | rebuild, one article added | files kept | rebuild, the article removed |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of results) {
    const { fullMs, processes, oneProcessMs, rebuilds } = r.builds;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    lines.push(
      `| ${r.corpus} | ${seconds(fullMs)} (${processes} ${processes === 1 ? 'process' : 'processes'}) | ${seconds(oneProcessMs)} | ${processes > 1 ? (fullMs / oneProcessMs).toFixed(2) : '–'} | ${rebuilds ? `${seconds(rebuilds.addedMs)} | ${rebuilds.kept} of ${rebuilds.contentFiles} | ${seconds(rebuilds.removedMs)}` : '– | – | –'} |`,
    );
  }
  lines.push('', '| target | ' + results.map((r) => r.corpus).join(' | ') + ' |', '| --- |' + results.map(() => ' --- |').join(''));
  lines.push(`| isolate heap under ${TARGETS.heapMb} MB after the crawl | ${results.map((r) => `${met(r.heap.afterCrawl.allocatedMb < TARGETS.heapMb)} (${r.heap.afterCrawl.allocatedMb} MB)`).join(' | ')} |`);
  lines.push(`| start-up under ${TARGETS.startupMs} ms | ${results.map((r) => `${met(r.startupCpuMs < TARGETS.startupMs)} (${r.startupCpuMs} ms)`).join(' | ')} |`);
  lines.push(`| every request under ${TARGETS.cpuMs} ms CPU | ${results.map((r) => `${met(worst(r) < TARGETS.cpuMs)} (worst ${worst(r)} ms)`).join(' | ')} |`);
  lines.push(`| script and data under 3 MiB gzip (the free plan) | ${results.map((r) => met(r.scriptGzipBytes < TARGETS.gzipBytes)).join(' | ')} |`);
  lines.push(`| script and data under 64 MiB raw | ${results.map((r) => met(r.scriptBytes < TARGETS.rawBytes)).join(' | ')} |`);
  lines.push(`| Static Asset files under 20,000 (free plan) | ${results.map((r) => `${met(r.assetFiles < 20_000)} (${r.assetFiles})`).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

const corpora = onlyCorpora(process.argv, ALL) ?? ALL;
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const results = [];
for (const corpus of corpora) {
  console.log(`bench:worker: ${corpus.name}…`);
  const result = await measure(corpus);
  console.log(JSON.stringify(result));
  results.push(result);
}
mkdirSync('bench', { recursive: true });
writeFileSync('bench/worker-results.json', `${JSON.stringify({ machine, results }, null, 2)}\n`);
const markdown = toMarkdown(results, machine);
writeFileSync('bench/worker-results.md', markdown);
console.log(`\n${markdown}`);
