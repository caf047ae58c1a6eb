/**
 * Reading and parsing many files in parallel: a first start over a large folder (no persisted
 * index yet) spends nearly all its time opening files and reading front matter, and one
 * process per core shares that out. Processes, not worker threads: here, two threads of one
 * process indexing 50,000 files each took 90% of the time one thread took for all 100,000
 * (they contend in the kernel and the allocator), while two processes take about 60% (each
 * file's open and read cost more while the other process reads too).
 *
 * The processes take batches of the listed files as they finish the ones they have (see
 * BATCH_FILES), and each writes its entries to a scratch file in the persisted index's own
 * encoding (see stored-entry.ts): the server decodes what the catalog needs, puts the batches
 * back in order, and reads the details of each article from its file when a response first
 * shows it, so that they take no memory until then. The scratch files are removed as soon as
 * they are open (the open descriptors keep them readable).
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
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexFile, type IndexEntry, type IndexMany } from '../articles/load.ts';
import type { Site } from '../site.ts';
import { createFsSource } from '../sources/fs.ts';
import { taskProcesses } from './resources.ts';
import { rereadArticle } from './index-cache.ts';
import { isTaskProcess, taskEnvironment } from './process-role.ts';
import { createEntriesWriter, readEntries } from './stored-entry.ts';

/**
 * V8 options of an indexing process, after the server's own. A young generation of up to 32 MB
 * rather than 16: indexing makes a few kilobytes of short-lived strings and objects per file,
 * and a batch of entries lives until it is written, so the default young generation was
 * collected (and its survivors copied) every few dozen files. By turns, eight pairs of first
 * starts at 100,000 files: 5.06 s on average against 4.40 s, seven of eight faster; the
 * processes' peak memory was alike (126-177 MB against 157-169 MB).
 */
const INDEXING_V8_OPTIONS = ['--max-semi-space-size=32'];

/**
 * Memory an indexing process may take at its peak: 121-140 MB of its own (anonymous) memory
 * measured at 100,000 files, one process or two (their RSS, with the pages of the node binary
 * that processes share, 160-195 MB). Batches are written as they are indexed, so the peak does
 * not grow with the folder.
 */
export const INDEXING_PROCESS_BYTES = 150_000_000;

/**
 * The indexing processes a first start forks: one per usable core, up to 8, as many as fit in
 * their share of a container's memory, and at least one. A pod with no CPU limit on a 16-core
 * node and a 512 MiB memory limit forked 8 (measured here with 16 cores pretended, at 100,000
 * files): the kernel killed some, and the server, reading the files itself in their place, ran
 * out of heap. Even one is better than none where memory is short: the server reading every file
 * itself holds more (its peak at 100,000 files went past 300 MB) than with one process reading
 * them (about 140 MB each).
 */
export function indexingProcesses(): number {
  return Math.max(1, taskProcesses(INDEXING_PROCESS_BYTES));
}

/**
 * Files per batch. The processes are handed batches as they finish the ones they have, not
 * a fixed share each: one process is often slowed down more than another (here, the slower of
 * two finished 0.1-1 s after the faster with halves of 100,000 files), and then the other takes
 * more batches. Small enough that the last batch ends soon after the others, large enough that
 * handing them out costs nothing to speak of.
 */
const BATCH_FILES = 1000;
/** Batches a process holds at a time: the next is there the moment it finishes one. */
const BATCHES_AHEAD = 2;

/** An indexing process's task: the folder, the site, and where to write the entries (laid out as stored-entry.ts says). */
type IndexTaskMessage = { readonly root: string; readonly site: Site; readonly file: string };

/** What an indexing process is sent: first its task, then batches of paths, then the end. */
type TaskMessage = IndexTaskMessage | { readonly paths: readonly string[] } | { readonly end: true };

/** What an indexing process sends back: a batch is done (and how many files were in it). */
type DoneMessage = { readonly done: number };

export interface ParallelIndexerOptions {
  readonly root: string;
  readonly site: Site;
  /** The module a process runs: the program's entry, which calls {@link runIndexTask} first. */
  readonly entry: URL;
  readonly processes?: number;
  /** Node options of the processes (default: this process's, so that a loader such as tsx carries over); INDEXING_V8_OPTIONS follow them. */
  readonly execArgv?: readonly string[];
  /** Where the processes write their entries for a moment (default: the system's temporary folder). */
  readonly scratchDir?: string;
  /** Files per batch (default {@link BATCH_FILES}). */
  readonly batchFiles?: number;
}

/** The entries an indexing process wrote to `file`, their details left in the file. */
function readEntriesFile(options: ParallelIndexerOptions, file: string): IndexEntry[] {
  return readEntries(openSync(file, 'r'), () => undefined, rereadArticle(options.root, options.site)).entries;
}

/** The batches of a list of paths, handed out in order. */
interface Batches {
  /** The next batch and its place, or `undefined` when every batch has been handed out. */
  next(): { readonly at: number; readonly paths: readonly string[] } | undefined;
}

/** A process forked to index files, waiting for its task. */
interface IndexingProcess {
  /**
   * Indexes batches taken from `batches` as it finishes the ones it has; resolves, once the
   * process has written its entries and exited, with the entries of each batch it took, by the
   * batch's place.
   */
  index(batches: Batches, file: string, onProgress: (done: number) => void): Promise<Map<number, IndexEntry[]>>;
  /** Stops it, unused. */
  stop(): void;
}

