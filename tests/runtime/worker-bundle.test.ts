/**
 * What `wrangler deploy` would upload: built offline with `--dry-run`, then inspected.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareWorker, type PreparedWorker } from '../support/worker.ts';

let prepared: PreparedWorker;
let sources: string[];
let script: string;
/** The Text module wrangler uploads beside the script, which carries the catalog. */
let data: string;

beforeAll(async () => {
  prepared = await prepareWorker({ baseUrl: 'https://feeds.example' });
  const outDir = join(prepared.root, 'dist');
  execFileSync(resolve('node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outDir, '--config', prepared.config], {
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  script = readFileSync(join(outDir, 'worker.js'), 'utf8');
  const dataModule = readdirSync(outDir).find((name) => name.endsWith('.txt'));
  data = dataModule === undefined ? '' : readFileSync(join(outDir, dataModule), 'utf8');
  sources = (JSON.parse(readFileSync(join(outDir, 'worker.js.map'), 'utf8')) as { sources: string[] }).sources;
}, 120_000);

afterAll(() => rmSync(prepared.root, { recursive: true, force: true }));

describe('the Worker bundle', () => {
  it.each(['markdown-it', 'sanitize-html', 'gray-matter', 'js-yaml', 'htmlparser2', 'postcss'])('leaves %s out', (name) => {
    expect(sources.filter((source) => source.includes(`node_modules/${name}/`))).toEqual([]);
  });

  it('leaves the Node host and the file system source out', () => {
    expect(sources.filter((source) => /src\/(node|node\/|sources\/fs)/.test(source))).toEqual([]);
  });

  it('carries the compiled catalog in a Text module beside the script, and stays small for the sample content', () => {
    expect(JSON.parse(data).catalog.ids).toContain('ART24112010122JGQ5U');
    expect(script).not.toContain('ART24112010122JGQ5U');
    expect(script.length + data.length).toBeLessThan(512 * 1024);
  });

  it('carries the catalog as ASCII, one byte a character in the isolate, the Thai text escaped', () => {
    expect(data).toMatch(/^[\x00-\x7f]*$/);
    expect(JSON.parse(data).site.languages.th.name).toBe('ไทย');
  });
});
