/**
 * Generated corpora for benchmarks: `node ../shared/tools/gen-corpus.mjs N DIR` (or the vendored
 * copy in bench/ on a fresh clone), made once and reused; same N, same files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Corpus {
  readonly name: string;
  readonly dir: string;
  /** Articles to generate; absent for a folder that already exists (the sample content). */
  readonly generate?: number;
}

export function generator(): string {
  const shared = resolve('../shared/tools/gen-corpus.mjs');
  return existsSync(shared) ? shared : resolve('bench/gen-corpus.mjs');
}

export function generatedCorpus(articles: number, name = `${articles / 1000}k`): Corpus {
  return { name, dir: `bench/corpus/${name}`, generate: articles };
}

/**
 * The corpus a bench's `--only=` names: one of `known` by its name, or any "<n>k" as that many
 * thousand generated articles (`200k`). `undefined` for any other name.
 */
export function namedCorpus(name: string, known: readonly Corpus[] = []): Corpus | undefined {
  const thousands = /^(\d+)k$/.exec(name)?.[1];
  return known.find((corpus) => corpus.name === name) ?? (thousands === undefined ? undefined : generatedCorpus(Number(thousands) * 1000));
}

/** The corpora a bench's command line asks for with `--only=a,b` (see namedCorpus); `undefined` without it. */
export function onlyCorpora(argv: readonly string[], known: readonly Corpus[] = []): Corpus[] | undefined {
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  return only?.map((name) => {
    const corpus = namedCorpus(name, known);
    const choices = known.length > 0 ? `${known.map((k) => k.name).join(', ')} or ` : '';
    if (corpus === undefined) throw new Error(`no corpus named ${name}: name ${choices}a number of thousands such as 200k`);
    return corpus;
  });
}

export function ensureCorpus(corpus: Corpus): void {
  if (corpus.generate === undefined) return;
  const marker = join(corpus.dir, '.complete');
  if (existsSync(marker)) return;
  rmSync(corpus.dir, { recursive: true, force: true });
  execFileSync(process.execPath, [generator(), String(corpus.generate), corpus.dir], { stdio: 'inherit' });
  writeFileSync(marker, '');
}
