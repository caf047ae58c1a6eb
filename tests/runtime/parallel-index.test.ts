/**
 * Indexing in several processes (a first start over a large folder): real child processes of
 * the real entry module (src/node.ts under tsx), against indexing the same files one by one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assembleArticles, INDEX_MANY_FROM, indexSource } from '../../src/articles/load.ts';
import { createParallelIndexer } from '../../src/node/parallel-index.ts';
import { createFsSource } from '../../src/sources/fs.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { entryFields, testSite, validArticle } from '../support/fixtures.ts';

const ENTRY = pathToFileURL(resolve('src/node.ts'));
const EXEC_ARGV = ['--import', 'tsx'];

function articleFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index += 1) {
    const code = `"P${index}"`;
    files[`${index % 7}/story-${index}.md`] =
      index % 50 === 0
        ? '---\ntitle: [unclosed\n---\nbroken'
        : validArticle({ code, title: `"Story ${index}, “quoted”"`, language: index % 3 === 0 ? '"th"' : '"en"', tags: '[a, b]', ...(index % 11 === 0 ? { draft: 'true' } : {}) }, `ข่าว ${index}\n\nBody\twith a tab.`);
  }
  return files;
}

/** A folder of `count` articles (see {@link articleFiles}) for the tests of a describe block. */
function articleFolder(count: number): { readonly root: () => string } {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-parallel-'));
    for (let folder = 0; folder < 7; folder += 1) mkdirSync(join(root, String(folder)));
    for (const [path, text] of Object.entries(articleFiles(count))) writeFileSync(join(root, path), text);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return { root: () => root };
}

/**
 * Runs `use` with an entry module of its own in a scratch folder (removed after): `lines` (given
 * the folder; `appendFileSync` and `openSync` are imported), then the hand-over to runIndexTask.
 */
