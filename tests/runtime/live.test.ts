/**
 * Live updates through the real Node server and its folder watcher: a file added, changed or
 * removed - also in a folder that did not exist at start - reaches the feeds and pages that
 * show it, with no restart. (How fast is measured by `npm run bench`, not here.)
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validArticle } from '../support/fixtures.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';
import { childrenNamed, onlyChild, parseXmlStrict } from '../support/xml.ts';

let server: RunningServer;
let content = '';

beforeAll(async () => {
  content = join(mkdtempSync(join(tmpdir(), 'wirefeed-live-')), 'content');
  cpSync('content', content, { recursive: true });
  server = await startNodeServer({ CONTENT_DIR: content, BASE_URL: 'https://feeds.example' });
});

afterAll(async () => {
  await server?.stop();
  rmSync(join(content, '..'), { recursive: true, force: true });
});

const rssTitles = async (path: string) => {
  const response = await fetch(`${server.url}${path}`);
  const channel = onlyChild(parseXmlStrict(await response.text()), 'channel');
  return childrenNamed(channel, 'item').map((item) => onlyChild(item, 'title').text);
};
const jsonTitles = async (path: string) => {
  const feed = (await (await fetch(`${server.url}${path}`)).json()) as { items: { title: string }[] };
  return feed.items.map((item) => item.title);
};
const pageStatus = async (slug: string) => (await fetch(`${server.url}/articles/${slug}`)).status;

/** Polls `read` until `ok` holds of what it returns (or 10 s pass), and returns the last value. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((next) => setTimeout(next, 50));
    value = await read();
  }
  return value;
}

describe('live updates', () => {
  const fresh = (code: string, title: string) => validArticle({ code: `"${code}"`, title: `"${title}"`, date: new Date(Date.now() - 60_000).toISOString() });

  it('serves a file added to a watched folder in the feeds of its scopes and on its page', async () => {
    writeFileSync(join(content, '2024', '11', 'live-added.md'), fresh('LIVE-ADDED', 'Added while running'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('Added while running'))).toContain('Added while running');
    expect(await jsonTitles('/category/world/feed.json')).toContain('Added while running');
    expect(await jsonTitles('/category/sports/feed.json')).not.toContain('Added while running');
    expect(await pageStatus('live-added')).toBe(200);
  });

  it('serves the new version of a changed file, and not the old one', async () => {
    const file = join(content, '2024', '11', 'live-changed.md');
    writeFileSync(file, fresh('LIVE-CHANGED', 'First version'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('First version'))).toContain('First version');
    writeFileSync(file, readFileSync(file, 'utf8').replace('First version', 'Second version'));
    const titles = await eventually(() => rssTitles('/en/rss.xml'), (found) => found.includes('Second version'));
    expect(titles).toContain('Second version');
    expect(titles).not.toContain('First version');
    expect(await (await fetch(`${server.url}/articles/live-changed`)).text()).toContain('Second version');
  });

  it('drops a removed file from every feed, and its page answers 404', async () => {
    const file = join(content, '2024', '11', 'live-removed.md');
    writeFileSync(file, fresh('LIVE-REMOVED', 'About to go'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('About to go'))).toContain('About to go');
    rmSync(file);
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => !titles.includes('About to go'))).not.toContain('About to go');
    expect(await jsonTitles('/category/world/feed.json')).not.toContain('About to go');
    expect(await pageStatus('live-removed')).toBe(404);
  });

  it('serves a file in folders made after the start, and later changes in them', async () => {
    const folder = join(content, '2025', '01');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'new-folder.md'), fresh('LIVE-FOLDER', 'In a new folder'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('In a new folder'))).toContain('In a new folder');
    // The new folders are watched now: a second file there arrives as a change of its own.
    writeFileSync(join(folder, 'new-folder-2.md'), fresh('LIVE-FOLDER-2', 'Second in the new folder'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('Second in the new folder'))).toContain('Second in the new folder');
  });

  it('serves no file through a symbolic link added while running, as a listing skips links', async () => {
    const outside = join(content, '..', 'outside.md');
    writeFileSync(outside, fresh('LIVE-OUTSIDE', 'From outside the content folder'));
    symlinkSync(outside, join(content, '2024', '11', 'linked.md'));
    // Something after it, to know the link's change has been applied.
    writeFileSync(join(content, '2024', '11', 'after-link.md'), fresh('LIVE-AFTER-LINK', 'Written after the link'));
    const titles = await eventually(() => rssTitles('/rss.xml'), (found) => found.includes('Written after the link'));
    expect(titles).toContain('Written after the link');
    expect(titles).not.toContain('From outside the content folder');
    expect(await pageStatus('linked')).toBe(404);
  });

  it('drops the articles of a folder moved out of the content folder, and watches the folder put back in its place', async () => {
    const folder = join(content, '2025', '02');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'moved.md'), fresh('LIVE-MOVED', 'In a folder moved away'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('In a folder moved away'))).toContain('In a folder moved away');
    // No file in it is named by its watcher: only the folder, by its parent's.
    renameSync(folder, join(content, '..', 'moved-away'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => !titles.includes('In a folder moved away'))).not.toContain('In a folder moved away');
    expect(await pageStatus('moved')).toBe(404);
    // A new folder of the same name is watched, not taken for the one that went.
    mkdirSync(folder);
    writeFileSync(join(folder, 'first-back.md'), fresh('LIVE-BACK-1', 'First in the folder put back'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('First in the folder put back'))).toContain('First in the folder put back');
    writeFileSync(join(folder, 'second-back.md'), fresh('LIVE-BACK-2', 'Second in the folder put back'));
    expect(await eventually(() => rssTitles('/rss.xml'), (titles) => titles.includes('Second in the folder put back'))).toContain('Second in the folder put back');
  });
});

describe('a deploy that swaps the link to the content folder', () => {
  let linked: RunningServer | undefined;
  let deploys = '';
  afterAll(async () => {
    await linked?.stop();
    rmSync(deploys, { recursive: true, force: true });
  });

  it('serves the release the link leads to now, and the changes made in it', async () => {
    deploys = mkdtempSync(join(tmpdir(), 'wirefeed-deploys-'));
    const [first, second] = [join(deploys, 'release-1'), join(deploys, 'release-2')];
    cpSync('content', first, { recursive: true });
    cpSync('content', second, { recursive: true });
    writeFileSync(join(first, '2024', '11', 'only-first.md'), validArticle({ code: '"ONLY-FIRST"', title: '"Only in the first release"' }));
    writeFileSync(join(second, '2024', '11', 'only-second.md'), validArticle({ code: '"ONLY-SECOND"', title: '"Only in the second release"' }));
    const current = join(deploys, 'current');
    symlinkSync(first, current);
    linked = await startNodeServer({ CONTENT_DIR: current, BASE_URL: 'https://feeds.example' });
    const titles = async () => {
      const channel = onlyChild(parseXmlStrict(await (await fetch(`${linked?.url}/rss.xml`)).text()), 'channel');
      return childrenNamed(channel, 'item').map((item) => onlyChild(item, 'title').text);
    };
    expect(await titles()).toContain('Only in the first release');
    // As Capistrano and its kin switch releases: a new link renamed over the old one.
    symlinkSync(second, join(deploys, 'next'));
    renameSync(join(deploys, 'next'), current);
    const after = await eventually(titles, (found) => found.includes('Only in the second release'));
    expect(after).toContain('Only in the second release');
    expect(after).not.toContain('Only in the first release');
    writeFileSync(join(second, '2024', '11', 'after-deploy.md'), validArticle({ code: '"AFTER-DEPLOY"', title: '"Written after the deploy"' }));
    expect(await eventually(titles, (found) => found.includes('Written after the deploy'))).toContain('Written after the deploy');
  });
});
