/**
 * The static export against the real server: `wirefeed build --out DIR` run as a user runs it,
 * then every exported file compared byte for byte with what `wirefeed serve` answers for the
 * same URL over HTTP, the `_headers` file compared with the headers the server sends, and each
 * rule of the `_redirects` file with where the server leads the same URL.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtmlDocument } from '../support/html.ts';
import { rawRequest } from '../support/http-client.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';
import { descendants, parseXmlStrict } from '../support/xml.ts';

const run = promisify(execFile);
const BASE = 'https://news.example';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** The URL path a static host serves an exported file at. */
function urlPathOf(file: string): string {
  if (file === 'index.html') return '/';
  return `/${file.startsWith('articles/') ? file.replace(/\.html$/, '') : file}`;
}

/** The types static hosts (Cloudflare, Netlify) give the files no rule in `_headers` types, by their extension. */
const HOST_TYPES: Readonly<Record<string, string>> = { '.html': 'text/html; charset=utf-8', '.jpg': 'image/jpeg' };

function typedByExtension(file: string): string | undefined {
  return HOST_TYPES[file.slice(file.lastIndexOf('.'))];
}

/** `_headers` (Netlify / Cloudflare Pages syntax): the headers a URL path gets, later rules adding to earlier ones. */
function headersFor(rulesFile: string, path: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let applies = false;
  for (const line of rulesFile.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      const pattern = new RegExp(`^${line.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      applies = pattern.test(path);
      continue;
    }
    if (!applies) continue;
    const separator = line.indexOf(':');
    headers[line.slice(0, separator).trim().toLowerCase()] = line.slice(separator + 1).trim();
  }
  return headers;
}

describe('wirefeed build --out DIR', () => {
  let out: string;
  let server: RunningServer;
  let files: string[];
  let summary: string;

  beforeAll(async () => {
    out = join(mkdtempSync(join(tmpdir(), 'wirefeed-export-')), 'site');
    const { BASE_URL: _vite, ...env } = process.env;
    const [built, started] = await Promise.all([
      run(process.execPath, ['--import', 'tsx', 'src/node.ts', 'build', '--out', out, '--base-url', BASE], { env }),
      startNodeServer({ BASE_URL: BASE, QUIET: '1', CACHE_DIR: 'off' }),
    ]);
    summary = built.stdout;
    server = started;
    files = listFiles(out);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(join(out, '..'), { recursive: true, force: true });
  });

  it('says what it wrote and where the links point', () => {
    expect(summary).toMatch(new RegExp(`wirefeed build: ${files.length - 2} files for 17 articles in .*site \\(\\d+ ms\\), links to https://news.example/`));
  });

  it('writes the index, the OPML file, every listed feed in three formats and every article page', () => {
    expect(files).toContain('index.html');
    expect(files).toContain('feeds.opml');
    expect(files).toContain('copy-link.js');
    expect(files).toContain('_headers');
    expect(files).toContain('_redirects');
    expect(files.filter((file) => file.startsWith('articles/') && file.endsWith('.html'))).toHaveLength(17);
    // The one page bundle of the sample content, and the photo beside it.
    expect(files.filter((file) => file.startsWith('articles/') && !file.endsWith('.html'))).toEqual(['articles/startup-air-sensors/images/sensor-detail.jpg']);
    // 18 scopes (site, 5 categories, 2 languages, 10 category × language) × 3 formats.
    expect(files.filter((file) => /(rss\.xml|atom\.xml|feed\.json)$/.test(file))).toHaveLength(54);
  });

  it('exports every feed the OPML file lists and every page the index links to', () => {
    const opml = parseXmlStrict(readFileSync(join(out, 'feeds.opml'), 'utf8'));
    const listed = descendants(opml).flatMap((element) => (element.attributes.xmlUrl ? [element.attributes.xmlUrl] : []));
    const index = parseHtmlDocument(readFileSync(join(out, 'index.html'), 'utf8'));
    const linked = index.elements.filter((element) => element.tag === 'a' && element.attributes.href?.startsWith(BASE)).map((element) => element.attributes.href!);
    const exported = new Set(files.map((file) => `${BASE}${urlPathOf(file)}`));
    expect(listed.length).toBe(54);
    for (const url of [...listed, ...linked]) expect(exported, url).toContain(url);
  });

  it('writes the exact bytes the server answers for the same URL', async () => {
    for (const file of files.filter((name) => !name.startsWith('_'))) {
      const response = await rawRequest(`${server.url}${urlPathOf(file)}`, { headers: { 'accept-encoding': 'identity' } });
      expect(response.status, file).toBe(200);
      expect(readFileSync(join(out, file)).equals(response.body), `${file} differs from GET ${urlPathOf(file)}`).toBe(true);
    }
  });

  it('gives every file, in _headers, the content type, cache rule and security headers the server sends', async () => {
    const rules = readFileSync(join(out, '_headers'), 'utf8');
    for (const file of files.filter((name) => !name.startsWith('_'))) {
      const path = urlPathOf(file);
      const served = (await rawRequest(`${server.url}${path}`, { headers: { 'accept-encoding': 'identity' } })).headers;
      const declared = headersFor(rules, path);
      // Pages under /articles/ are typed by their extension (.html), as every static host does:
      // the rule for them covers page bundles' images too, which must not be typed as HTML.
      expect(declared['content-type'] ?? typedByExtension(file), `content-type of ${path}`).toBe(served['content-type']);
      for (const name of ['cache-control', 'x-content-type-options', 'access-control-allow-origin', 'content-security-policy']) {
        expect(declared[name], `${name} of ${path}`).toBe(served[name]);
      }
    }
  });

  it("leads, in _redirects, each feed URL of Hugo, jekyll-feed and WordPress and each /feed to the feed the server gives for it", async () => {
    const rules = readFileSync(join(out, '_redirects'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(' '));
    for (const rule of rules) {
      expect(rule, rule.join(' ')).toHaveLength(3);
      const [from = '', to = '', status] = rule;
      expect(status).toBe('301');
      // The server redirects the URL to the same feed, or (/feed, without Accept) answers with it.
      const served = await rawRequest(`${server.url}${from}`, { headers: { 'accept-encoding': 'identity' } });
      const location = served.headers.location;
      const answer = served.status === 308 && location?.startsWith(BASE) ? await rawRequest(`${server.url}${location.slice(BASE.length)}`, { headers: { 'accept-encoding': 'identity' } }) : served;
      expect(answer.status, from).toBe(200);
      expect(readFileSync(join(out, to.slice(1))).equals(answer.body), `${from} -> ${to}`).toBe(true);
    }
    const sources = rules.map(([from]) => from);
    // Every exported RSS feed by its /feed URL (with and without WordPress's slash) and Hugo's, every Atom feed by jekyll-feed's where it has one.
    for (const file of files.filter((name) => name.endsWith('rss.xml'))) {
      const scope = `/${file.slice(0, -'rss.xml'.length)}`;
      expect(sources).toContain(`${scope}feed`);
      expect(sources).toContain(`${scope}feed/`);
    }
    expect(sources).toEqual(expect.arrayContaining(['/index.xml', '/th/index.xml', '/categories/world/index.xml', '/feed.xml', '/feed/world.xml', '/feed/rss2/', '/category/world/feed/atom/']));
    expect(new Set(sources).size).toBe(sources.length);
  });
});
