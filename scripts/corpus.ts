/**
 * Generated corpora for benchmarks: `node ../shared/tools/gen-corpus.mjs N DIR` (or the vendored
 * copy in bench/ on a fresh clone), made once and reused; same N, same files. A `<n>k-bundles`
 * corpus has the same articles as Hugo's page bundles: `2024/05/my-story/index.md`, a folder
 * per article.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Corpus {
  readonly name: string;
  readonly dir: string;
  /** Articles to generate; absent for a folder that already exists (the sample content). */
  readonly generate?: number;
  /** `bundles`: each article in a folder of its own, as `index.md` (Hugo's page bundles); else gen-corpus's folders by year and month. */
  readonly layout?: 'bundles';
}

export function generator(): string {
  const shared = resolve('../shared/tools/gen-corpus.mjs');
  return existsSync(shared) ? shared : resolve('bench/gen-corpus.mjs');
}

export function generatedCorpus(articles: number, name = `${articles / 1000}k`, layout?: 'bundles'): Corpus {
  return { name, dir: `bench/corpus/${name}`, generate: articles, ...(layout ? { layout } : {}) };
}

/**
 * The corpus a bench's `--only=` names: one of `known` by its name, or any "<n>k" as that many
 * thousand generated articles (`200k`), as page bundles with "<n>k-bundles". `undefined` for any
 * other name.
 */
export function namedCorpus(name: string, known: readonly Corpus[] = []): Corpus | undefined {
  const generated = /^(\d+)k(-bundles)?$/.exec(name);
  return known.find((corpus) => corpus.name === name) ?? (generated === null ? undefined : generatedCorpus(Number(generated[1]) * 1000, name, generated[2] ? 'bundles' : undefined));
}

/** The corpora a bench's command line asks for with `--only=a,b` (see namedCorpus); `undefined` without it. */
export function onlyCorpora(argv: readonly string[], known: readonly Corpus[] = []): Corpus[] | undefined {
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  return only?.map((name) => {
    const corpus = namedCorpus(name, known);
    const choices = known.length > 0 ? `${known.map((k) => k.name).join(', ')} or ` : '';
    if (corpus === undefined) throw new Error(`no corpus named ${name}: name ${choices}a number of thousands such as 200k, or 200k-bundles`);
    return corpus;
  });
}

export function ensureCorpus(corpus: Corpus): void {
  if (corpus.generate === undefined) return;
  const marker = join(corpus.dir, '.complete');
  if (existsSync(marker)) return;
  rmSync(corpus.dir, { recursive: true, force: true });
  execFileSync(process.execPath, [generator(), String(corpus.generate), corpus.dir], { stdio: 'inherit' });
  if (corpus.layout === 'bundles') intoBundles(corpus.dir);
  writeFileSync(marker, '');
}

/** Moves every article file of `dir` into a folder of its own named after it, as `index.md`. */
function intoBundles(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
    const folder = join(entry.parentPath, entry.name.slice(0, -'.md'.length));
    mkdirSync(folder);
    renameSync(join(entry.parentPath, entry.name), join(folder, 'index.md'));
  }
}
