import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync, gzip } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createContentStore } from '../../src/catalog/content-store.ts';
import { computeEntityTag } from '../../src/http/representation.ts';
import { createNodeCompression, nodeSha256 } from '../../src/node/compression.ts';
import { createMemorySource } from '../../src/sources/memory.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

/** Keeps the thread busy, as a step of a bulk change does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * A feed-sized body of text that compresses about as a feed does (to a fifth or so): words
 * drawn by a seeded generator, in paragraphs.
 */
function feedSizedBody(bytes: number): Uint8Array {
  const words = ['the', 'market', 'council', 'report', 'said', 'on', 'Tuesday', 'river', 'of', 'new', 'schools', 'budget', 'season', 'players', 'a', 'city', 'late', 'plan'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const part = next() % 11 === 0 ? `</p>\n<p>${next() % 100000}` : words[next() % words.length]!;
    parts.push(part);
    length += part.length + 1;
  }
  return new TextEncoder().encode(parts.join(' '));
}

/**
 * How many turns of the event loop `compress` takes while the main thread works in steps of
 * `stepMs`, pausing between them as the content store does: each trip the compression makes back
 * to the main thread waits for a step to end.
 */
async function stepsTaken(compress: () => Promise<unknown>, stepMs: number): Promise<number> {
  let done = false;
  const compressed = compress().finally(() => (done = true));
  let steps = 0;
  while (!done) {
    busy(stepMs);
    steps += 1;
    await new Promise((next) => setImmediate(next));
  }
  await compressed;
  return steps;
}

describe('the Node host\'s compression and hashing', () => {
  const compression = createNodeCompression();
  const body = feedSizedBody(475_000);

  it('gives bodies that decompress to the body, in either coding', async () => {
    expect(Buffer.from(gunzipSync(await compression.compress(body, 'gzip'))).equals(Buffer.from(body))).toBe(true);
    expect(Buffer.from(brotliDecompressSync(await compression.compress(body, 'br'))).equals(Buffer.from(body))).toBe(true);
    const small = new TextEncoder().encode('<p>short</p>');
    expect(gunzipSync(await compression.compress(small, 'gzip')).toString()).toBe('<p>short</p>');
  });

  it('compresses a 475 KB feed in a few turns of a busy main thread, not one per 16 KB of output', async () => {
    const compressed = await compression.compress(body, 'gzip');
    // Enough output that node:zlib's own 16 KB chunks take many trips.
    expect(compressed.length).toBeGreaterThan(5 * 16_384);
    for (const coding of ['gzip', 'br'] as const) {
      expect(await stepsTaken(() => compression.compress(body, coding), 40)).toBeLessThanOrEqual(3);
    }
    // What node:zlib does by itself, one trip per chunk: the step count above is not the loop's doing.
    expect(await stepsTaken(() => promisify(gzip)(body, { level: 6 }), 40)).toBeGreaterThan(5);
  });

  it('hashes on the main thread, no promise to wait for, to the entity tag WebCrypto gives', async () => {
    expect(nodeSha256(body)).toBeInstanceOf(Uint8Array);
    expect(await computeEntityTag(body, nodeSha256)).toBe(await computeEntityTag(body));
  });

  it('is what an app given it tags its responses with', async () => {
    const site = testSite();
    const sha256 = vi.fn(nodeSha256);
    const app = createApp({ site, store: createContentStore(createMemorySource({ 'a.md': validArticle() }), site), now: () => Date.UTC(2025, 0, 1), sha256 });
    const response = await app.request('/rss.xml');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(sha256).toHaveBeenCalledTimes(1);
    expect(response.headers.get('ETag')).toBe(await computeEntityTag(bytes));
  });
});