async function withEntryModule(lines: (scratch: string) => string[], use: (entry: string, scratch: string) => Promise<void>): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'wirefeed-entry-'));
  const entry = join(scratch, 'entry.mts');
  const imports = [`import { appendFileSync, openSync } from 'node:fs';`, `import { runIndexTask } from ${JSON.stringify(resolve('src/node/parallel-index.ts'))};`];
  writeFileSync(entry, [...imports, ...lines(scratch), 'await runIndexTask();'].join('\n'));
  try {
    await use(entry, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether a process of that id is running. */
function isAlive(pid: string): boolean {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

describe('indexing in several processes', () => {
  const folder = articleFolder(300);
  const site = testSite();

  it('gives the same entries, in the same order, as reading the files one by one, tells its progress, and leaves no scratch file (removing those of a process that died)', async () => {
    const root = folder.root();
    const source = createFsSource(root);
    const paths = await source.list();
    const one = await indexSource(source, site);
    const progress: number[] = [];
    const scratchDir = mkdtempSync(join(tmpdir(), 'wirefeed-scratch-'));
    // What a server that died while indexing left two hours ago, and what one indexing now has.
    const abandoned = join(scratchDir, 'wirefeed-indexing-dead');
    const live = join(scratchDir, 'wirefeed-indexing-live');
    mkdirSync(abandoned);
    mkdirSync(live);
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(abandoned, hoursAgo, hoursAgo);
    const many = await createParallelIndexer({ root, site, entry: ENTRY, processes: 3, execArgv: EXEC_ARGV, scratchDir })(paths, (done) => progress.push(done));
    // The details are read from the processes' files, which are gone from the folder by now.
    expect(readdirSync(scratchDir)).toEqual(['wirefeed-indexing-live']);
    rmSync(scratchDir, { recursive: true });
    expect(many.map(entryFields)).toEqual(one.map(entryFields));
    expect(many.filter((entry) => entry.problems.some((problem) => problem.severity === 'error'))).toHaveLength(6);
    expect(many.filter((entry) => entry.draft)).not.toHaveLength(0);
    expect(progress.at(-1)).toBe(paths.length);
  }, 60_000);

  it('takes a content folder and a scratch folder named from the working folder (CACHE_DIR=.cache), as the files were named', async () => {
    const root = folder.root();
    // In the working folder, as the default cache folder is (node_modules/.cache/wirefeed).
    mkdirSync('node_modules/.cache', { recursive: true });
    const scratchDir = mkdtempSync('node_modules/.cache/wirefeed-scratch-');
    try {
      const paths = await createFsSource(root).list();
      const many = await createParallelIndexer({ root: relative(process.cwd(), root), site, entry: ENTRY, processes: 2, execArgv: EXEC_ARGV, scratchDir })(paths);
      expect(many.map(entryFields)).toEqual((await indexSource(createFsSource(root), site)).map(entryFields));
      expect(readdirSync(scratchDir)).toEqual([]);
    } finally {
      rmSync(scratchDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('uses the processes it started ahead rather than forking others, and stops them when told they are not needed', async () => {
    const root = folder.root();
    const source = createFsSource(root);
    const paths = await source.list();
    // An entry module that notes the id of every process started with it before indexing.
    await withEntryModule(
      (scratch) => [`appendFileSync(${JSON.stringify(join(scratch, 'started'))}, process.pid + '\\n');`],
      async (entry, scratch) => {
        const log = join(scratch, 'started');
        const started = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
        const indexMany = createParallelIndexer({ root, site, entry: pathToFileURL(entry), processes: 2, execArgv: EXEC_ARGV });
        indexMany.prepare?.();
        await vi.waitFor(() => expect(started()).toHaveLength(2), { timeout: 20_000, interval: 50 });
        const many = await indexMany(paths);
        expect(many.map(entryFields)).toEqual((await indexSource(source, site)).map(entryFields));
        expect(started()).toHaveLength(2);

        indexMany.prepare?.();
        await vi.waitFor(() => expect(started()).toHaveLength(4), { timeout: 20_000, interval: 50 });
        const ahead = started().slice(2);
        expect(ahead.every(isAlive)).toBe(true);
        indexMany.release?.();
        await vi.waitFor(() => expect(ahead.some(isAlive)).toBe(false), { timeout: 10_000, interval: 50 });
      },
    );
  }, 60_000);

  it('starts its processes with this environment but NODE_EXTRA_CA_CERTS, which Node 20 loads at every start and an indexing process never uses, and with a larger young generation', async () => {
    const root = folder.root();
    const paths = (await createFsSource(root).list()).slice(0, 20);
    vi.stubEnv('NODE_EXTRA_CA_CERTS', join(tmpdir(), 'wirefeed-no-such-certificates.pem'));
    vi.stubEnv('WIREFEED_TEST_CARRIED', 'yes');
    try {
      // An entry module that notes what its process was started with.
      await withEntryModule(
        (scratch) => [
          `appendFileSync(${JSON.stringify(join(scratch, 'environment'))}, JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.WIREFEED_TEST_CARRIED ?? null, process.execArgv.at(-1) ?? null]) + '\\n');`,
        ],
        async (entry, scratch) => {
          await createParallelIndexer({ root, site, entry: pathToFileURL(entry), processes: 2, execArgv: EXEC_ARGV, batchFiles: 5 })(paths);
          const seen = readFileSync(join(scratch, 'environment'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
          expect(seen).toEqual([
            [null, 'yes', '--max-semi-space-size=32'],
            [null, 'yes', '--max-semi-space-size=32'],
          ]);
        },
      );
    } finally {
      vi.unstubAllEnvs();
    }
  }, 60_000);

  it('hands batches to the processes as they finish theirs, so that a slow one takes fewer, and puts them back in order', async () => {
    const root = folder.root();
    const source = createFsSource(root);
    const paths = await source.list();
    // An entry module that counts the batches its process is sent; the first process started
    // with it stops for 40 ms at each one.
    await withEntryModule(
      (scratch) => [
        `let slow = false;`,
        `try { openSync(${JSON.stringify(join(scratch, 'slow'))}, 'wx'); slow = true; } catch {}`,
        `let batches = 0;`,
        `process.on('message', (message) => {`,
        `  if (!('paths' in message)) return;`,
        `  batches += 1;`,
        `  if (slow) { const until = Date.now() + 40; while (Date.now() < until); }`,
        `});`,
        `process.on('exit', () => appendFileSync(${JSON.stringify(join(scratch, 'batches'))}, (slow ? 'slow ' : 'fast ') + batches + '\\n'));`,
      ],
      async (entry, scratch) => {
        const progress: number[] = [];
        const indexMany = createParallelIndexer({ root, site, entry: pathToFileURL(entry), processes: 2, execArgv: EXEC_ARGV, batchFiles: 7 });
        const many = await indexMany(paths, (done) => progress.push(done));
        expect(many.map(entryFields)).toEqual((await indexSource(source, site)).map(entryFields));
        expect(progress).toHaveLength(Math.ceil(paths.length / 7));
        expect(progress.at(-1)).toBe(paths.length);
        const counts = Object.fromEntries(readFileSync(join(scratch, 'batches'), 'utf8').trim().split('\n').map((line) => line.split(' ')));
        expect(Number(counts.slow) + Number(counts.fast)).toBe(Math.ceil(paths.length / 7));
        expect(Number(counts.slow)).toBeLessThan(Number(counts.fast));
      },
    );
  }, 60_000);

  it.runIf(existsSync('/proc/self/stat'))('stops the other processes when one fails', async () => {
    const root = folder.root();
    const paths = await createFsSource(root).list();
    // The first process started with this entry module fails at its first batch; the others
    // take 0.2 s a batch, 43 batches of 7 files between them: many seconds, if nothing stops them.
    await withEntryModule(
      (scratch) => [
        `let failing = false;`,
        `try { openSync(${JSON.stringify(join(scratch, 'failing'))}, 'wx'); failing = true; } catch {}`,
        `process.on('message', (message) => {`,
        `  if (!('paths' in message)) return;`,
        `  if (failing) process.exit(1);`,
        `  const until = Date.now() + 200; while (Date.now() < until);`,
        `});`,
      ],
      async (entry) => {
        // This process's children running that module, as Linux lists them.
        const running = () =>
          readdirSync('/proc').filter((pid) => {
            if (!/^\d+$/.test(pid)) return false;
            try {
              const parent = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1];
              return Number(parent) === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry);
            } catch {
              return false;
            }
          });
        const indexMany = createParallelIndexer({ root, site, entry: pathToFileURL(entry), processes: 2, execArgv: EXEC_ARGV, batchFiles: 7 });
        const indexing = indexMany(paths);
        await vi.waitFor(() => expect(running()).toHaveLength(2), { timeout: 20_000, interval: 20 });
        await expect(indexing).rejects.toThrow(/an indexing process stopped \(exit code 1\)/);
        await vi.waitFor(() => expect(running()).toEqual([]), { timeout: 3000, interval: 50 });
      },
    );
  }, 60_000);

  it('has a process that cannot write its entries (a full disk, say) say so in one line and stop, so that the whole fails', async () => {
    const root = folder.root();
    const paths = await createFsSource(root).list();
    await withEntryModule(
      (scratch) => [
        `import { mkdirSync } from 'node:fs';`,
        // A folder where its entries file goes: opening it to write fails (EISDIR).
        `process.on('message', (message) => { if ('file' in message) mkdirSync(message.file); });`,
        `const write = process.stderr.write.bind(process.stderr);`,
        `process.stderr.write = (chunk, ...rest) => { appendFileSync(${JSON.stringify(join(scratch, 'stderr'))}, chunk); return write(chunk, ...rest); };`,
      ],
      async (entry, scratch) => {
        const indexMany = createParallelIndexer({ root, site, entry: pathToFileURL(entry), processes: 1, execArgv: EXEC_ARGV });
        await expect(indexMany(paths)).rejects.toThrow(/an indexing process stopped \(exit code 1\)/);
        expect(readFileSync(join(scratch, 'stderr'), 'utf8')).toMatch(/^wirefeed: an indexing process stopped \(EISDIR: illegal operation on a directory, open '[^']+'\); the server reads the files itself\n$/);
      },
    );
  }, 30_000);

  it('fails as a whole when a process fails', async () => {
    const root = folder.root();
    const indexMany = createParallelIndexer({ root, site, entry: pathToFileURL(join(root, 'missing.mjs')), processes: 2, execArgv: [] });
    await expect(indexMany(['0/story-0.md'])).rejects.toThrow(/an indexing process stopped \(exit code 1\)/);
  }, 30_000);
});

describe('the wirefeed command over a folder large enough for several processes', () => {
  const folder = articleFolder(INDEX_MANY_FROM + 100);
  const site = testSite();

  it('checks it with the bundle (which forks itself) and reports what indexing it in one process finds', async () => {
    const { BASE_URL: _vite, ...env } = process.env;
    const root = folder.root();
    const result = spawnSync(process.execPath, ['bin/wirefeed.mjs', 'check', '--content', root, '--json'], { encoding: 'utf8', env });
    const report = JSON.parse(result.stdout) as { files: number; articles: number; drafts: number; errors: number; problems: unknown[] };
    const entries = await indexSource(createFsSource(root), { ...site, baseUrl: 'http://localhost:8787' });
    const expected = assembleArticles(entries);
    expect(report).toMatchObject({ files: entries.length, articles: expected.articles.length, drafts: expected.drafts });
    expect(report.problems).toEqual(expected.problems.map((problem) => expect.objectContaining({ path: problem.path, message: problem.message })));
    expect(result.status).toBe(1);
  }, 120_000);
});

describe('indexing a source with a many-file indexer', () => {
  const site = testSite();
  const source = createMemorySource(articleFiles(INDEX_MANY_FROM));

  it(`uses it from ${INDEX_MANY_FROM} files to read, and falls back to reading them one by one when it fails`, async () => {
    const one = await indexSource(source, site);
    const asked: number[] = [];
    const failing = async (paths: readonly string[]) => {
      asked.push(paths.length);
      throw new Error('no processes here');
    };
    expect(await indexSource(source, site, { indexMany: failing })).toEqual(one);
    expect(asked).toEqual([INDEX_MANY_FROM]);
    const short = async (paths: readonly string[]) => one.slice(0, paths.length - 1);
    expect(await indexSource(source, site, { indexMany: short })).toEqual(one);
  });

  it('reads fewer files itself (releasing what the indexer started ahead), and only the files whose stamps changed', async () => {
    const asked: number[] = [];
    let released = 0;
    const counting = Object.assign(
      async (paths: readonly string[]) => {
        asked.push(paths.length);
        throw new Error('unused');
      },
      { release: () => void (released += 1) },
    );
    const few = createMemorySource(articleFiles(10));
    await indexSource(few, site, { indexMany: counting });
    expect(released).toBe(1);
    const previous = new Map((await indexSource(source, site)).map((entry) => [entry.path, entry]));
    source.write('0/story-7.md', validArticle({ code: '"P7"', title: '"Edited"' }));
    const again = await indexSource(source, site, { previous, indexMany: counting });
    expect(asked).toEqual([]);
    expect(again.find((entry) => entry.path === '0/story-7.md')?.article?.title).toBe('Edited');
  });
});
