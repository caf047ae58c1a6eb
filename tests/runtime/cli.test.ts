/**
 * The `wirefeed` command as a user runs it: through the `bin` entry of package.json (the file
 * `npx wirefeed` runs), with its help, version and mistakes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATOR } from '../../src/feeds/feed.ts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: Record<string, string> };
// Vite puts BASE_URL=/ into the test process's environment; the command must not inherit it.
const { BASE_URL: _vite, ...env } = process.env;

function wirefeed(...args: string[]) {
  const result = spawnSync(process.execPath, [pkg.bin.wirefeed!, ...args], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the wirefeed command', () => {
  it('is the bin entry of the package', () => {
    expect(pkg.bin).toEqual({ wirefeed: 'bin/wirefeed.mjs' });
    expect(readFileSync(pkg.bin.wirefeed!, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the package version, which is also the generator version in every feed', () => {
    const { status, stdout } = wirefeed('--version');
    expect(status).toBe(0);
    expect(stdout).toBe(`${pkg.version}\n`);
    expect(GENERATOR.version).toBe(pkg.version);
  });

  it('lists its commands and examples in --help', () => {
    const { status, stdout } = wirefeed('--help');
    expect(status).toBe(0);
    for (const command of ['serve [options]', 'build [options]', 'check [options]', 'index [options]']) expect(stdout).toContain(command);
    expect(stdout).toContain('wirefeed build --out public --base-url https://news.example');
  });

  it.each([
    ['serve', ['--content <dir>', '--port <n>', '--base-url <url>', '--config <file>', '--quiet']],
    ['build', ['--out <dir>', '--content <dir>', '--base-url <url>', '--config <file>', '--jobs <n>', '--quiet']],
    ['check', ['--content <dir>', '--config <file>', '--json']],
    ['index', ['--content <dir>', '--port <n>', '--base-url <url>', '--config <file>', '--quiet']],
  ])('documents the options of %s', (command, options) => {
    const { status, stdout } = wirefeed(command, '--help');
    expect(status).toBe(0);
    for (const option of options) expect(stdout).toContain(option);
  });

  it('bundles no front-matter engine that runs code, and still refuses code front matter', () => {
    // Runs the bundle (bin/wirefeed.mjs makes it first when it is out of date).
    const { status, stdout } = wirefeed('check', '--content', 'tests/fixtures/hostile', '--json');
    expect(status).toBe(1);
    const { problems } = JSON.parse(stdout) as { problems: { path: string; severity: string; message: string }[] };
    for (const language of ['js', 'javascript', 'coffee']) {
      expect(problems).toContainEqual(expect.objectContaining({ path: `front-matter-${language}.md`, severity: 'error', message: expect.stringContaining(`"${language}" is not accepted`) }));
    }
    // gray-matter's own engines (js-yaml 3, which loads esprima for !!js/function, and an eval
    // engine for JavaScript front matter) are replaced by an empty module in the bundle.
    const sources = (JSON.parse(readFileSync('dist/node.mjs.map', 'utf8')) as { sources: string[] }).sources;
    expect(sources.filter((source) => source.includes('gray-matter/node_modules/js-yaml/'))).toEqual([]);
    const bundle = readFileSync('dist/node.mjs', 'utf8');
    expect(bundle).not.toContain('esprima');
    expect(bundle).not.toMatch(/\beval\(/);
  });

  it('names an unknown command instead of starting the server', () => {
    const { status, stderr } = wirefeed('biuld', '--out', 'x');
    expect(status).toBe(1);
    expect(stderr).toBe('wirefeed: unknown command "biuld" (commands: serve, build, check, index; run wirefeed --help for usage)\n');
  });

  it('names a missing required option', () => {
    const { status, stderr } = wirefeed('build');
    expect(status).toBe(1);
    expect(stderr).toContain("error: required option '-o, --out <dir>' not specified");
  });

  it.each([
    [['serve', '--port', 'http'], 'wirefeed: --port must be a number from 0 to 65535, not "http"\n'],
    [['serve', '--poll', '50'], 'wirefeed: --poll must be a whole number of milliseconds from 100 to 3600000, not "50"\n'],
    [['build', '--out', 'x', '--base-url', 'news.example'], 'wirefeed: --base-url: "news.example" is not an absolute URL\n'],
    [['build', '--out', 'x', '--jobs', '0'], 'wirefeed: --jobs must be a whole number of processes from 1 to 64, not "0"\n'],
    [['build', '--out', 'x', '--jobs', 'all'], 'wirefeed: --jobs must be a whole number of processes from 1 to 64, not "all"\n'],
    [['check', '--content', 'no-such-folder'], `wirefeed: content folder ${join(process.cwd(), 'no-such-folder')} does not exist\n`],
  ])('stops on a bad flag (%j) with status 2, naming it', (args, message) => {
    const { status, stderr } = wirefeed(...args);
    expect(status).toBe(2);
    expect(stderr).toBe(message);
  });

  it('never empties a folder that is not its own: the working folder, the content, a folder of other files', () => {
    const other = mkdtempSync(join(tmpdir(), 'wirefeed-cli-'));
    writeFileSync(join(other, 'thesis.tex'), 'years of work');
    try {
      for (const [out, message] of [
        ['.', `wirefeed: --out ${process.cwd()} holds the working folder; choose a folder of its own\n`],
        ['content', `wirefeed: --out ${join(process.cwd(), 'content')} overlaps the content folder ${join(process.cwd(), 'content')}; choose a folder of its own\n`],
        [other, `wirefeed: --out ${other} is not empty and holds no earlier wirefeed export; choose an empty or new folder\n`],
      ] as const) {
        const { status, stderr } = wirefeed('build', '--out', out, '--base-url', 'https://news.example', '--quiet');
        expect(status, out).toBe(2);
        expect(stderr).toBe(message);
      }
      expect(readFileSync(join(other, 'thesis.tex'), 'utf8')).toBe('years of work');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('replaces an earlier export in the same folder, keeping the pages whose files are unchanged unless told --full', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wirefeed-cli-')), 'public');
    try {
      expect(wirefeed('build', '--out', out, '--base-url', 'https://news.example', '--quiet').status).toBe(0);
      writeFileSync(join(out, 'articles', 'stale.html'), 'an article deleted since');
      const again = wirefeed('build', '--out', out, '--base-url', 'https://news.example', '--quiet');
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(/, 17 article pages kept from the last export: their files are unchanged\), links to/);
      expect(existsSync(join(out, 'articles', 'stale.html'))).toBe(false);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      const full = wirefeed('build', '--out', out, '--base-url', 'https://news.example', '--quiet', '--full');
      expect(full.status).toBe(0);
      expect(full.stdout).not.toContain('kept');
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });

  it('warns when an export would link to localhost', () => {
    const out = mkdtempSync(join(tmpdir(), 'wirefeed-cli-'));
    try {
      const { status, stdout, stderr } = wirefeed('build', '--out', out, '--quiet');
      expect(status).toBe(0);
      expect(stderr).toContain('wirefeed build: links point to http://localhost:8787/; pass --base-url');
      expect(stdout).toMatch(/^wirefeed build: 78 files for 17 articles in /);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
