/**
 * Hostile traffic against the real Node server: traversal and encoding tricks in every
 * parameter, malformed and huge query values, odd methods, over-long URLs and headers. Every
 * answer is a 4xx with a short message: never a 5xx, never a file from outside the content.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/http-client.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startNodeServer({ BASE_URL: 'https://feeds.example' });
});
afterAll(() => server?.stop());

/** Sends a request line exactly as written (no client normalizes the path first). */
function rawHttp(requestLine: string, headers = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`${requestLine}\r\nHost: ${url.host}\r\n${headers}Connection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), text: data }));
    socket.on('error', reject);
  });
}

const SECRETS = /root:x:|"name": "wirefeed"|BEGIN|PRIVATE|node_modules/;

describe('path tricks', () => {
  it.each([
    '/articles/..%2F..%2Fetc%2Fpasswd',
    '/articles/%2e%2e%2f%2e%2e%2fpackage.json',
    '/articles/..%5C..%5Cpackage.json',
    '/articles/%252e%252e%252fpackage.json',
    '/articles/....//....//etc/passwd',
    '/articles/%00',
    '/articles/%E0%A4%A',
    '/articles/%',
    '/category/..%2F..%2Fpackage.json/rss.xml',
    '/category/%2e%2e/rss.xml',
    '/..%2F..%2F/rss.xml',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/en/category/..%2f..%2f..%2fetc%2fpasswd/feed.json',
    '/../../etc/passwd',
    '/content/2024/11/000_af66a0ef15b64f64.txt',
    '/wirefeed.config.json',
    '/package.json',
    '/node_modules/.cache/wirefeed/',
    '//etc/passwd',
  ])('%s reads nothing outside the content', async (path) => {
    const response = await rawHttp(`GET ${path} HTTP/1.1`);
    expect(response.status).toBeLessThan(500);
    expect(response.text).not.toMatch(SECRETS);
    // URL parsing resolves %2e%2e like .. (WHATWG): such a path may land on one of our own
    // routes, and then it is one of our own feeds or pages; anything else is a short error.
    if (response.status === 200) expect(response.text).toMatch(/\r\ncontent-type: (application\/(rss|atom)\+xml|application\/feed\+json|text\/html); charset=utf-8\r\n/i);
    else expect(response.text.length).toBeLessThan(2000);
  });
});

describe('query tricks', () => {
  it.each([
    `/rss.xml?page=${'9'.repeat(5000)}`,
    '/rss.xml?page=-0',
    '/rss.xml?page=1e2',
    '/rss.xml?page=0x10',
    '/rss.xml?page=%00',
    '/rss.xml?limit=%31%30%30%30',
    '/feed.json?limit=NaN',
    '/atom.xml?limit=Infinity',
  ])('%s is a 400 with a one-line reason', async (path) => {
    const response = await rawRequest(`${server.url}${path}`);
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/^Bad request: [^\n]{1,120}\n$/);
  });

  it('ignores unknown parameters, repeated ones and a long query string', async () => {
    const noise = Array.from({ length: 200 }, (_, index) => `x${index}=${'y'.repeat(30)}`).join('&');
    expect((await rawRequest(`${server.url}/rss.xml?utm_source=a&page=1&page=2&${noise}`)).status).toBe(200);
  });
});

describe('methods, sizes and headers', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL'])('%s is a 405 naming the allowed methods', async (method) => {
    const response = await rawHttp(`${method} /rss.xml HTTP/1.1`, 'Content-Length: 0\r\n');
    expect(response.status).toBe(405);
    expect(response.text).toMatch(/\r\nallow: GET, HEAD, OPTIONS\r\n/i);
  });

  it('refuses a method HTTP does not know with a 4xx (from the HTTP parser)', async () => {
    const response = await rawHttp('FOO /rss.xml HTTP/1.1');
    expect(response.status).toBe(400);
  });

  it('refuses an over-long URL with a 4xx', async () => {
    const response = await rawHttp(`GET /articles/${'a'.repeat(20_000)} HTTP/1.1`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('refuses over-long headers with a 4xx', async () => {
    const response = await rawHttp('GET /rss.xml HTTP/1.1', `X-Junk: ${'j'.repeat(20_000)}\r\n`);
    expect(response.status).toBe(431);
  });

  it.each([
    ['If-None-Match', `"${'x'.repeat(5000)}", W/"y", *garbage*`],
    ['If-Modified-Since', 'Sun, 06 Nov 1994 08:49:37 GMT; length=5000'],
    ['Accept-Encoding', `br;q=${'9'.repeat(500)}, gzip;q=-1, *;q=nan`],
    ['Accept', 'application/rss+xml;q=2, */*;q=abc'],
    ['Host', 'evil.example'],
  ])('answers odd %s values without failing', async (name, value) => {
    const response = await rawRequest(`${server.url}/feed`, { headers: { [name]: value } });
    expect([200, 304, 406]).toContain(response.status);
    expect(response.text).not.toContain('evil.example');
  });

  it('never answers a 5xx to a burst of random paths', async () => {
    const alphabet = ['a', '%', '2', 'e', 'f', '/', '.', '~', '%2F', '%00', 'ไ', '?', '&', '=', '#', ';', 'rss.xml', 'category', 'articles'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 300; i += 1) {
      const path = `/${Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')}`;
      const response = await rawHttp(`GET ${encodeURI(path).replace(/%25/g, '%')} HTTP/1.1`);
      expect(response.status, path).toBeGreaterThanOrEqual(200);
      expect(response.status, path).toBeLessThan(500);
    }
  });
});
