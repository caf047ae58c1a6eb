/**
 * A static export's article pages rendered in several processes. `wirefeed build` renders every
 * page through the app, as the server answers it (Markdown, sanitizing, the page, its file): at
 * 100,000 articles here one process took 145 s, and two, on the two cores, 74 s. The export
 * writes the index of what it read (to CACHE_DIR, else to a scratch file), and each process it
 * forks starts from that index as a restarting server does (no file read again, only stat'ed),
 * and renders and writes its slice of the pages.
 * Every page comes from the same catalog: a process whose start finds a file changed since the
 * index was written stops, and the export with it (run it again).
 *
 * The processes run the program's entry module again (dist/node.mjs, or src/node.ts under tsx),
 * which hands over to {@link runExportTask} when it was started for this (see process-role.ts).
 *
 * @example
 * const renderMany = createParallelRenderer({ entry: new URL(import.meta.url) });
 * await renderMany(task, [['/articles/a'], ['/articles/b']], (done) => undefined);
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createContentStore } from '../catalog/content-store.ts';
import type { Site } from '../site.ts';
import { createFsSource } from '../sources/fs.ts';
import { createExportApp, writeExported } from './export.ts';
import { createFileIndexCache, rereadArticle } from './index-cache.ts';
import { isTaskProcess, taskEnvironment } from './process-role.ts';

/** What an export process is told: where the files and the index are, and the URL paths it writes. */
export interface ExportTask {
  readonly contentDir: string;
  readonly site: Site;
  /** The index the export wrote of what it read, and the fingerprint it was written with. */
  readonly indexFile: string;
  readonly fingerprint: string;
  readonly contentBytes: number;
  readonly outDir: string;
  readonly now: number;
}

type TaskMessage = ExportTask & { readonly paths: readonly string[] };

/** What an export process sends back: pages written since the last message, or why it stopped. */
type ReportMessage = { readonly done: number } | { readonly failed: string };

/**
 * Renders and writes slices of URL paths, one process each; resolves when every page is
 * written, rejects when one process fails (the others are stopped), and stops them all when
 * `signal` is aborted.
 */
export type RenderMany = (task: ExportTask, slices: readonly (readonly string[])[], onProgress: (done: number) => void, signal?: AbortSignal) => Promise<void>;


export function createParallelRenderer(options: { readonly entry: URL; readonly execArgv?: readonly string[] }): RenderMany {
  return async (task, slices, onProgress, signal) => {
    const children = slices.map((paths) => {
      const child = fork(fileURLToPath(options.entry), [], {
        env: taskEnvironment('export'),
        execArgv: [...(options.execArgv ?? process.execArgv)],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const ended = new Promise<void>((resolve, reject) => {
        let failure: string | undefined;
        child.on('message', (message: ReportMessage) => {
          if ('done' in message) onProgress(message.done);
          else failure = message.failed;
        });
        child.on('error', reject);
        child.once('close', (code, signal) => {
          if (code === 0 && failure === undefined) resolve();
          else reject(new Error(failure ?? `an export process stopped (${signal ?? `exit code ${code}`})`));
        });
      });
      child.send({ ...task, paths } satisfies TaskMessage);
      return { child, ended };
    });
    const stopAll = () => {
      for (const { child } of children) child.kill();
    };
    signal?.addEventListener('abort', stopAll, { once: true });
    try {
      await Promise.all(children.map(({ ended }) => ended));
    } catch (error) {
      stopAll();
      throw error;
    } finally {
      signal?.removeEventListener('abort', stopAll);
    }
  };
}

/** Pages an export process writes between two progress messages. */
const REPORT_EVERY = 200;

/**
 * In a process started by {@link createParallelRenderer}: writes the pages it is sent and
 * returns true. In any other process, returns false at once.
 */
export async function runExportTask(): Promise<boolean> {
  if (!isTaskProcess('export') || process.send === undefined) return false;
  const send = (message: ReportMessage) => new Promise<void>((sent) => process.send?.(message, undefined, undefined, () => sent()));
  const task = await new Promise<TaskMessage>((resolve) => process.once('message', resolve));
  try {
    const { site, contentDir } = task;
    // Read, never written: it is the export's (and may be the one a server keeps in CACHE_DIR).
    const cache = { ...createFileIndexCache({ file: task.indexFile, fingerprint: task.fingerprint, recover: rereadArticle(contentDir, site) }), save: async () => undefined };
    // The catalog of the index, nothing else: no listing a while later (see confirmListing).
    const store = createContentStore(createFsSource(contentDir), site, { cache, contentCacheSize: task.contentBytes, confirmListingAfterMs: Number.POSITIVE_INFINITY });
    await store.current();
    const start = store.startReport();
    if (start?.fromIndex !== true) throw new Error('the index the export wrote could not be read');
    if (start.read > 0 || start.gone > 0) {
      throw new Error(`the content folder changed during the export (${start.read + start.gone} files changed, added or removed); run wirefeed build again`);
    }
    let unreported = 0;
    await writeExported(createExportApp(site, store, task.now), task.outDir, task.paths, () => {
      unreported += 1;
      if (unreported < REPORT_EVERY) return;
      void send({ done: unreported });
      unreported = 0;
    });
    await send({ done: unreported });
  } catch (error) {
    await send({ failed: (error as Error).message });
    process.exitCode = 1;
  }
  process.disconnect();
  return true;
}
