/**
 * A process of the Workers build (scripts/build-worker.ts) that renders and writes a share of
 * its content files: Markdown, sanitizing and encoding are about 0.7 ms an article here, most of
 * a full build, and they share out across the cores as the static export's pages do.
 *
 * It is sent the folder, the site and its files (each article's every field, as the build read
 * it), renders each article's HTML from its file through the same code as the build itself
 * (createFileContent), writes the files, and answers with their sizes.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileContent } from '../src/catalog/content-store.ts';
import { writeContentFiles, type ContentFilePlan } from '../src/prebuilt.ts';
import type { Site } from '../src/site.ts';
import { createFsSource } from '../src/sources/fs.ts';

/** What a content process is sent. */
export interface ContentTask {
  readonly contentDir: string;
  readonly site: Site;
  /** The build's Static Assets folder, which the files' paths are in. */
  readonly assets: string;
  readonly files: readonly ContentFilePlan[];
}

type Answer = { readonly sizes: readonly number[] } | { readonly failed: string };

/** Writes a file of the build's Static Assets, by its path there (`/_wirefeed/c/…`), and the folders it is in. */
export function writeAsset(assets: string, path: string, bytes: Uint8Array): void {
  const file = join(assets, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

/** Renders and writes the files of a task here; gives each file's size. */
function writeTaskFiles({ contentDir, site, assets, files }: ContentTask): Promise<number[]> {
  const content = createFileContent(createFsSource(contentDir), site, () => undefined, 1);
  return writeContentFiles(files, async (article) => (await content.load([article])).html(article), (path, bytes) => writeAsset(assets, path, bytes));
}

/**
 * Runs a task in a process of its own (this module under tsx): `sent` resolves once the task is
 * handed over (a process that renders without yielding meanwhile would hold it back until done),
 * `sizes` with each file's size.
 */
export function writeTaskFilesElsewhere(task: ContentTask): { readonly sent: Promise<void>; readonly sizes: Promise<number[]>; stop(): void } {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const sizes = new Promise<number[]>((resolve, reject) => {
    let answer: Answer | undefined;
    child.once('message', (message: Answer) => (answer = message));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (answer !== undefined && 'sizes' in answer && code === 0) resolve([...answer.sizes]);
      else reject(new Error(answer !== undefined && 'failed' in answer ? answer.failed : `a content process stopped (${signal ?? `exit code ${code}`})`));
    });
  });
  const sent = new Promise<void>((resolve, reject) => child.send(task, (error) => (error ? reject(error) : resolve())));
  return { sent, sizes, stop: () => child.kill() };
}

if (process.send !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  process.once('message', (task: ContentTask) => {
    writeTaskFiles(task).then(
      (sizes) => process.send!({ sizes } satisfies Answer, () => process.exit(0)),
      (error: Error) => process.send!({ failed: `a content process failed: ${error.message}` } satisfies Answer, () => process.exit(1)),
    );
  });
}
