/**
 * The baseline server of `npm run bench`: bare Hono on @hono/node-server answering constant
 * responses - `/body?size=N` (a body of N bytes) and `/not-modified` (a 304) - with the same
 * set of headers wirefeed sends, so that both put the same bytes on the wire and the comparison
 * measures what wirefeed does per request, not what it says.
 */
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

const bodies = new Map<number, Uint8Array>();
const app = new Hono();
app.get('/body', (c) => {
  const size = Number(c.req.query('size') ?? 1024);
  let body = bodies.get(size);
  if (body === undefined) {
    body = new Uint8Array(size).fill(0x61);
    bodies.set(size, body);
  }
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { ...HEADERS, 'Content-Type': 'application/rss+xml; charset=utf-8', 'Content-Length': String(size) });
});
app.get('/not-modified', (c) => c.body(null, 304, HEADERS));

serve({ fetch: app.fetch, port: Number(process.env.PORT) }, (info) => console.log(`listening on ${info.port}`));
