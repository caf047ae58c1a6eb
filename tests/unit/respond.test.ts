import { describe, expect, it } from 'vitest';
import { formatHttpDate } from '../../src/http/conditional.ts';
import { createRepresentation } from '../../src/http/representation.ts';
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
