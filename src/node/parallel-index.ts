/**
 * Reading and parsing many files in parallel: a first start over a large folder (no persisted
 * index yet) spends nearly all its time opening files and reading front matter, and one
 * process per core shares that out. Processes, not worker threads: here, two threads of one
 * process indexing 50,000 files each took 90% of the time one thread took for all 100,000
 * (they contend in the kernel and the allocator), while two processes take half.
 *
 * Each process indexes a contiguous slice of the listed files and writes its entries to a
 * scratch file in the persisted index's own encoding (see stored-entry.ts): the server decodes
 * what the catalog needs, and reads the details of each article from that file when a response
 * first shows it, so that they take no memory until then. The scratch files are removed as soon as they are
 * open (the open descriptors keep them readable).
 * The processes run the program's entry module again (dist/node.mjs, or src/node.ts under
 * tsx), which hands over to {@link runIndexTask} when it was started for this. Loading it takes
 * a process about 0.2 s: a first start forks them while it lists the folder, as soon as the
 * listing is long enough to need them (`prepare`).
 *
 * @example
 * const indexMany = createParallelIndexer({ root: 'content', site, entry: new URL(import.meta.url) });
 * const entries = await indexMany(['2024/a.md', '2024/b.md']);
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexFile, type IndexEntry, type IndexMany } from '../articles/load.ts';
import type { Site } from '../site.ts';
import { createFsSource } from '../sources/fs.ts';
import { rereadArticle } from './index-cache.ts';
import { readEntries, writeEntries } from './stored-entry.ts';

/** Set in the environment of an indexing process. */
const TASK_VARIABLE = 'WIREFEED_INDEX_TASK';
const PROGRESS_EVERY = 500;

/** What an indexing process is sent. */
interface IndexTask {
  readonly root: string;
  readonly site: Site;
  readonly paths: readonly string[];
  /** Where to write the entries (laid out as stored-entry.ts says). */
  readonly file: string;
}

/** Progress, as files done since the last message. */
type TaskMessage = { readonly done: number };

export interface ParallelIndexerOptions {
  readonly root: string;
  readonly site: Site;
  /** The module a process runs: the program's entry, which calls {@link runIndexTask} first. */
  readonly entry: URL;
  readonly processes?: number;
  /** Node options of the processes (default: this process's, so that a loader such as tsx carries over). */
  readonly execArgv?: readonly string[];
  /** Where the processes write their entries for a moment (default: the system's temporary folder). */
  readonly scratchDir?: string;
}

/** The entries an indexing process wrote to `file`, their details left in the file. */
function readEntriesFile(options: ParallelIndexerOptions, file: string): IndexEntry[] {
  return readEntries(openSync(file, 'r'), () => undefined, rereadArticle(options.root, options.site)).entries;
}

/** A process forked to index a slice of files, waiting for its task. */
interface IndexingProcess {
  /** Sends the task; resolves with the entries once the process has written them and exited. */
  index(paths: readonly string[], file: string, onProgress: (done: number) => void): Promise<IndexEntry[]>;
  /** Stops it, unused. */
  stop(): void;
}

function startIndexingProcess(options: ParallelIndexerOptions): IndexingProcess {
  const child = fork(fileURLToPath(options.entry), [], {
    env: { ...process.env, [TASK_VARIABLE]: '1' },
    execArgv: [...(options.execArgv ?? process.execArgv)],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Watched from the start: a process started ahead may fail before it is given its task.
  const ended = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`an indexing process stopped (${signal ?? `exit code ${code}`})`))));
  });
  ended.catch(() => undefined);
  // Until it has a task, it does not keep this process alive.
  child.unref();
  child.channel?.unref();
  return {
    async index(paths, file, onProgress) {
      child.ref();
      child.channel?.ref();
      child.on('message', (message: TaskMessage) => onProgress(message.done));
      child.send({ root: options.root, site: options.site, paths, file } satisfies IndexTask);
      await ended;
      return readEntriesFile(options, file);
    },
    stop: () => void child.kill(),
  };
}

const SCRATCH_PREFIX = 'wirefeed-indexing-';
/** Older than this, a scratch folder belongs to a process that died while indexing. */
const ABANDONED_AFTER_MS = 3_600_000;

/** A scratch folder of its own in `dir`, after removing those of processes that died while indexing. */
function makeScratchFolder(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const path = join(dir, name);
    if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - ABANDONED_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
  return mkdtempSync(join(dir, SCRATCH_PREFIX));
}

export function createParallelIndexer(options: ParallelIndexerOptions): IndexMany {
  const processes = Math.max(1, options.processes ?? Math.min(availableParallelism(), 8));
  let prepared: IndexingProcess[] | undefined;
  const indexMany: IndexMany = async (paths, onProgress = () => undefined) => {
    const started = prepared ?? [];
    prepared = undefined;
    const slice = Math.ceil(paths.length / processes);
    const slices: string[][] = [];
    for (let start = 0; start < paths.length; start += slice) slices.push(paths.slice(start, start + slice));
    for (const unused of started.splice(slices.length)) unused.stop();
    let done = 0;
    const scratch = makeScratchFolder(options.scratchDir ?? tmpdir());
    try {
      const results = await Promise.all(
        slices.map((part, index) =>
          (started[index] ?? startIndexingProcess(options)).index(part, join(scratch, `${index}.entries`), (count) => {
            done += count;
            onProgress(done);
          }),
        ),
      );
      return results.flat();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
  indexMany.prepare = () => {
    prepared ??= Array.from({ length: processes }, () => startIndexingProcess(options));
  };
  indexMany.release = () => {
    for (const unused of prepared ?? []) unused.stop();
    prepared = undefined;
  };
  return indexMany;
}

/**
 * In a process started by {@link createParallelIndexer}: indexes the slice it is sent, writes the
 * entries to the file it is told and returns true. In any other process, returns false at once.
 */
export async function runIndexTask(): Promise<boolean> {
  if (process.env[TASK_VARIABLE] !== '1' || process.send === undefined) return false;
  const send = (message: TaskMessage) => new Promise<void>((sent) => process.send?.(message, undefined, undefined, () => sent()));
  const task = await new Promise<IndexTask>((received) => process.once('message', (message) => received(message as IndexTask)));
  const source = createFsSource(task.root);
  const entries: IndexEntry[] = [];
  for (const path of task.paths) {
    entries.push(await indexFile(source, path, task.site));
    if (entries.length % PROGRESS_EVERY === 0) void send({ done: PROGRESS_EVERY });
  }
  if (entries.length % PROGRESS_EVERY !== 0) void send({ done: entries.length % PROGRESS_EVERY });
  const chunks: Uint8Array[] = [];
  await writeEntries((chunk) => void chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk), {}, entries);
  writeFileSync(task.file, Buffer.concat(chunks));
  process.disconnect();
  return true;
}
