/**
 * `wirefeed serve`: the Node host. Serves the app with brotli and gzip, keeps the index between
 * runs, applies content changes file by file as the folder changes, tells the WebSub hub (if
 * configured) which feeds changed, and logs one line per request and per content problem.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createApp } from '../app.ts';
import { counted, describeFilesInError, filesInError, formatProblem, type Problem } from '../articles/article.ts';
import type { IndexMany } from '../articles/load.ts';
import { createContentStore } from '../catalog/content-store.ts';
import { selectListedScopes, selectNextPublication } from '../catalog/query.ts';
import { requestKey } from '../http/context.ts';
import { collectFeedTags, createWebSubPublisher, findChangedFeeds } from '../http/websub.ts';
import { FEED_FORMATS } from '../urls.ts';
import { createFsBundleFiles } from './bundle-files.ts';
import { createFsSource } from '../sources/fs.ts';
import { createNodeCompression, nodeSha256 } from './compression.ts';
import { listenNow } from './listen.ts';
import { createLineWriter } from './log.ts';
import { describeStart, openStartFiles } from './prepare.ts';
import { createProgress, type Progress } from './progress.ts';
import type { Settings } from './settings.ts';
import { createContentWatcher } from './watch.ts';

const MAX_TIMER_MS = 2_147_483_647;

export interface ServeOptions extends Settings {
  /** Reads many files at once (see parallel-index.ts): a first scan of a large folder uses it. */
  readonly indexMany?: IndexMany;
  /** No per-request lines (start-up lines and problems are still logged). */
  readonly quiet?: boolean;
  /** Where lines go (default: stdout for information, stderr for problems). */
  readonly log?: (line: string) => void;
  readonly warn?: (line: string) => void;
  /** Check every folder for changes this often (or ten times as long as a check takes) instead of watching it. */
  readonly pollMs?: number;
}

export interface RunningServer {
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { port, contentDir, site } = options;
  const stdout = options.log === undefined ? createLineWriter() : undefined;
  const log = options.log ?? (stdout as (line: string) => void);
  const warn = options.warn ?? ((line: string) => console.warn(line));

