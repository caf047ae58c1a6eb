import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileIndexCache, defaultIndexPath, forgetOtherConfigurations, indexFingerprint, indexSettings, otherIndexes, settingsThatDiffer } from '../../src/node/index-cache.ts';
import { describeStart } from '../../src/node/prepare.ts';
import { keptContentPath } from '../../src/node/kept-content.ts';
import { INDEX_FILE_NAME } from '../../src/node/process-role.ts';
import { testSite } from '../support/fixtures.ts';

describe('where a server keeps the index of a content folder', () => {
  it('has one place per folder and configuration, whatever the configuration holds that the index does not depend on', () => {
    const site = testSite();
    const path = defaultIndexPath('/cache', 'news', site);
    expect(INDEX_FILE_NAME.test(basename(path))).toBe(true);
    expect(path.startsWith('/cache/index-')).toBe(true);
    expect(defaultIndexPath('/cache', 'news', testSite())).toBe(path);
    // the same folder, however it is named
    expect(defaultIndexPath('/cache', `${process.cwd()}/news`, site)).toBe(path);
    // the title is in no index entry; feed sizes neither
    expect(defaultIndexPath('/cache', 'news', testSite({ title: 'Another title', feedSize: 10 }))).toBe(path);
  });

  it('is another one for another base URL or time zone, beside it (the same folder part), and another for another folder', () => {
    const site = testSite();
    const path = basename(defaultIndexPath('/cache', 'news', site));
    const folderPart = path.slice(0, 'index-'.length + 16);
    for (const other of [testSite({}, 'https://staging.example'), testSite({ timeZone: 'Asia/Bangkok' }), testSite({ summaryLength: 90 })]) {
      const otherPath = basename(defaultIndexPath('/cache', 'news', other));
      expect(otherPath).not.toBe(path);
      expect(otherPath.startsWith(folderPart)).toBe(true);
    }
    expect(basename(defaultIndexPath('/cache', 'archive', site)).startsWith(folderPart)).toBe(false);
  });

  it("is another one for another build, beside it, so that the server being replaced never writes over what wirefeed index prepared for the next", () => {
    const site = testSite();
    const ours = basename(defaultIndexPath('/cache', 'news', site, 'build-a'));
    const next = basename(defaultIndexPath('/cache', 'news', site, 'build-b'));
    expect(next).not.toBe(ours);
    // the same folder and configuration parts
    expect(next.slice(0, -'12345678.json'.length)).toBe(ours.slice(0, -'12345678.json'.length));
    expect(basename(defaultIndexPath('/cache', 'news', site))).toMatch(INDEX_FILE_NAME);
  });
});

describe("what a start that found no index of its own says the cache holds", () => {
  const site = testSite();
  const own = basename(defaultIndexPath('/cache', 'news', site, 'build b'));
  const of = (baseUrl: string, build: string) => basename(defaultIndexPath('/cache', 'news', testSite({}, baseUrl), build));

  it('names another build first, as a new build that was not prepared meets it; then another configuration', () => {
    expect(otherIndexes(own, [])).toBeUndefined();
    expect(otherIndexes(own, [of('https://staging.example', 'build b'), of(site.baseUrl, 'build a')])).toBe('another build');
    expect(otherIndexes(own, [of('https://staging.example', 'build b')])).toBe('another configuration');
    expect(otherIndexes(own, [of('https://staging.example', 'build a')])).toBe('other configurations and builds');
  });

  it('names the settings in which the newest index of another configuration differs, as its header keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-others-'));
    try {
      const ours = defaultIndexPath(dir, 'news', site, 'build b');
      const write = async (other: ReturnType<typeof testSite>, at: number) => {
        const file = defaultIndexPath(dir, 'news', other, 'build b');
        const cache = createFileIndexCache({ file, fingerprint: indexFingerprint(other, 'build b'), settings: indexSettings(other) });
        await cache.save([]);
        await cache.flush();
        utimesSync(file, at, at);
        return basename(file);
      };
      const staging = await write(testSite({}, 'https://staging.example'), 1000);
      const bangkok = await write(testSite({ timeZone: 'Asia/Bangkok', categories: { world: { name: 'World' } } }), 2000);
      // Newest first, as forgetOtherConfigurations gives them.
      expect(otherIndexes(ours, [bangkok, staging], indexSettings(site))).toBe('another configuration, where timeZone is "Asia/Bangkok", not "UTC" and categories differ');
      expect(otherIndexes(ours, [staging, bangkok], indexSettings(site))).toBe(`another configuration, where baseUrl is "https://staging.example", not "${site.baseUrl}"`);
      // An index written before its header kept the settings, or without our settings to compare: the configuration alone.
      writeFileSync(join(dir, staging), '{"format":1}\n');
      expect(otherIndexes(ours, [staging], indexSettings(site))).toBe('another configuration');
      expect(otherIndexes(ours, [bangkok])).toBe('another configuration');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells settings apart by value, and tables of them as a whole', () => {
    const ours = indexSettings(site);
    expect(settingsThatDiffer(ours, ours)).toEqual([]);
    expect(settingsThatDiffer(indexSettings(testSite({ summaryLength: 90, authors: { jdoe: { name: 'Jane Doe' } } })), ours)).toEqual(['authors differ', 'summaryLength is 90, not 300']);
    expect(settingsThatDiffer({}, ours)).toContain('timeZone is not set, not "UTC"');
  });

  it('says it in the start-up line, only when every file was read for want of an index', () => {
    const firstStart = { fromIndex: false, read: 17, gone: 0 };
    expect(describeStart(firstStart, '/cache', 'another configuration')).toBe('every file read, no usable index: the cache holds one of another configuration');
    expect(describeStart(firstStart, '/cache', undefined)).toBe('every file read, no usable index');
    expect(describeStart(firstStart, 'off', undefined)).toBe('every file read, CACHE_DIR is off');
    expect(describeStart({ fromIndex: true, read: 1, gone: 2 }, '/cache', 'another build')).toBe('from the index, 1 file read, 2 files gone');
  });
});

