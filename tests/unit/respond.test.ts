import { describe, expect, it } from 'vitest';
import { formatHttpDate } from '../../src/http/conditional.ts';
import { codedEntityTag, createRepresentation, type Compression } from '../../src/http/representation.ts';
import { createAnswer, serveAnswer } from '../../src/http/respond.ts';

const CACHE = { maxAge: 300, staleWhileRevalidate: 600 };
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const DAY = 86_400_000;

/** One answer served at `now` to a request with `headers`. */
async function serve(lastModified: number, now: number, headers: Record<string, string> = {}) {
  const representation = await createRepresentation('<rss/>', 'application/rss+xml', lastModified);
  const answer = createAnswer(representation, { cache: CACHE });
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return serveAnswer((name) => lower[name], answer, now);
}

describe('Last-Modified', () => {
  it('is the representation’s modification time when that has passed', async () => {
    const response = await serve(NOW - DAY, NOW);
    expect(response.headers.get('last-modified')).toBe(formatHttpDate(NOW - DAY));
  });

  it('is never later than the response (RFC 9110 8.8.2.1): an `updated` ahead is sent as now', async () => {
    const ahead = Date.UTC(2099, 0, 1);
    const response = await serve(ahead, NOW);
    expect(response.status).toBe(200);
    expect(response.headers.get('last-modified')).toBe(formatHttpDate(NOW));
    // The 304 carries the same time.
    const again = await serve(ahead, NOW, { 'If-Modified-Since': formatHttpDate(NOW) });
    expect(again.status).toBe(304);
    expect(again.headers.get('last-modified')).toBe(formatHttpDate(NOW));
  });

  it('does not let a reader that sends it back miss what comes later', async () => {
    const ahead = Date.UTC(2099, 0, 1);
    const first = await serve(ahead, NOW);
    // A day on, the feed has changed (its newest `updated` is still the one ahead): the time the
    // reader was sent must not make it "not modified".
    const later = await serve(ahead, NOW + DAY, { 'If-Modified-Since': first.headers.get('last-modified')! });
    expect(later.status).toBe(200);
    expect(later.headers.get('last-modified')).toBe(formatHttpDate(NOW + DAY));
  });
});

describe('a compressed variant', () => {
  const LONG_BODY = `<rss>${'<item>news</item>'.repeat(200)}</rss>`;

  /** An answer whose compression counts its calls (its "coded" bytes are the body reversed). */
  async function compressedAnswer() {
    const calls: string[] = [];
    const compression: Compression = {
      codings: ['br', 'gzip'],
      compress: async (body, coding) => {
        calls.push(coding);
        return body.slice().reverse();
      },
    };
    const representation = await createRepresentation(LONG_BODY, 'application/rss+xml', NOW - DAY);
    const answer = createAnswer(representation, { cache: CACHE, compression });
    const request = (headers: Record<string, string>, head = false) => {
      const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
      return serveAnswer((name) => lower[name], answer, NOW, head);
    };
    return { calls, request, brTag: codedEntityTag(representation.etag, 'br') };
  }

  it('is not compressed to answer a conditional request that matches its tag or its time: the 304 is answered at once', async () => {
    const { calls, request, brTag } = await compressedAnswer();
    const byTag = request({ 'Accept-Encoding': 'br', 'If-None-Match': brTag });
    expect(byTag).toBeInstanceOf(Response);
    expect((byTag as Response).status).toBe(304);
    expect((byTag as Response).headers.get('etag')).toBe(brTag);
    const byTime = await request({ 'Accept-Encoding': 'br', 'If-Modified-Since': formatHttpDate(NOW - DAY) });
    expect(byTime.status).toBe(304);
    expect(calls).toEqual([]);
  });

  it('is compressed once for the first 200, under the tag its 304s carry', async () => {
    const { calls, request, brTag } = await compressedAnswer();
    const notModified = await request({ 'Accept-Encoding': 'br', 'If-None-Match': brTag });
    const full = await request({ 'Accept-Encoding': 'br' });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-encoding')).toBe('br');
    expect(full.headers.get('etag')).toBe(notModified.headers.get('etag'));
    expect(new TextDecoder().decode(await full.arrayBuffer())).toBe([...LONG_BODY].reverse().join(''));
    const again = await request({ 'Accept-Encoding': 'br' });
    expect(again.headers.get('content-length')).toBe(String(LONG_BODY.length));
    expect(calls).toEqual(['br']);
  });

  it('is compressed for a HEAD that does not match, which reports the coded length', async () => {
    const { calls, request } = await compressedAnswer();
    const response = await request({ 'Accept-Encoding': 'gzip', 'If-None-Match': '"stale"' }, true);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('content-length')).toBe(String(LONG_BODY.length));
    expect(response.body).toBeNull();
    expect(calls).toEqual(['gzip']);
  });

  it('answers a tag of another coding with the full body in the one asked for', async () => {
    const { request, brTag } = await compressedAnswer();
    // A reader that switched from brotli to gzip sends the brotli tag: a different variant.
    const response = await request({ 'Accept-Encoding': 'gzip', 'If-None-Match': brTag });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
  });
});