  // Problems are reported once per file version, not again with every snapshot.
  const reported = new Set<string>();
  const reportProblem = (problem: Problem) => {
    const line = formatProblem(problem);
    if (!reported.has(line)) warn(JSON.stringify({ event: 'problem', ...problem, text: line }));
    reported.add(line);
  };
  // A bar on a terminal while the first scan reads the folder; later scans are quiet.
  let progress: Progress | undefined = createProgress('wirefeed: reading articles', { quiet: options.quiet === true });
  // The index, and the HTML rendered last run for the first responses of this one (kept when the server stops).
  const startFiles = openStartFiles(options, (message) => warn(JSON.stringify({ event: 'index-cache', message })));
  const { cache, keeper } = startFiles ?? {};
  // Changes are applied one after another by the store; only the files named are read again,
  // and those of a folder that came or went (every file, checked by size and time, when the
  // platform cannot say). The folders are watched as the first scan lists them, each before it
  // is read, so a change made while the server starts is not lost.
  let afterChange = async (): Promise<void> => undefined;
  const watcher = createContentWatcher(
    contentDir,
    (paths, folders) => {
      (paths === undefined ? store.reload() : store.update(paths, folders))
        .then(() => afterChange())
        .catch((error: unknown) => warn(JSON.stringify({ event: 'error', message: `could not apply a content change: ${String(error)}` })));
    },
    {
      warn: (message) => warn(JSON.stringify({ event: 'watch', message })),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs, pollOnly: true }),
    },
  );
  const store = createContentStore(createFsSource(contentDir, { onFolder: watcher.watchFolder, onListingProblem: reportProblem }), site, {
    contentCacheSize: options.cacheBudget.contentBytes,
    responseCacheSize: options.cacheBudget.responseBytes,
    answerCacheSize: options.cacheBudget.answerBytes,
    ...(cache ? { cache } : {}),
    ...(keeper ? { keeper } : {}),
    ...(options.indexMany ? { indexMany: options.indexMany } : {}),
    // Readers hold the responses before a change: those an article leaves must move their time.
    takenOutClock: Date.now,
    onProgress: (done, total) => progress?.update(done, total),
    onLoad: ({ catalog, version }) => {
      progress?.stop();
      progress = undefined;
      for (const problem of catalog.problems) reportProblem(problem);
      if (version > 1) log(JSON.stringify({ event: 'content-changed', articles: catalog.articles.length }));
    },
  });
  const started = performance.now();
  // Asked for now, the first scan begins as soon as this function first waits: once `listen`
  // below has bound the port (it binds as it is called, and says so a turn later).
  const first = store.current();
  first.catch(() => undefined); // handled once the port is taken
  const deps = { site, store, now: Date.now, compression: createNodeCompression(), sha256: nodeSha256, bundleFiles: createFsBundleFiles(contentDir) };
  const app = createApp({ ...deps, onError: (error) => warn(JSON.stringify({ event: 'error', message: String((error as Error)?.stack ?? error) })) });

  // One JSON line per request, written when the response has gone out. Status and size come
  // from Node's response and socket, never from the Response object: asking that for its
  // headers turns @hono/node-server's plain header object into a Headers object, which cost a
  // third of the throughput of small answers. `bytes` is what went on the wire for this
  // response (status line, headers, body), like Apache's %O.
  let lastMs = 0;
  let lastTime = '';
  const logRequest = (method: string, url: string, outgoing: ServerResponse, socket: Socket | null, bytesBefore: number, begun: number) => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastTime = new Date(now).toISOString();
    }
    const path = JSON.stringify(requestKey(url));
    const bytes = (socket?.bytesWritten ?? bytesBefore) - bytesBefore;
    const ms = Math.round((performance.now() - begun) * 100) / 100;
    log(`{"time":"${lastTime}","method":"${method}","path":${path},"status":${outgoing.statusCode},"bytes":${bytes},"ms":${ms}}`);
  };
  const fetchLogged: typeof app.fetch = options.quiet
    ? app.fetch
    : (request, env, context) => {
        const begun = performance.now();
        const { method, url } = request;
        const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing;
        // The response lets go of its socket when it finishes: keep hold of it now.
        const socket = outgoing?.socket ?? null;
        const bytesBefore = socket?.bytesWritten ?? 0;
        outgoing?.on('finish', () => logRequest(method, url, outgoing, socket, bytesBefore, begun));
        return app.fetch(request, env, context);
      };

  // The port is taken before the articles are read: a request that comes while they are waits
  // for the first snapshot (every route awaits it) instead of being refused, so a feed reader
  // that polls while the server restarts gets its feed a moment later, not an error; and a port
  // in use is found at once, not after a first scan.
  // @hono/node-server is loaded after that, while the first scan waits for the file system, not
  // with the program: evaluating it loads Node's fetch (undici), 30-35 ms of CPU that a restart
  // spent before it opened its index, and that an indexing process (which never serves) spent
  // for nothing (an indexing process now loads in 60-90 ms of CPU rather than 70-120). By
  // turns at 100k: 12 pairs of first starts, medians 131 and 11 ms faster, nine of twelve; 16
  // pairs of restarts, no change (medians 17 ms faster and 33 ms slower, eight of sixteen): the
  // stat threads, which a restart waits for, share the two cores with it wherever it loads.
  const loadListener = async () => (await import('@hono/node-server')).getRequestListener(fetchLogged);
  const { server, port: taken, answering } = await listenNow(port, loadListener).catch((error: unknown) => {
    // Said at once: the first scan is not waited for.
    watcher.close();
    throw error;
  });
  answering.catch(() => undefined); // handled once the first scan is done
  log(`wirefeed: listening on http://localhost:${taken} (public URL ${site.baseUrl}/)`);
  const { catalog } = await first.catch(async (error: unknown) => {
    watcher.close();
    await new Promise<void>((done) => server.close(() => done()));
    throw error;
  });
  await answering;
  const feeds = selectListedScopes(catalog).length * FEED_FORMATS.length;
  const inError = describeFilesInError(filesInError(catalog.problems));
  // How the articles were read (from the index or not: a prepared host should say "from the index"), and what was skipped.
  const notes = [describeStart(store.startReport(), options.cacheDir, startFiles?.others), ...(inError === '' ? [] : [`${inError}, see above`])].filter(Boolean);
  log(
    `wirefeed: ${counted(catalog.articles.length, 'article')}, ${counted(feeds, 'feed')} from ${contentDir} in ${Math.round(performance.now() - started)} ms` +
      (notes.length > 0 ? ` (${notes.join('; ')})` : '') +
      (options.pollMs === undefined ? '' : `; checking for changes every ${options.pollMs / 1000} s or more`),
  );

  // WebSub: remember what every feed looked like, and tell the hub when that changes - after a
  // content change, and when a scheduled article comes due.
  let announced = site.websubHub ? await collectFeedTags(deps) : new Map<string, string>();
  let publicationTimer: ReturnType<typeof setTimeout> | undefined;
  const publisher = site.websubHub
    ? createWebSubPublisher({
        hub: site.websubHub,
        fetch,
        onError: (url, reason) => warn(JSON.stringify({ event: 'websub-error', url, reason })),
      })
    : undefined;
  const announceChanges = async () => {
    if (!publisher) return;
    const current = await collectFeedTags(deps);
    const changed = findChangedFeeds(announced, current);
    announced = current;
    if (changed.length > 0) {
      const accepted = await publisher.publish(changed);
      log(JSON.stringify({ event: 'websub', announced: accepted.length, changed: changed.length }));
    }
    clearTimeout(publicationTimer);
    const next = selectNextPublication((await store.current()).catalog, Date.now());
    if (next !== undefined) {
      publicationTimer = setTimeout(() => void announceChanges(), Math.min(next - Date.now() + 1000, MAX_TIMER_MS));
      publicationTimer.unref();
    }
  };
  if (publisher) await announceChanges();
  afterChange = announceChanges;

  return {
    // Stops taking requests and changes, finishes writing the index and keeps the HTML rendered,
    // so that the next start finds both.
    close: async () => {
      watcher.close();
      clearTimeout(publicationTimer);
      await Promise.all([new Promise<void>((done) => server.close(() => done())), cache?.flush(), store.keepContent()]);
      stdout?.flush();
    },
  };
}
