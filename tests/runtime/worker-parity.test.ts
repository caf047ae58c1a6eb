/**
 * The built Worker, running in the real workerd runtime, answers every URL of the sample content
 * exactly as the Node server does: same status, same headers, same bytes (neither is asked to
 * compress here; on Workers the platform does that).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from '../support/http-client.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';
import { startWorker, type RunningWorker } from '../support/worker.ts';
import { descendants, onlyChild, parseXmlStrict } from '../support/xml.ts';

const BASE = 'https://feeds.example';
const COMPARED_HEADERS = [
  'content-type',
  'content-length',
  'etag',
  'last-modified',
  'cache-control',
  'vary',
  'link',
  'location',
  'allow',
  'content-location',
  'content-encoding',
  'access-control-allow-origin',
  'access-control-expose-headers',
  'x-content-type-options',
];

let node: RunningServer;
let worker: RunningWorker;
let paths: string[] = [];

beforeAll(async () => {
  [node, worker] = await Promise.all([startNodeServer({ BASE_URL: BASE }), startWorker({ baseUrl: BASE })]);
  const opml = parseXmlStrict((await rawRequest(`${node.url}/feeds.opml`)).text);
  const feeds = descendants(onlyChild(opml, 'body')).flatMap((outline) => (outline.attributes.xmlUrl ? [outline.attributes.xmlUrl] : []));
  const json = JSON.parse((await rawRequest(`${node.url}/feed.json?limit=200`)).text) as { items: { url: string }[] };
  paths = [...feeds, ...json.items.map((item) => item.url)].map((url) => url.slice(BASE.length));
}, 120_000);

afterAll(async () => {
  await Promise.all([node?.stop(), worker?.stop()]);
});

/**
 * Status, headers and bytes of a response. Framing is the one thing the platform owns: where
 * workerd re-frames a body as chunked (it does for text/html), the byte count is taken from the
 * body itself, so the comparison still proves the same number of bytes.
 */
function comparable(response: RawResponse) {
  const headers: Record<string, string> = {};
  for (const name of COMPARED_HEADERS) if (response.headers[name] !== undefined) headers[name] = response.headers[name];
  if (response.headers['transfer-encoding'] === 'chunked' && headers['content-length'] === undefined && response.body.length > 0) {
    headers['content-length'] = String(response.body.length);
  }
  return { status: response.status, headers, body: response.body.toString('base64') };
}

async function both(path: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const [fromNode, fromWorker] = await Promise.all([rawRequest(`${node.url}${path}`, options), rawRequest(`${worker.url}${path}`, options)]);
  return { fromNode, fromWorker };
}

describe('the built Worker in workerd', () => {
  it('was built from every sample article, with no Markdown, sanitizer or YAML code in its bundle', () => {
    expect(worker.build.articles).toBe(17);
    expect(worker.build.errors).toBe(0);
    // Well within Cloudflare's limits: nothing to warn of.
    expect(worker.build.limits).toEqual([]);
    expect(paths).toHaveLength(54 + 17);
  });

  it('answers every feed on /feeds.opml and every article page exactly as the Node server does', async () => {
    for (const path of paths) {
      const { fromNode, fromWorker } = await both(path);
      expect(fromNode.status, path).toBe(200);
      expect(comparable(fromWorker), path).toEqual(comparable(fromNode));
    }
  });

  it.each([
    '/',
    '/feeds.opml',
    '/copy-link.js',
    '/rss.xml?page=2&limit=5',
    '/th/atom.xml?limit=2',
    '/category/world/feed.json?limit=1&page=3',
    '/en/feed',
    '/xx/rss.xml',
    '/category/nope/atom.xml',
    '/articles/nope',
    '/nope',
    '/rss.xml?page=0',
    '/rss.xml?limit=999',
    '/Category/World/RSS.xml',
    '/th/rss.xml/',
    '/index.xml',
    '/categories/world/index.xml',
    '/feed.xml',
    '/2024/11/18/baht-strengthens.html',
    '/sitemap.xml',
    '/sitemap-1.xml',
    '/sitemap-2.xml',
    '/robots.txt',
  ])('answers %s exactly as the Node server does', async (path) => {
    const { fromNode, fromWorker } = await both(path);
    expect(comparable(fromWorker)).toEqual(comparable(fromNode));
  });

  it('negotiates /feed the same way', async () => {
    for (const accept of ['application/atom+xml', 'application/feed+json', 'text/html']) {
      const { fromNode, fromWorker } = await both('/th/feed', { headers: { Accept: accept } });
      expect(comparable(fromWorker), accept).toEqual(comparable(fromNode));
    }
  });

  it('answers conditional requests the same way', async () => {
    const first = await rawRequest(`${worker.url}/category/world/rss.xml`);
    const cases: Record<string, string>[] = [
      { 'If-None-Match': first.headers.etag! },
      { 'If-None-Match': `W/${first.headers.etag!}, "other"` },
      { 'If-None-Match': '"other"' },
      { 'If-Modified-Since': first.headers['last-modified']! },
      { 'If-Modified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' },
      { 'If-None-Match': '"other"', 'If-Modified-Since': first.headers['last-modified']! },
    ];
    for (const headers of cases) {
      const { fromNode, fromWorker } = await both('/category/world/rss.xml', { headers });
      expect(comparable(fromWorker), JSON.stringify(headers)).toEqual(comparable(fromNode));
    }
    expect((await rawRequest(`${worker.url}/category/world/rss.xml`, { headers: { 'If-None-Match': first.headers.etag! } })).status).toBe(304);
    expect((await rawRequest(`${worker.url}/articles/baht-strengthens`, { headers: { 'If-None-Match': (await rawRequest(`${worker.url}/articles/baht-strengthens`)).headers.etag! } })).status).toBe(304);
  });

  it('answers HEAD and other methods the same way', async () => {
    for (const method of ['HEAD', 'POST', 'DELETE', 'OPTIONS']) {
      const { fromNode, fromWorker } = await both('/feed.json', { method });
      expect(comparable(fromWorker), method).toEqual(comparable(fromNode));
    }
  });
});
