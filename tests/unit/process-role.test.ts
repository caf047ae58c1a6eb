import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultIndexPath } from '../../src/node/index-cache.ts';
import { keptContentPath } from '../../src/node/kept-content.ts';
import { INDEX_FILE_NAME, isTaskProcess, mayRestart, startsFromIndex, TASK_VARIABLE, taskEnvironment } from '../../src/node/process-role.ts';
import { testSite } from '../support/fixtures.ts';

describe('telling from the arguments, before they are parsed, whether a process will start from the index', () => {
  it.each([[[]], [['serve']], [['--port', '3000']], [['-q']], [['serve', '--content', 'news']], [['-c', 'content', 'serve']], [['index', '--base-url', 'https://news.example']]])('does with %j', (args) => {
    expect(startsFromIndex(args)).toBe(true);
  });

  it.each([[['build', '--out', 'site']], [['check', '--json']], [['help']], [['--help']], [['serve', '-h']], [['--version']], [['-V']]])('does not with %j', (args) => {
    expect(startsFromIndex(args)).toBe(false);
  });
});

describe('telling from the cache folder, before the command line is parsed, whether a server may be restarting', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('may be when the cache folder holds an index, of whatever content folder', () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-role-'));
    const index = defaultIndexPath(dir, 'some/content', testSite());
    expect(mayRestart({ CACHE_DIR: dir })).toBe(false);
    // The HTML kept beside an index, or a write left half-done, is no index.
    writeFileSync(keptContentPath(index), '{}');
    writeFileSync(`${index}.123.tmp`, '{}');
    expect(mayRestart({ CACHE_DIR: dir })).toBe(false);
    writeFileSync(index, '{}');
    expect(INDEX_FILE_NAME.test(basename(index))).toBe(true);
    expect(mayRestart({ CACHE_DIR: dir })).toBe(true);
  });

  it('is not with the cache off, or no cache folder yet', () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-role-'));
    expect(mayRestart({ CACHE_DIR: 'off' })).toBe(false);
    expect(mayRestart({ CACHE_DIR: join(dir, 'not-yet') })).toBe(false);
  });
});

describe('a process started for a task', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is told its task in its environment, which has no NODE_EXTRA_CA_CERTS', () => {
    vi.stubEnv('NODE_EXTRA_CA_CERTS', '/etc/ssl/certs/ca-certificates.crt');
    const environment = taskEnvironment('export');
    expect(environment[TASK_VARIABLE]).toBe('export');
    expect('NODE_EXTRA_CA_CERTS' in environment).toBe(false);
    expect(environment.PATH).toBe(process.env.PATH);
  });

  it.each([
    ['index', { any: true, index: true, export: false }],
    ['export', { any: true, index: false, export: true }],
    ['1', { any: false, index: false, export: false }],
    [undefined, { any: false, index: false, export: false }],
  ] as const)('knows it from the variable %j', (value, expected) => {
    vi.stubEnv(TASK_VARIABLE, value);
    expect({ any: isTaskProcess(), index: isTaskProcess('index'), export: isTaskProcess('export') }).toEqual(expected);
  });
});
