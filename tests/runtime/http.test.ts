/**
 * The HTTP guarantees for feed readers and aggregators, checked against the real Node server
 * over real sockets: validators, conditional GET, HEAD, caching, compression, paging, WebSub,
 * CORS, negotiation and errors.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAtom, checkJsonFeed, checkRss } from '../support/feed-rules.ts';
import { rawRequest } from '../support/http-client.ts';
import { findFreePort, startNodeServer, type RunningServer } from '../support/server.ts';
import { childrenNamed, onlyChild, parseXmlStrict } from '../support/xml.ts';

const BASE = 'https://feeds.example';
let server: RunningServer;
let root: string;
let hub: Server;
let hubUrl: string;
const hubRequests: URLSearchParams[] = [];
const scheduledIn = 3600;

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(`${server.url}${path}`, { headers });
/**
 * The time the copied files are given: before every `updated` of the sample, so that the
 * validators below follow the articles' dates (a file's own time counts when it is later).
 */
const FILES_CHANGED = new Date('2020-01-01T00:00:00Z');
const head = (path: string, headers: Record<string, string> = {}) => rawRequest(`${server.url}${path}`, { method: 'HEAD', headers });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wirefeed-http-'));
  cpSync('content', join(root, 'content'), { recursive: true });
  // One SPORTS article scheduled an hour ahead: the sports feeds' cache lifetimes must end by then.
  const due = new Date(Date.now() + scheduledIn * 1000).toISOString();
  writeFileSync(
    join(root, 'content', 'scheduled.md'),
    `---\ncode: "SCHEDULED-1"\ntitle: "Coming soon"\ncategory: "SPORTS"\nlanguage: "en"\ndate: ${due}\n---\nLater.\n`,
  );
  for (const entry of readdirSync(join(root, 'content'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), FILES_CHANGED, FILES_CHANGED);
  }
  const hubPort = await findFreePort();
  hubUrl = `http://127.0.0.1:${hubPort}/hub`;
  hub = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      hubRequests.push(new URLSearchParams(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(hubPort, '127.0.0.1', resolve));
  const config = JSON.parse(readFileSync('wirefeed.config.json', 'utf8'));
  writeFileSync(join(root, 'config.json'), JSON.stringify({ ...config, websubHub: hubUrl, cache: { maxAge: 600, staleWhileRevalidate: 1200 } }));
  server = await startNodeServer({ CONTENT_DIR: join(root, 'content'), WIREFEED_CONFIG: join(root, 'config.json'), BASE_URL: BASE });
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => hub?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('validators per scope', () => {
  it('sends a strong ETag and the Last-Modified of the newest change in that scope', async () => {
    const world = await get('/category/world/rss.xml');
    const business = await get('/category/business/rss.xml');
    expect(world.headers.etag).toMatch(/^"[\w-]{22}"$/);
    expect(world.headers['last-modified']).toBe('Thu, 21 Nov 2024 08:45:12 GMT');
    expect(business.headers['last-modified']).toBe('Mon, 18 Nov 2024 08:45:33 GMT');
    expect((await get('/th/category/world/atom.xml')).headers['last-modified']).toBe('Sun, 08 Sep 2024 08:15:27 GMT');
    expect((await get('/articles/startup-air-sensors')).headers['last-modified']).toBe('Wed, 13 Nov 2024 02:15:00 GMT');
  });

  it('gives each format and scope its own ETag, stable across requests', async () => {
    const tags = await Promise.all(['/rss.xml', '/atom.xml', '/feed.json', '/th/rss.xml'].map(async (path) => (await get(path)).headers.etag));
    expect(new Set(tags).size).toBe(4);
    expect((await get('/rss.xml')).headers.etag).toBe(tags[0]);
  });
});

describe('conditional GET (RFC 9110 13.2.2)', () => {
  let etag = '';
  let lastModified = '';
  beforeAll(async () => {
    const response = await get('/category/world/rss.xml');
    etag = response.headers.etag!;
    lastModified = response.headers['last-modified']!;
  });

  const cases: [string, () => Record<string, string>, number][] = [
    ['a matching If-None-Match', () => ({ 'If-None-Match': etag }), 304],
    ['a weak If-None-Match (weak comparison)', () => ({ 'If-None-Match': `W/${etag}` }), 304],
    ['a list holding the tag', () => ({ 'If-None-Match': `"old", ${etag}, W/"other"` }), 304],
    ['the wildcard', () => ({ 'If-None-Match': '*' }), 304],
    ['a non-matching If-None-Match', () => ({ 'If-None-Match': '"old"' }), 200],
    ['If-None-Match not matching with a matching If-Modified-Since: the tag wins', () => ({ 'If-None-Match': '"old"', 'If-Modified-Since': lastModified }), 200],
    ['If-None-Match matching with an old If-Modified-Since: the tag wins', () => ({ 'If-None-Match': etag, 'If-Modified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' }), 304],
    ['If-Modified-Since equal to Last-Modified', () => ({ 'If-Modified-Since': lastModified }), 304],
    ['If-Modified-Since later than Last-Modified', () => ({ 'If-Modified-Since': 'Fri, 22 Nov 2024 00:00:00 GMT' }), 304],
    ['If-Modified-Since in the RFC 850 form', () => ({ 'If-Modified-Since': 'Friday, 22-Nov-24 00:00:00 GMT' }), 304],
    ['If-Modified-Since in the asctime form', () => ({ 'If-Modified-Since': 'Fri Nov 22 00:00:00 2024' }), 304],
    ['If-Modified-Since earlier than Last-Modified', () => ({ 'If-Modified-Since': 'Thu, 21 Nov 2024 08:45:11 GMT' }), 200],
    ['an unparseable If-Modified-Since', () => ({ 'If-Modified-Since': 'last tuesday' }), 200],
  ];

  it.each(cases)('%s', async (_, headers, status) => {
    const response = await get('/category/world/rss.xml', headers());
    expect(response.status).toBe(status);
    if (status === 304) {
      expect(response.body.length).toBe(0);
      expect(response.headers.etag).toBe(etag);
      expect(response.headers['last-modified']).toBe(lastModified);
      expect(response.headers['cache-control']).toBe('public, max-age=600, stale-while-revalidate=1200');
      expect(response.headers.vary).toBe('Accept-Encoding');
    } else {
      expect(checkRss(response.text)).toEqual([]);
    }
  });

  it('works the same on article pages, the index and the OPML file', async () => {
    for (const path of ['/articles/baht-strengthens', '/', '/feeds.opml']) {
      const first = await get(path);
      expect((await get(path, { 'If-None-Match': first.headers.etag! })).status, path).toBe(304);
      expect((await get(path, { 'If-Modified-Since': first.headers['last-modified']! })).status, path).toBe(304);
    }
  });
});

describe('HEAD', () => {
  it.each(['/rss.xml', '/th/category/world/atom.xml', '/feed.json', '/articles/baht-strengthens', '/', '/feeds.opml', '/category/nope/rss.xml', '/rss.xml?page=99'])(
    '%s answers with the status and headers of GET, and no body',
    async (path) => {
      const [byGet, byHead] = await Promise.all([get(path), head(path)]);
      expect(byHead.status).toBe(byGet.status);
      expect(byHead.body.length).toBe(0);
      const { date: _a, ...getHeaders } = byGet.headers;
      const { date: _b, ...headHeaders } = byHead.headers;
      expect(headHeaders).toEqual(getHeaders);
      expect(Number(byHead.headers['content-length'])).toBe(byGet.body.length);
    },
  );

  it('counts compressed bytes when the body is compressed', async () => {
    const byGet = await get('/rss.xml', { 'Accept-Encoding': 'br' });
    const byHead = await head('/rss.xml', { 'Accept-Encoding': 'br' });
    expect(byHead.headers['content-encoding']).toBe('br');
    expect(Number(byHead.headers['content-length'])).toBe(byGet.body.length);
  });
});

describe('caching', () => {
  it('sends the configured max-age and stale-while-revalidate, varies on Accept-Encoding, and matches RSS <ttl>', async () => {
    const response = await get('/rss.xml');
    expect(response.headers['cache-control']).toBe('public, max-age=600, stale-while-revalidate=1200');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(onlyChild(onlyChild(parseXmlStrict(response.text), 'channel'), 'ttl').text).toBe('10');
  });

  it('ends every cache lifetime of a scope before its scheduled article is published', async () => {
    const match = /^public, max-age=(\d+)(?:, stale-while-revalidate=(\d+))?$/.exec((await get('/category/sports/rss.xml')).headers['cache-control']!);
    expect(match).not.toBeNull();
    const lifetime = Number(match![1]) + Number(match![2] ?? 0);
    expect(lifetime).toBeLessThanOrEqual(scheduledIn);
    expect(Number(match![1])).toBeLessThanOrEqual(600);
    // Scopes without a scheduled article keep the full policy.
    expect((await get('/category/world/rss.xml')).headers['cache-control']).toBe('public, max-age=600, stale-while-revalidate=1200');
  });
});

describe('compression', () => {
  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const)('sends %s when asked, decoding to the identity body, with its own ETag', async (coding, decode) => {
    const plain = await get('/rss.xml');
    const coded = await get('/rss.xml', { 'Accept-Encoding': coding });
    expect(coded.headers['content-encoding']).toBe(coding);
    expect(decode(coded.body).toString('utf8')).toBe(plain.text);
    expect(coded.headers.etag).not.toBe(plain.headers.etag);
    expect(coded.headers.etag).toBe(plain.headers.etag!.replace(/"$/, `-${coding}"`));
    expect((await get('/rss.xml', { 'Accept-Encoding': coding, 'If-None-Match': coded.headers.etag! })).status).toBe(304);
  });

  it('prefers brotli, honours q-values and refusals, and sends identity otherwise', async () => {
    expect((await get('/rss.xml', { 'Accept-Encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
    expect((await get('/rss.xml', { 'Accept-Encoding': 'br;q=0.5, gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await get('/rss.xml', { 'Accept-Encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await get('/rss.xml')).headers['content-encoding']).toBeUndefined();
  });
});

async function walk(first: string, nextOf: (body: string) => string | undefined, idsOf: (body: string) => string[]) {
  const ids: string[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const response = await get(url.replace(BASE, ''));
    expect(response.status).toBe(200);
    ids.push(...idsOf(response.text));
    url = nextOf(response.text);
    pages += 1;
    expect(pages).toBeLessThan(50);
  }
  return { ids, pages };
}

describe('paging (RFC 5005)', () => {
  const rssIds = (body: string) => childrenNamed(onlyChild(parseXmlStrict(body), 'channel'), 'item').map((item) => onlyChild(item, 'guid').text);
  const rssNext = (body: string) => childrenNamed(onlyChild(parseXmlStrict(body), 'channel'), 'atom:link').find((link) => link.attributes.rel === 'next')?.attributes.href;
  const atomIds = (body: string) => childrenNamed(parseXmlStrict(body), 'entry').map((entry) => onlyChild(entry, 'id').text);
  const atomNext = (body: string) => childrenNamed(parseXmlStrict(body), 'link').find((link) => link.attributes.rel === 'next')?.attributes.href;

  it('walks the whole site in RSS pages without gaps or repeats', async () => {
    const all = rssIds((await get('/rss.xml')).text);
    expect(all).toHaveLength(17);
    const { ids, pages } = await walk(`${BASE}/rss.xml?limit=4`, rssNext, rssIds);
    expect(pages).toBe(5);
    expect(ids).toEqual(all);
  });

  it('walks a scope in Atom pages and in JSON Feed pages the same way', async () => {
    const all = atomIds((await get('/en/atom.xml')).text);
    expect((await walk(`${BASE}/en/atom.xml?limit=3`, atomNext, atomIds)).ids).toEqual(all);
    const jsonIds = (body: string) => (JSON.parse(body).items as { id: string }[]).map((item) => item.id);
    const jsonNext = (body: string) => JSON.parse(body).next_url as string | undefined;
    const allJson = jsonIds((await get('/en/feed.json')).text);
    expect((await walk(`${BASE}/en/feed.json?limit=3`, jsonNext, jsonIds)).ids).toEqual(allJson);
  });

  it('links first, previous, next and last pages, each page valid with its own self link', async () => {
    const response = await get('/rss.xml?page=2&limit=4');
    expect(checkRss(response.text, { selfUrl: `${BASE}/rss.xml?page=2&limit=4` })).toEqual([]);
    const links = Object.fromEntries(
      childrenNamed(onlyChild(parseXmlStrict(response.text), 'channel'), 'atom:link').map((link) => [link.attributes.rel, link.attributes.href]),
    );
    expect(links).toMatchObject({
      first: `${BASE}/rss.xml?limit=4`,
      previous: `${BASE}/rss.xml?limit=4`,
      next: `${BASE}/rss.xml?page=3&limit=4`,
      last: `${BASE}/rss.xml?page=5&limit=4`,
    });
    const atom = await get('/atom.xml?page=5&limit=4');
    expect(checkAtom(atom.text, { selfUrl: `${BASE}/atom.xml?page=5&limit=4` })).toEqual([]);
    expect(atomNext(atom.text)).toBeUndefined();
  });

  it('marks a scope that fits on one page as complete, with no paging links', async () => {
    const body = (await get('/th/category/world/rss.xml')).text;
    const channel = onlyChild(parseXmlStrict(body), 'channel');
    expect(childrenNamed(channel, 'fh:complete')).toHaveLength(1);
    expect(childrenNamed(channel, 'atom:link').map((link) => link.attributes.rel)).toEqual(['self', 'hub']);
    expect(childrenNamed(onlyChild(parseXmlStrict((await get('/rss.xml?limit=4')).text), 'channel'), 'fh:complete')).toHaveLength(0);
  });

  // A malformed value is the client's mistake (400); a page past the end is not there (yet) (404).
  it.each([
    ['/rss.xml?page=0', 400, 'Bad request: page must be a whole number from 1'],
    ['/rss.xml?page=-1', 400, 'Bad request: page must be a whole number from 1'],
    ['/rss.xml?page=1.5', 400, 'Bad request: page must be a whole number from 1'],
    ['/rss.xml?page=abc', 400, 'Bad request: page must be a whole number from 1'],
    [`/rss.xml?page=${'9'.repeat(400)}`, 400, 'Bad request: page must be a whole number from 1'],
    ['/rss.xml?limit=0', 400, 'Bad request: limit must be a whole number from 1 to 200'],
    ['/rss.xml?limit=201', 400, 'Bad request: limit must be a whole number from 1 to 200'],
    ['/feed.json?limit=1e3', 400, 'Bad request: limit must be a whole number from 1 to 200'],
    ['/rss.xml?page=9', 404, 'Not found: no page 9 of this feed: it has 1 page'],
    ['/rss.xml?limit=4&page=6', 404, 'Not found: no page 6 of this feed: it has 5 pages'],
    ['/category/world/feed.json?limit=1&page=99', 404, 'Not found: no page 99 of this feed: it has 4 pages'],
  ])('answers %s with a %i and a plain message', async (path, status, message) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.text).toBe(`${message}\n`);
  });
});

describe('WebSub', () => {
  it('advertises the hub in Link headers and in every format', async () => {
    const rss = await get('/category/world/rss.xml');
    expect(rss.headers.link).toBe(`<${hubUrl}>; rel="hub", <${BASE}/category/world/rss.xml>; rel="self"`);
    expect(childrenNamed(onlyChild(parseXmlStrict(rss.text), 'channel'), 'atom:link').find((link) => link.attributes.rel === 'hub')?.attributes.href).toBe(hubUrl);
    const atom = await get('/atom.xml?limit=5&page=2');
    expect(atom.headers.link).toBe(`<${hubUrl}>; rel="hub", <${BASE}/atom.xml?page=2&limit=5>; rel="self"`);
    expect(childrenNamed(parseXmlStrict(atom.text), 'link').find((link) => link.attributes.rel === 'hub')?.attributes.href).toBe(hubUrl);
    expect(JSON.parse((await get('/feed.json')).text).hubs).toEqual([{ type: 'WebSub', url: hubUrl }]);
  });

  it('notifies the hub of exactly the feeds whose content changed', async () => {
    hubRequests.length = 0;
    const file = join(root, 'content', '2024', '07', 'heatwave-europe.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Heatwave grips southern Europe', 'Heatwave grips all of Europe'));
    const deadline = Date.now() + 10_000;
    while (hubRequests.length < 12 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hubRequests.every((params) => params.get('hub.mode') === 'publish')).toBe(true);
    const urls = hubRequests.map((params) => params.get('hub.url')).sort();
    const scopes = ['', 'en/', 'category/world/', 'en/category/world/'];
    expect(urls).toEqual(scopes.flatMap((scope) => ['rss.xml', 'atom.xml', 'feed.json'].map((file) => `${BASE}/${scope}${file}`)).sort());
    expect((await get('/category/world/rss.xml')).text).toContain('Heatwave grips all of Europe');
  });
});

describe('CORS', () => {
  it.each(['/feed.json', '/th/feed.json', '/feeds.opml', '/rss.xml'])('lets browsers read %s cross-origin', async (path) => {
    const response = await get(path);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-expose-headers']).toContain('ETag');
  });

  it('answers a preflight for conditional requests', async () => {
    const response = await rawRequest(`${server.url}/feed.json`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://reader.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-headers']).toContain('If-None-Match');
  });
});

describe('content negotiation at /feed', () => {
  it.each([
    [undefined, 'application/rss+xml; charset=utf-8', checkRss, '/rss.xml'],
    ['*/*', 'application/rss+xml; charset=utf-8', checkRss, '/rss.xml'],
    ['application/atom+xml', 'application/atom+xml; charset=utf-8', checkAtom, '/atom.xml'],
    ['application/feed+json', 'application/feed+json; charset=utf-8', checkJsonFeed, '/feed.json'],
    ['application/json;q=0.9, application/rss+xml;q=0.5', 'application/feed+json; charset=utf-8', checkJsonFeed, '/feed.json'],
  ])('Accept %j gets %s', async (accept, type, check, canonical) => {
    const response = await get('/th/feed', accept ? { Accept: accept } : {});
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers.vary).toBe('Accept, Accept-Encoding');
    expect(response.headers['content-location']).toBe(`${BASE}/th${canonical}`);
    expect(check(response.text, { selfUrl: `${BASE}/th${canonical}` })).toEqual([]);
  });

  it('answers 406 when no feed format is acceptable', async () => {
    const response = await get('/feed', { Accept: 'text/html' });
    expect(response.status).toBe(406);
    expect(response.text).toMatch(/^Not acceptable/);
  });
});

describe('errors', () => {
  it.each([
    ['/category/nope/rss.xml', 'Not found: no category "nope"\n'],
    ['/xx/atom.xml', 'Not found: no language "xx"\n'],
    ['/articles/nope', 'Not found: no such article\n'],
    ['/nope', 'Not found\n'],
  ])('%s is a 404 with a short plain message', async (path, message) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.text).toBe(message);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND'])('%s is a 405 that names the allowed methods', async (method) => {
    const response = await rawRequest(`${server.url}/rss.xml`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(response.text).toBe(`Method not allowed: ${method}; use GET or HEAD\n`);
  });

  it.each([
    ['/category/world/rss.xml/', '/category/world/rss.xml'],
    ['/Category/WORLD/rss.xml', '/category/world/rss.xml'],
    ['/TH/atom.xml?page=1', '/th/atom.xml?page=1'],
    ['/TH/CATEGORY/WORLD/FEED.JSON', '/th/category/world/feed.json'],
    ['/articles/Baht-Strengthens/', '/articles/baht-strengthens'],
    // where other tools put their feeds, so that a site that moves here keeps its subscribers
    ['/index.xml', '/rss.xml'],
    ['/th/index.xml', '/th/rss.xml'],
    ['/categories/world/index.xml', '/category/world/rss.xml'],
    ['/th/categories/world/index.xml', '/th/category/world/rss.xml'],
    ['/feed.xml', '/atom.xml'],
    ['/feed/business.xml', '/category/business/atom.xml'],
    ['/feed/rss2/', '/rss.xml'],
    ['/feed/atom/', '/atom.xml'],
    ['/category/world/feed/atom/', '/category/world/atom.xml'],
    ['/Categories/World/Index.xml?page=2', '/category/world/rss.xml?page=2'],
    // an article at a permalink of theirs, by its slug, as WordPress guesses on a 404
    ['/posts/baht-strengthens/', '/articles/baht-strengthens'],
    ['/2024/11/18/baht-strengthens.html', '/articles/baht-strengthens'],
    ['/2024/11/18/baht-strengthens/', '/articles/baht-strengthens'],
    ['/Baht-Strengthens/', '/articles/baht-strengthens'],
  ])('%s redirects (308) to %s', async (path, canonical) => {
    const response = await get(path);
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe(`${BASE}${canonical}`);
  });

  it('does not redirect a variant of a URL that does not exist', async () => {
    expect((await get('/Category/Nope/rss.xml')).status).toBe(404);
  });

  it.each(['/categories/nope/index.xml', '/posts/index.xml', '/feed/nope.xml', '/xx/index.xml', '/posts/nope/', '/2024/11/18/nope.html', '/files/baht-strengthens.pdf', '/articles/nope/baht-strengthens'])(
    'does not redirect %s, another tool’s URL of something this site does not have',
    async (path) => {
      expect((await get(path)).status).toBe(404);
    },
  );
});

describe("Last-Modified follows the files too (for readers that send only If-Modified-Since)", () => {
  /** Puts `text` in place at `path` with its file time `time`, at once (as a deploy's rename does). */
  const place = (path: string, text: string, time: Date) => {
    const temporary = join(root, 'placed.tmp');
    writeFileSync(temporary, text);
    utimesSync(temporary, time, time);
    renameSync(temporary, join(root, 'content', path));
  };
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  it('moves when an article is edited and its updated is left as it was, for the scopes that show it', async () => {
    const business = await get('/category/business/rss.xml');
    const world = await get('/category/world/rss.xml');
    const page = await get('/articles/baht-strengthens');
    const path = join('2024', '11', 'baht-strengthens.md');
    const edited = new Date('2025-03-01T09:30:00Z');
    place(path, readFileSync(join(root, 'content', path), 'utf8').replace('on Monday', 'on Monday morning'), edited);
    await until(async () => (await get('/category/business/rss.xml')).headers.etag !== business.headers.etag);

    const after = await get('/category/business/rss.xml');
    expect(after.text).toContain('on Monday morning');
    expect(after.headers['last-modified']).toBe('Sat, 01 Mar 2025 09:30:00 GMT');
    // The dates the feed shows are the article's own, as they were.
    expect(after.text).toContain('<pubDate>Mon, 18 Nov 2024 03:02:45 GMT</pubDate>');
    expect((await get('/category/business/rss.xml', { 'If-Modified-Since': business.headers['last-modified']! })).status).toBe(200);
    expect((await get('/category/business/rss.xml', { 'If-Modified-Since': after.headers['last-modified']! })).status).toBe(304);
    expect((await get('/articles/baht-strengthens')).headers['last-modified']).toBe('Sat, 01 Mar 2025 09:30:00 GMT');
    expect(page.headers['last-modified']).not.toBe('Sat, 01 Mar 2025 09:30:00 GMT');
    // A scope that does not show it keeps its validators.
    const worldAfter = await get('/category/world/rss.xml');
    expect(worldAfter.headers.etag).toBe(world.headers.etag);
    expect(worldAfter.headers['last-modified']).toBe(world.headers['last-modified']);
  });

  it('moves when an article comes with an older date than the newest it joins', async () => {
    const before = await get('/th/rss.xml');
    place(
      'backdated.md',
      '---\ncode: "BACKDATED-1"\ntitle: "ข่าวย้อนหลัง"\ncategory: "THAILAND"\nlanguage: "th"\ndate: 2024-06-01T00:00:00Z\n---\nเนื้อหา\n',
      new Date('2025-04-01T00:00:00Z'),
    );
    await until(async () => (await get('/th/rss.xml')).headers.etag !== before.headers.etag);
    const after = await get('/th/rss.xml');
    expect(after.text).toContain('ข่าวย้อนหลัง');
    expect(after.headers['last-modified']).toBe('Tue, 01 Apr 2025 00:00:00 GMT');
    expect((await get('/th/rss.xml', { 'If-Modified-Since': before.headers['last-modified']! })).status).toBe(200);
  });

  it('moves the index page and the OPML file for articles filed late in a new category, one beyond the 20 the page lists', async () => {
    const before = await get('/feeds.opml');
    // A second later than any file before, so that the newest file time is this test's own.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const latest = new Date(Math.floor(Date.now() / 1000) * 1000);
    // Four articles older than every other: with them the site has more than the 20 the index
    // lists, and the oldest, beyond them, has the latest file.
    for (const day of [1, 2, 3, 4]) {
      const text = `---\ncode: "SCIENCE-${day}"\ntitle: "Science ${day}"\ncategory: "Science"\ndate: 2023-01-0${day}T00:00:00Z\n---\nText.\n`;
      place(`science-${day}.md`, text, day === 1 ? latest : new Date(latest.getTime() - 3_600_000));
    }
    const expected = latest.toUTCString();
    await until(async () => (await get('/')).headers['last-modified'] === expected && (await get('/feeds.opml')).text.includes('/category/science/'));
    expect((await get('/')).headers['last-modified']).toBe(expected);
    const opml = await get('/feeds.opml');
    expect(opml.text).toContain(`${BASE}/category/science/rss.xml`);
    expect(opml.headers['last-modified']).toBe(expected);
    expect((await get('/feeds.opml', { 'If-Modified-Since': before.headers['last-modified']! })).status).toBe(200);
  });

  it('moves to when the server saw it for the feeds an article was deleted from, though the articles they show now are older', async () => {
    const titles = (body: string) => childrenNamed(onlyChild(parseXmlStrict(body), 'channel'), 'item').map((item) => onlyChild(item, 'title').text);
    const published = new Date('2025-05-01T00:00:00Z');
    const text = '---\ncode: "SHORT-LIVED-1"\ntitle: "Short-lived story"\ncategory: "SPORTS"\ndate: 2025-05-01T00:00:00Z\n---\nText.\n';
    place('short-lived.md', text, published);
    await until(async () => titles((await get('/category/sports/rss.xml')).text).includes('Short-lived story'));
    const shown = await get('/category/sports/rss.xml');
    expect(titles(shown.text)[0]).toBe('Short-lived story');
    expect(shown.headers['last-modified']).toBe(published.toUTCString());
    const thai = await get('/th/rss.xml');

    const deleted = Math.floor(Date.now() / 1000) * 1000;
    rmSync(join(root, 'content', 'short-lived.md'));
    await until(async () => !titles((await get('/category/sports/rss.xml')).text).includes('Short-lived story'));
    const after = await get('/category/sports/rss.xml', { 'If-Modified-Since': shown.headers['last-modified']! });
    expect(after.status).toBe(200);
    expect(titles(after.text)).not.toContain('Short-lived story');
    expect(titles(after.text).length).toBeGreaterThan(0);
    const lastModified = Date.parse(after.headers['last-modified']!);
    expect(lastModified).toBeGreaterThanOrEqual(deleted);
    expect(lastModified).toBeLessThanOrEqual(Date.now());
    expect((await get('/category/sports/rss.xml', { 'If-Modified-Since': after.headers['last-modified']! })).status).toBe(304);
    // A scope the article was never in keeps its validators.
    const thaiAfter = await get('/th/rss.xml', { 'If-Modified-Since': thai.headers['last-modified']! });
    expect([thaiAfter.status, thaiAfter.headers['last-modified']]).toEqual([304, thai.headers['last-modified']]);
  });
});