describe('forgetting the indexes of a folder served with other configurations', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** An index (and the HTML kept beside it) of `folder` read with base URL `n`, last used `at` seconds after the epoch. */
  const writeIndex = (n: number, at: number, folder = 'news') => {
    const file = defaultIndexPath(dir, folder, testSite({}, `https://site-${n}.example`));
    writeFileSync(file, '{}');
    writeFileSync(keptContentPath(file), '{}');
    utimesSync(file, at, at);
    return basename(file);
  };

  it('keeps the one in use and the three others last used, with their HTML, and removes the rest, and any named the old ways, with every file named after them', () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-forget-'));
    // in use, and the least recently used of all: still kept
    const inUse = writeIndex(0, 1_000);
    const others = [1, 2, 3, 4, 5].map((n) => writeIndex(n, 2_000 + n));
    // another build's, of the configuration in use: one of the others, the most recently used
    const file = defaultIndexPath(dir, 'news', testSite({}, 'https://site-0.example'), 'another build');
    writeFileSync(file, '{}');
    utimesSync(file, 3_000, 3_000);
    others.push(basename(file));
    const halfDone = `${others[0]}.4242.tmp`;
    writeFileSync(join(dir, halfDone), '');
    const anotherFolder = writeIndex(9, 1_500, 'archive');
    // named by the folder alone, or by folder and configuration, as earlier versions named them: never read again
    const oldNames = [`${inUse.slice(0, 'index-'.length + 16)}.json`, `${inUse.slice(0, -'-12345678.json'.length)}.json`];
    for (const oldName of oldNames) for (const name of [oldName, basename(keptContentPath(oldName))]) writeFileSync(join(dir, name), '{}');
    const unrelated = 'notes.txt';
    writeFileSync(join(dir, unrelated), '');

    const told = forgetOtherConfigurations(join(dir, inUse));

    const kept = [inUse, ...others.slice(3), anotherFolder];
    // the others kept, most recently used first
    expect(told).toEqual(others.slice(3).reverse());
    const withHtml = kept.flatMap((name) => (name === basename(file) ? [name] : [name, basename(keptContentPath(name))]));
    expect(readdirSync(dir).sort()).toEqual([...withHtml, unrelated].sort());
  });

  it('skips whatever it cannot remove (a read-only cache, files of another user), and removes the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-forget-'));
    const inUse = writeIndex(0, 1_000);
    // named the old way, but a folder with a file in it: removing it fails
    const stuck = `${inUse.slice(0, 'index-'.length + 16)}.json`;
    mkdirSync(join(dir, stuck));
    writeFileSync(join(dir, stuck, 'x'), '');
    const others = [1, 2, 3, 4].map((n) => writeIndex(n, 2_000 + n));
    expect(() => forgetOtherConfigurations(join(dir, inUse))).not.toThrow();
    expect(existsSync(join(dir, stuck))).toBe(true);
    expect(existsSync(join(dir, others[0]!))).toBe(false);
    expect(others.slice(1).every((name) => existsSync(join(dir, name)))).toBe(true);
  });

  it('removes nothing while a folder has few configurations, nor when the file is not one of the default names', () => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-forget-'));
    const names = [0, 1, 2, 3].map((n) => writeIndex(n, 1_000 + n));
    forgetOtherConfigurations(join(dir, names[0]!));
    expect(names.every((name) => existsSync(join(dir, name)))).toBe(true);
    forgetOtherConfigurations(join(dir, 'index.json'), 0);
    expect(names.every((name) => existsSync(join(dir, name)))).toBe(true);
    // no cache folder yet
    expect(() => forgetOtherConfigurations(join(dir, 'not-yet', names[0]!))).not.toThrow();
  });
});
