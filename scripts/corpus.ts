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

export function ensureCorpus(corpus: Corpus): void {
  if (corpus.generate === undefined) return;
  const marker = join(corpus.dir, '.complete');
  if (existsSync(marker)) return;
  rmSync(corpus.dir, { recursive: true, force: true });
  execFileSync(process.execPath, [generator(), String(corpus.generate), corpus.dir], { stdio: 'inherit' });
  writeFileSync(marker, '');
}
