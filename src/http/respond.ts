/**
 * Representation -> Response, with the HTTP around it that feed readers rely on: validators,
 * conditional GET (304), content coding negotiated per request from variants made once,
 * explicit `Content-Length` (so HEAD reports it too), and short plain-text errors.
 */
import type { Context } from 'hono';
import { isNotModified, formatHttpDate } from './conditional.ts';
import { ERROR_CACHE_CONTROL } from './cache-control.ts';
import { selectCoding } from './negotiation.ts';
import type { Compression, Representation, Variant } from './representation.ts';

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

/** Bodies smaller than this are sent uncompressed: the coding would cost more than it saves. */
const MIN_COMPRESSED_SIZE = 1024;

export interface RespondOptions {
  readonly cacheControl: string;
  /** Request headers the response varies on; `Accept-Encoding` is always added. */
  readonly vary?: readonly string[];
  /** Headers sent with both 200 and 304 (Link, CORS, Content-Location, security headers). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly compression?: Compression | undefined;
}

async function selectVariant(c: Context, representation: Representation, compression: Compression | undefined): Promise<Variant> {
  if (!compression || representation.body.length < MIN_COMPRESSED_SIZE) return representation;
  const coding = selectCoding(c.req.header('accept-encoding'), compression.codings);
  return coding === undefined ? representation : representation.encoded(coding, compression);
}

export async function respond(c: Context, representation: Representation, options: RespondOptions): Promise<Response> {
  const variant = await selectVariant(c, representation, options.compression);
  const headers: Record<string, string> = {
    ETag: variant.etag,
    'Last-Modified': formatHttpDate(representation.lastModified),
    'Cache-Control': options.cacheControl,
    Vary: [...(options.vary ?? []), 'Accept-Encoding'].join(', '),
    ...options.headers,
  };
  const notModified = isNotModified(
    { ifNoneMatch: c.req.header('if-none-match'), ifModifiedSince: c.req.header('if-modified-since') },
    { etag: variant.etag, lastModified: representation.lastModified },
  );
  if (notModified) return c.body(null, 304, headers);
  headers['Content-Type'] = representation.contentType;
  headers['Content-Length'] = String(variant.body.length);
  if (variant.coding) headers['Content-Encoding'] = variant.coding;
  return c.body(variant.body as Uint8Array<ArrayBuffer>, 200, headers);
}

export type ErrorStatus = 400 | 404 | 405 | 406 | 500;

/** A short plain-text error. */
export function respondWithError(c: Context, status: ErrorStatus, message: string, headers: Record<string, string> = {}): Response {
  const body = `${message}\n`;
  return c.body(body, status, {
    'Content-Type': CONTENT_TYPES.text,
    'Content-Length': String(new TextEncoder().encode(body).length),
    'Cache-Control': status === 500 ? 'no-store' : ERROR_CACHE_CONTROL,
    ...headers,
  });
}
