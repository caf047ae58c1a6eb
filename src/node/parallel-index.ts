/**
 * Reading and parsing many files in parallel: a first start over a large folder (no persisted
 * index yet) spends nearly all its time opening files and reading front matter, and one
 * process per core shares that out. Processes, not worker threads: here, two threads of one
 * process indexing 50,000 files each took 90% of the time one thread took for all 100,000
 * (they contend in the kernel and the allocator), while two processes take half.
 *
 * Each process indexes a contiguous slice of the listed files and sends its entries back in
 * the persisted index's own encoding (see stored-entry.ts), as one buffer: the server decodes
 * the heads, and the details of each article are parsed from that buffer when a response first
 * shows them.
 * The processes run the program's entry module again (dist/node.mjs, or src/node.ts under
 * tsx), which hands over to {@link runIndexTask} when it was started for this.
 *
 * @example
 * const indexMany = createParallelIndexer({ root: 'content', site, entry: new URL(import.meta.url) });
 * const entries = await indexMany(['2024/a.md', '2024/b.md']);
 */
import { fork } from 'node:child_process';
import { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { indexFile, type IndexEntry, type IndexMany } from '../articles/load.ts';
import type { Site } from '../site.ts';
import { createFsSource } from '../sources/fs.ts';
import { decodeEntries, detailsLinesOf, encodeDetails, encodeHead } from './stored-entry.ts';

/** Set in the environment of an indexing process. */
const TASK_VARIABLE = 'WIREFEED_INDEX_TASK';
const PROGRESS_EVERY = 500;

/** What an indexing process is sent. */
interface IndexTask {
  readonly root: string;
  readonly site: Site;
  readonly paths: readonly string[];
}

/** Progress, as files done since the last message. The entries come over their own pipe (fd 3). */
type TaskMessage = { readonly done: number };

/** The child's end of the pipe its entries go back through (after stdin, stdout and stderr). */
const ENTRIES_FD = 3;

export interface ParallelIndexerOptions {
  readonly root: string;
  readonly site: Site;
  /** The module a process runs: the program's entry, which calls {@link runIndexTask} first. */
  readonly entry: URL;
  readonly processes?: number;
  /** Node options of the processes (default: this process's, so that a loader such as tsx carries over). */
  readonly execArgv?: readonly string[];
}

function indexInProcess(options: ParallelIndexerOptions, paths: readonly string[], onProgress: (done: number) => void): Promise<IndexEntry[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(options.entry), [], {
      env: { ...process.env, [TASK_VARIABLE]: '1' },
      execArgv: [...(options.execArgv ?? process.execArgv)],
      serialization: 'advanced',
      // A pipe of its own for the entries: tens of megabytes through the IPC channel's
      // serialization took about half a second more.
      stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'ipc'],
    });
    const chunks: Buffer[] = [];
    child.stdio[ENTRIES_FD]?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('message', (message: TaskMessage) => onProgress(message.done));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`an indexing process stopped (${signal ?? `exit code ${code}`})`));
      try {
        const bytes = Buffer.concat(chunks);
        const headsEnd = bytes.indexOf(0x0a);
        if (headsEnd === -1) throw new Error('an indexing process sent no entries');
        resolve(decodeEntries(bytes.subarray(0, headsEnd), detailsLinesOf(bytes, headsEnd + 1)));
      } catch (error) {
        reject(error);
      }
    });
    child.send({ root: options.root, site: options.site, paths } satisfies IndexTask);
  });
}

export function createParallelIndexer(options: ParallelIndexerOptions): IndexMany {
  const processes = Math.max(1, options.processes ?? Math.min(availableParallelism(), 8));
  return async (paths, onProgress = () => undefined) => {
    const slice = Math.ceil(paths.length / processes);
    const slices: string[][] = [];
    for (let start = 0; start < paths.length; start += slice) slices.push(paths.slice(start, start + slice));
    let done = 0;
    const results = await Promise.all(
      slices.map((part) =>
        indexInProcess(options, part, (count) => {
          done += count;
          onProgress(done);
        }),
      ),
    );
    return results.flat();
  };
}

/**
 * In a process started by {@link createParallelIndexer}: indexes the slice it is sent, sends the
 * entries back and returns true. In any other process, returns false at once.
 */
export async function runIndexTask(): Promise<boolean> {
  if (process.env[TASK_VARIABLE] !== '1' || process.send === undefined) return false;
  const send = (message: TaskMessage) => new Promise<void>((sent) => process.send?.(message, undefined, undefined, () => sent()));
  const task = await new Promise<IndexTask>((received) => process.once('message', (message) => received(message as IndexTask)));
  const source = createFsSource(task.root);
  const heads: string[] = [];
  const details: string[] = [];
  for (const path of task.paths) {
    const entry = await indexFile(source, path, task.site);
    heads.push(encodeHead(entry));
    details.push(encodeDetails(entry));
    if (heads.length % PROGRESS_EVERY === 0) void send({ done: PROGRESS_EVERY });
  }
  if (heads.length % PROGRESS_EVERY !== 0) void send({ done: heads.length % PROGRESS_EVERY });
  const entries = new Socket({ fd: ENTRIES_FD, readable: false });
  await new Promise<void>((written) => entries.end(`[${heads.join(',')}]\n${details.join('')}`, () => written()));
  process.disconnect();
  return true;
}
