/**
 * A static export rendered in several processes: real child processes of the real entry module
 * (src/node.ts under tsx), starting from the index the export wrote, against the same export
 * rendered in one process.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportSite, writeExported, type ExportOptions } from '../../src/node/export.ts';
import { createParallelRenderer, type RenderMany } from '../../src/node/parallel-export.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

const renderMany = createParallelRenderer({ entry: pathToFileURL(resolve('src/node.ts')), execArgv: ['--import', 'tsx'] });
const NOW = Date.parse('2026-11-27T00:00:00Z');
const ARTICLES = 90;

/** Every file under `dir`, by its path there, with its bytes. */
function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(relative(dir, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name)));
  }
  return files;
}

describe('a static export rendered in several processes', () => {
  let base = '';
  let content = '';
  let scratch = '';
  const options = (outDir: string, parallel?: ExportOptions['parallel']): ExportOptions => ({
    port: 0,
    contentDir: content,
    site: testSite(),
    cacheDir: 'off',
    cacheBudget: { responseBytes: 1e7, contentBytes: 1e7, answerBytes: 1e7 },
    outDir,
    now: NOW,
    quiet: true,
    ...(parallel ? { parallel } : {}),
  });
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'wirefeed-parallel-export-'));
    content = join(base, 'content');
    scratch = join(base, 'scratch');
    mkdirSync(scratch);
    for (let index = 0; index < ARTICLES; index += 1) {
      const folder = join(content, String(index % 4));
      mkdirSync(folder, { recursive: true });
      const language = index % 3 === 0 ? '"th"' : '"en"';
      writeFileSync(join(folder, `story-${index}.md`), validArticle({ code: `"S${index}"`, title: `"Story ${index}, “quoted”"`, language }, `ข่าว ${index}\n\nA *body* for story ${index}.`));
    }
    // A broken file: reported, left out, in both exports alike.
    writeFileSync(join(content, '0', 'broken.md'), '---\ntitle: [unclosed\n---\nbroken');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('writes the same files, byte for byte, as one process does, and leaves no scratch file', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const alone = await exportSite(options(join(base, 'alone')));
    const shared: Parameters<RenderMany>[1][] = [];
    const spying: RenderMany = (task, slices, onProgress, signal) => {
      shared.push(slices);
      return renderMany(task, slices, onProgress, signal);
    };
    const together = await exportSite(options(join(base, 'together'), { renderMany: spying, processes: 3, from: 50, scratchDir: scratch }));
    warn.mockRestore();
    // Two other processes were given a third of the article pages each.
    expect(shared.map((slices) => slices.map((slice) => slice.length))).toEqual([[30, 30]]);
    expect(alone.processes).toBe(1);
    expect(together).toEqual({ ...alone, processes: 3 });
    const [one, three] = [filesOf(join(base, 'alone')), filesOf(join(base, 'together'))];
    expect([...three.keys()].sort()).toEqual([...one.keys()].sort());
    expect(one.size).toBe(together.files.length + 2); // and _headers, _redirects
    for (const [path, bytes] of one) expect(three.get(path)?.equals(bytes), path).toBe(true);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('starts the other processes from the index in CACHE_DIR, which they only read, with no scratch folder', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cacheDir = join(base, 'cache');
    const indexOf = () => readdirSync(cacheDir).filter((name) => name.startsWith('index-')).map((name) => statSync(join(cacheDir, name)));
    // Written anew, an index is another file renamed over it: another inode.
    let handedOver: number[] = [];
    const noting: RenderMany = (task, slices, onProgress, signal) => {
      handedOver = indexOf().map(({ ino }) => ino);
      return renderMany(task, slices, onProgress, signal);
    };
    const alone = await exportSite(options(join(base, 'alone-cached')));
    const together = await exportSite({ ...options(join(base, 'together-cached'), { renderMany: noting, processes: 2, from: 50, scratchDir: scratch }), cacheDir });
    warn.mockRestore();
    expect(together).toEqual({ ...alone, processes: 2 });
    const [one, two] = [filesOf(join(base, 'alone-cached')), filesOf(join(base, 'together-cached'))];
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [path, bytes] of one) expect(two.get(path)?.equals(bytes), path).toBe(true);
    expect(readdirSync(scratch)).toEqual([]);
    expect(handedOver).toHaveLength(1);
    expect(indexOf().map(({ ino }) => ino)).toEqual(handedOver);
    // The next export reads that index, and renders what changed (nothing) alone.
    const again = await exportSite({ ...options(join(base, 'together-cached'), { renderMany: noting, processes: 2, from: 50, scratchDir: scratch }), cacheDir });
    expect(again).toMatchObject({ processes: 1, kept: ARTICLES });
  });

  it('renders alone below its threshold', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const never: RenderMany = () => Promise.reject(new Error('not to be called'));
    const result = await exportSite(options(join(base, 'small'), { renderMany: never, processes: 3, from: ARTICLES + 1, scratchDir: scratch }));
    warn.mockRestore();
    expect(result).toMatchObject({ articles: ARTICLES, processes: 1 });
    // Also once the index the store saves after it read the folder (a second later) would have
    // been written: that write made the scratch folder again after the export had removed it.
    await new Promise((next) => setTimeout(next, 1200));
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('renders alone where no scratch folder can be made for the index', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const never: RenderMany = () => Promise.reject(new Error('not to be called'));
    const notAFolder = join(content, '0', 'story-0.md');
    const result = await exportSite(options(join(base, 'no-scratch'), { renderMany: never, processes: 3, from: 50, scratchDir: notAFolder }));
    warn.mockRestore();
    expect(result).toMatchObject({ articles: ARTICLES, processes: 1 });
    expect(filesOf(join(base, 'no-scratch')).size).toBe(result.files.length + 2);
  });

  it('fails, saying so, when a file changed after the index was written (every page comes from one catalog), and may then be run again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const changed = join(content, '1', 'story-1.md');
    const before = readFileSync(changed, 'utf8');
    const changing: RenderMany = (task, slices, onProgress, signal) => {
      writeFileSync(changed, `${before}\nA line added while the export ran.\n`);
      return renderMany(task, slices, onProgress, signal);
    };
    try {
      await expect(exportSite(options(join(base, 'changed'), { renderMany: changing, processes: 2, from: 50, scratchDir: scratch }))).rejects.toThrow(
        'the content folder changed during the export (1 files changed, added or removed); run wirefeed build again',
      );
    } finally {
      writeFileSync(changed, before);
    }
    expect(readdirSync(scratch)).toEqual([]);
    // As the message says, the export may be run again into the folder it stopped half-way in.
    expect(readdirSync(join(base, 'changed')).length).toBeGreaterThan(1);
    const again = await exportSite(options(join(base, 'changed'), { renderMany, processes: 2, from: 50, scratchDir: scratch }));
    warn.mockRestore();
    expect(again).toMatchObject({ articles: ARTICLES, processes: 2 });
    expect(filesOf(join(base, 'changed')).size).toBe(again.files.length + 2); // and _headers, _redirects
  });

  it("fails with another process's failure, naming the page", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unknownPage: RenderMany = (task, slices, onProgress, signal) => renderMany(task, [[...(slices[0] ?? []), '/articles/no-such-story']], onProgress, signal);
    await expect(exportSite(options(join(base, 'failed'), { renderMany: unknownPage, processes: 2, from: 50, scratchDir: scratch }))).rejects.toThrow('/articles/no-such-story answered 404');
    warn.mockRestore();
  });
});

describe('the pages an export process writes', () => {
  it('come with a turn of the event loop before each, so that nothing waiting on it (the tasks written into the other processes\' pipes) waits for the last page', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wirefeed-export-turns-'));
    // Pages that need no turn of the event loop to be made, as the export's are since their tags are hashed on this thread.
    const app = new Hono().get('/p/:n', (c) => c.text(`page ${c.req.param('n')}`));
    const paths = Array.from({ length: 10 }, (_, n) => `/p/${n}`);
    const seen: number[] = [];
    let written = 0;
    let looking = true;
    const look = () => {
      if (!looking) return;
      seen.push(written);
      setImmediate(look);
    };
    setImmediate(look);
    try {
      await writeExported(app, out, paths, () => (written += 1));
      expect(readFileSync(join(out, 'p', '9'), 'utf8')).toBe('page 9');
    } finally {
      looking = false;
      rmSync(out, { recursive: true, force: true });
    }
    // A turn came before each page was written, not only once all were.
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: paths.length }, (_, n) => n)));
  });
});