function startIndexingProcess(options: ParallelIndexerOptions): IndexingProcess {
  const child = fork(fileURLToPath(options.entry), [], {
    env: taskEnvironment('index'),
    execArgv: [...(options.execArgv ?? process.execArgv), ...INDEXING_V8_OPTIONS],
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
  const send = (message: TaskMessage) => child.send(message);
  return {
    async index(batches, file, onProgress) {
      child.ref();
      child.channel?.ref();
      /** The places of the batches it took, in the order it indexes them, and their sizes. */
      const taken: number[] = [];
      const sizes: number[] = [];
      let endSent = false;
      // A batch more each time it finishes one; the end (after the batches it holds) once none is left.
      const handOut = () => {
        if (endSent) return;
        const batch = batches.next();
        if (batch === undefined) {
          endSent = true;
          send({ end: true });
          return;
        }
        taken.push(batch.at);
        sizes.push(batch.paths.length);
        send({ paths: batch.paths });
      };
      child.on('message', (message: DoneMessage) => {
        onProgress(message.done);
        handOut();
      });
      send({ root: options.root, site: options.site, file });
      for (let batch = 0; batch < BATCHES_AHEAD; batch += 1) handOut();
      await ended;
      const entries = readEntriesFile(options, file);
      if (entries.length !== sizes.reduce((sum, size) => sum + size, 0)) throw new Error(`an indexing process wrote ${entries.length} entries for ${sizes.length} batches of other sizes`);
      const byBatch = new Map<number, IndexEntry[]>();
      let start = 0;
      taken.forEach((at, index) => {
        const size = sizes[index] as number;
        byBatch.set(at, entries.slice(start, start + size));
        start += size;
      });
      return byBatch;
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
  const processes = Math.max(1, options.processes ?? indexingProcesses());
  let prepared: IndexingProcess[] | undefined;
  const indexMany: IndexMany = async (paths, onProgress = () => undefined) => {
    const started = prepared ?? [];
    prepared = undefined;
    const size = Math.max(1, options.batchFiles ?? BATCH_FILES);
    const count = Math.ceil(paths.length / size);
    let handedOut = 0;
    const batches: Batches = {
      next() {
        if (handedOut === count) return undefined;
        const at = handedOut++;
        return { at, paths: paths.slice(at * size, (at + 1) * size) };
      },
    };
    const used = Math.min(processes, count);
    for (const unused of started.splice(used)) unused.stop();
    let done = 0;
    const scratch = makeScratchFolder(options.scratchDir ?? tmpdir());
    const working = Array.from({ length: used }, (_, index) => started[index] ?? startIndexingProcess(options));
    try {
      const results = await Promise.all(
        working.map((worker, index) =>
          worker.index(batches, join(scratch, `${index}.entries`), (files) => {
            done += files;
            onProgress(done);
          }),
        ),
      );
      const entries: IndexEntry[] = [];
      for (let at = 0; at < count; at += 1) {
        const batch = results.find((byBatch) => byBatch.has(at))?.get(at);
        if (batch === undefined) throw new Error(`no indexing process indexed batch ${at}`);
        for (const entry of batch) entries.push(entry);
      }
      return entries;
    } catch (error) {
      // One failed: the whole list is read again some other way, so the others stop now.
      for (const worker of working) worker.stop();
      throw error;
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
  if (!isTaskProcess('index') || process.send === undefined) return false;
  const send = (message: DoneMessage) => new Promise<void>((sent) => process.send?.(message, undefined, undefined, () => sent()));
  // Messages come in order: the task, batches of paths, the end. They are queued as they come
  // and worked through in turn.
  const queue: TaskMessage[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (message: TaskMessage) => {
    queue.push(message);
    wake?.();
  });
  const received = async (): Promise<TaskMessage> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return queue.shift() as TaskMessage;
  };
  const task = await received();
  if (!('root' in task)) throw new Error('an indexing process was sent paths before its task');
  try {
    await indexTask(task, received, send);
  } catch (error) {
    // One line, not a stack trace: the parallel indexing then fails as a whole and the server
    // reads the files itself (see indexSource), so the start goes on (a full disk, say).
    process.stderr.write(`wirefeed: an indexing process stopped (${(error as Error).message}); the server reads the files itself\n`);
    process.exitCode = 1;
  }
  process.disconnect();
  return true;
}

/** An indexing process's work: each batch of paths received indexed, and its entries written to the task's file. */
async function indexTask(task: IndexTaskMessage, received: () => Promise<TaskMessage>, send: (message: DoneMessage) => Promise<void>): Promise<void> {
  // Files are opened by paths from the content folder, not from the file system's root: each
  // open then walks only the folders inside the content. At 100,000 files, 14 pairs of first
  // starts by turns: 12 faster, by 30 ms on average (2,300 ms). The task's file is opened
  // first, as it was named.
  const file = openSync(task.file, 'w');
  process.chdir(task.root);
  const source = createFsSource('.');
  try {
    const writer = await createEntriesWriter(
      (chunk) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (let at = 0; at < bytes.length; ) at += writeSync(file, bytes, at, bytes.length - at);
      },
      {},
    );
    // Each batch is written as soon as it is indexed, and its articles let go.
    for (let message = await received(); 'paths' in message; message = await received()) {
      const entries: IndexEntry[] = [];
      for (const path of message.paths) entries.push(await indexFile(source, path, task.site));
      await writer.add(entries);
      void send({ done: message.paths.length });
    }
    await writer.finish();
  } finally {
    closeSync(file);
  }
}
