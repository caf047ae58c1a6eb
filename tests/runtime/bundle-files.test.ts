/**
 * Hugo's page bundles on the real server, in a static export and in the built Worker (workerd):
 * the images beside a bundle's `index.md` are served under its page (`/articles/storm/photo.jpg`),
 * where its relative links now lead, and nothing else in the folder is: no hidden file, no link,
 * no file of another type.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BUNDLE_FILE_BYTES } from '../../src/articles/bundle.ts';
import { validArticle } from '../support/fixtures.ts';
import { rawRequest } from '../support/http-client.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';
import { startWorker, type RunningWorker } from '../support/worker.ts';

const run = promisify(execFile);
const BASE = 'https://news.example';

describe('the files beside a page bundle', () => {
  let root = '';
  let content = '';
  let server: RunningServer;
  let worker: RunningWorker;
  const photo = randomBytes(3000);
  const map = randomBytes(500);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'wirefeed-bundle-'));
    content = join(root, 'content');
    const storm = join(content, '2024', 'storm');
    mkdirSync(join(storm, 'images'), { recursive: true });
    mkdirSync(join(content, '2024', 'later'), { recursive: true });
    mkdirSync(join(root, 'outside'));
    writeFileSync(
      join(storm, 'index.md'),
      validArticle({ code: '"STORM"', image: 'cover.jpg', date: '2024-11-20T10:00:00Z' }, '![a photo](photo.jpg) ![map](images/map.png) [calm](../calm/)\n'),
    );
    writeFileSync(join(content, '2024', 'calm.md'), validArticle({ code: '"CALM"' }));
    writeFileSync(join(content, '2024', 'photo.jpg'), photo); // beside an article of its own file: not a bundle's
    writeFileSync(join(content, '2024', 'later', 'index.md'), validArticle({ code: '"LATER"', date: '2099-01-01T00:00:00Z' }));
    writeFileSync(join(content, '2024', 'later', 'p.jpg'), photo);
    writeFileSync(join(storm, 'photo.jpg'), photo);
    writeFileSync(join(storm, 'cover.jpg'), photo);
    writeFileSync(join(storm, 'images', 'map.png'), map);
    writeFileSync(join(storm, '.hidden.jpg'), photo);
    writeFileSync(join(storm, 'drawing.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    writeFileSync(join(storm, 'page.html'), '<script>alert(1)</script>');
    writeFileSync(join(storm, 'huge.jpg'), '');
    truncateSync(join(storm, 'huge.jpg'), MAX_BUNDLE_FILE_BYTES + 1);
    // A slug that is also a name every plain object has.
    mkdirSync(join(content, '2024', 'constructor'));
    writeFileSync(join(content, '2024', 'constructor', 'index.md'), validArticle({ code: '"CTOR"' }));
    writeFileSync(join(content, '2024', 'constructor', 'pic.png'), map);
    writeFileSync(join(root, 'outside', 'secret.jpg'), randomBytes(100));
    symlinkSync(join(root, 'outside', 'secret.jpg'), join(storm, 'link.jpg'));
    symlinkSync(join(root, 'outside'), join(storm, 'linked'));
    [server, worker] = await Promise.all([startNodeServer({ CONTENT_DIR: content, BASE_URL: BASE, QUIET: '1' }), startWorker({ contentDir: content, baseUrl: BASE })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), worker?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => rawRequest(`${server.url}${path}`, { headers });

  it("resolves a bundle's relative links and image against its folder, and serves what they lead to", async () => {
    const feed = JSON.parse((await get('/feed.json')).body.toString('utf8')) as { items: { url: string; image?: string; content_html: string }[] };
    const item = feed.items.find((entry) => entry.url === `${BASE}/articles/storm`)!;
    expect(item.image).toBe(`${BASE}/articles/storm/cover.jpg`);
    const sources = [...item.content_html.matchAll(/src="([^"]+)"/g)].map((match) => match[1]);
    expect(sources).toEqual([`${BASE}/articles/storm/photo.jpg`, `${BASE}/articles/storm/images/map.png`]);
    // A sibling bundle's link (`../calm/`) leads to its page, through the trailing-slash redirect.
    expect(item.content_html).toContain(`href="${BASE}/articles/calm/"`);
    for (const [url, bytes, type] of [
      [sources[0]!, photo, 'image/jpeg'],
      [sources[1]!, map, 'image/png'],
      [item.image!, photo, 'image/jpeg'],
    ] as const) {
      const response = await get(url.slice(BASE.length));
      expect(response.status, url).toBe(200);
      expect(response.headers['content-type']).toBe(type);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.body.equals(bytes), url).toBe(true);
    }
  });

  it('answers a conditional request for an unchanged file with 304, and HEAD with no body', async () => {
    const first = await get('/articles/storm/photo.jpg');
    expect((await get('/articles/storm/photo.jpg', { 'If-None-Match': first.headers.etag! })).status).toBe(304);
    expect((await get('/articles/storm/photo.jpg', { 'If-Modified-Since': first.headers['last-modified']! })).status).toBe(304);
    const head = await rawRequest(`${server.url}/articles/storm/photo.jpg`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it.each([
    ['a hidden file', '/articles/storm/.hidden.jpg'],
    ['a link to a file outside', '/articles/storm/link.jpg'],
    ['a file in a linked folder', '/articles/storm/linked/secret.jpg'],
    ['an SVG, which can run script', '/articles/storm/drawing.svg'],
    ['an HTML file', '/articles/storm/page.html'],
    ['the article file itself', '/articles/storm/index.md'],
    ['a file larger than a static host takes', '/articles/storm/huge.jpg'],
    ['a path out of the folder', '/articles/storm/..%2F..%2F2024%2Fphoto.jpg'],
    ['a file that is not there', '/articles/storm/nope.jpg'],
    ["a file beside an article of its own file (no bundle's)", '/articles/calm/photo.jpg'],
    ['a file of a bundle not published yet', '/articles/later/p.jpg'],
  ])('is not served: %s', async (_, path) => {
    const response = await get(path);
    expect(response.status, path).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('serves a file added while it runs, read when asked', async () => {
    const added = randomBytes(200);
    writeFileSync(join(content, '2024', 'storm', 'added.webp'), added);
    const response = await get('/articles/storm/added.webp');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/webp');
    expect(response.body.equals(added)).toBe(true);
    rmSync(join(content, '2024', 'storm', 'added.webp'));
    expect((await get('/articles/storm/added.webp')).status).toBe(404);
  });

  it('is answered by the built Worker exactly as by the Node server, and refused where it is', async () => {
    const compared = ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'x-content-type-options', 'content-security-policy', 'location'];
    expect((await rawRequest(`${worker.url}/articles/constructor/pic.png`)).status).toBe(200);
    const paths = ['/articles/constructor/pic.png', '/articles/constructor/nope.png', '/articles/storm/photo.jpg', '/articles/storm/images/map.png', '/articles/storm/cover.jpg', '/articles/storm/PHOTO.JPG', '/articles/storm/.hidden.jpg', '/articles/storm/link.jpg', '/articles/storm/linked/secret.jpg', '/articles/storm/drawing.svg', '/articles/storm/huge.jpg', '/articles/calm/photo.jpg', '/articles/later/p.jpg'];
    for (const path of paths) {
      const [fromNode, fromWorker] = await Promise.all([get(path), rawRequest(`${worker.url}${path}`)]);
      const view = (response: typeof fromNode) => ({ status: response.status, body: response.body.toString('base64'), ...Object.fromEntries(compared.map((name) => [name, response.headers[name]])) });
      expect(view(fromWorker), path).toEqual(view(fromNode));
    }
    const conditional = await rawRequest(`${worker.url}/articles/storm/photo.jpg`, { headers: { 'If-None-Match': (await get('/articles/storm/photo.jpg')).headers.etag! } });
    expect(conditional.status).toBe(304);
  });

  it('is copied by a static export to where the server serves it, and nothing else with it', async () => {
    const out = join(root, 'site');
    const { BASE_URL: _vite, ...env } = process.env;
    await run(process.execPath, ['--import', 'tsx', 'src/node.ts', 'build', '--content', content, '--out', out, '--base-url', BASE, '--quiet'], { env: { ...env, CACHE_DIR: 'off' } });
    for (const path of ['articles/storm/photo.jpg', 'articles/storm/cover.jpg', 'articles/storm/images/map.png']) {
      const served = await get(`/${path}`);
      expect(readFileSync(join(out, path)).equals(served.body), path).toBe(true);
    }
    for (const path of ['.hidden.jpg', 'link.jpg', 'linked', 'drawing.svg', 'page.html', 'huge.jpg', 'index.md']) {
      expect(existsSync(join(out, 'articles', 'storm', path)), path).toBe(false);
    }
    expect(existsSync(join(out, 'articles', 'later'))).toBe(false);
    expect(existsSync(join(out, 'articles', 'calm'))).toBe(false);
  });
});
