/**
 * The baseline server of `npm run bench`: bare Hono on @hono/node-server answering constant
 * responses - `/body?file=F` (the bytes of file F, which the bench fills with the body wirefeed
 * sent) and `/not-modified` (a 304) - with the same set of headers wirefeed sends, so that both
 * put the same bytes on the wire and the comparison measures what wirefeed does per request,
 * not what it says. The same bytes, not as many: a load generator that parses what it reads, as
 * autocannon does, took a feed's XML at a third of the rate of as many bytes of one letter.
 */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const HEADERS = {
  ETag: '"aaaaaaaaaaaaaaaaaaaaaa"',
  'Last-Modified': 'Thu, 21 Nov 2024 08:45:12 GMT',
  Vary: 'Accept-Encoding',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Last-Modified, Link, Content-Location',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'public, max-age=300, stale-while-revalidate=600',
};

/** Each file's bytes, read at its first request. */
const bodies = new Map<string, Uint8Array>();
const app = new Hono();
app.get('/body', (c) => {
  const file = c.req.query('file') ?? '';
  let body = bodies.get(file);
  if (body === undefined) {
    body = new Uint8Array(readFileSync(file));
    bodies.set(file, body);
  }
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { ...HEADERS, 'Content-Type': 'application/rss+xml; charset=utf-8', 'Content-Length': String(body.length) });
});
app.get('/not-modified', (c) => c.body(null, 304, HEADERS));

serve({ fetch: app.fetch, port: Number(process.env.PORT) }, (info) => console.log(`listening on ${info.port}`));
