/**
 * Representation -> Response, with the HTTP around it that feed readers rely on: validators,
 * conditional GET (304), content coding negotiated per request from variants made once,
 * explicit `Content-Length` (so HEAD reports it too), and short plain-text errors.
 */
import type { Context } from 'hono';
import type { CachePolicy } from '../site.ts';
import { buildCacheControl, ERROR_CACHE_CONTROL } from './cache-control.ts';
import { formatHttpDate, isNotModified } from './conditional.ts';
import { selectCoding } from './negotiation.ts';
import type { Compression, ContentCoding, Representation, Variant } from './representation.ts';

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  javascript: 'text/javascript; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
} as const;

/** Bodies smaller than this are sent uncompressed: the coding would cost more than it saves. */
const MIN_COMPRESSED_SIZE = 1024;

export interface RespondOptions {
  /** The site's cache policy, and when this response next changes by itself (a scheduled article). */
  readonly cache: CachePolicy;
  readonly nextChange?: number | undefined;
  /** Request headers the response varies on; `Accept-Encoding` is always added. */
  readonly vary?: readonly string[];
  /** Headers sent with both 200 and 304 (Link, CORS, Content-Location, security headers). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly compression?: Compression | undefined;
}

/**
 * Everything needed to answer GET and HEAD for one URL of one snapshot: the representation, and
 * the response headers of each of its codings, built once. Requests for an unchanged URL are
 * answered from here without routing, rendering, hashing or compressing (see `serveAnswer`).
 */
export interface Answer {
  readonly representation: Representation;
  readonly options: RespondOptions;
  /** Headers by coding ('' for identity), for a 200 and for a 304, Cache-Control left out. */
  readonly headers: Map<string, { readonly ok: Record<string, string>; readonly notModified: Record<string, string> }>;
}

export function createAnswer(representation: Representation, options: RespondOptions): Answer {
  return { representation, options, headers: new Map() };
}

/** Reads one request header (lower-case name). */
export type HeaderReader = (name: string) => string | undefined;

type NodeHeaders = Record<string, string | string[] | undefined>;

/**
 * A reader of a request's headers. On @hono/node-server (which hands Node's request over as
 * `env.incoming`) it reads Node's own header object: asking the Fetch API Request instead makes
 * the adapter build a full Headers object, which costs more than a whole 304.
 */
export function headerReader(request: Request, env: unknown): HeaderReader {
  const incoming = (env as { incoming?: { headers?: NodeHeaders } } | undefined)?.incoming?.headers;
  if (incoming) {
    return (name) => {
      const value = incoming[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
  }
  return (name) => request.headers.get(name) ?? undefined;
}

/** The header reader of a Hono request. */
export function contextHeaders(c: Context): HeaderReader {
  return headerReader(c.req.raw, c.env);
}

const codingsByHeader = new Map<string, ContentCoding | undefined>();

/** The coding for an Accept-Encoding value (a server sees few distinct values: remember them). */
function codingFor(header: string | undefined, compression: Compression): ContentCoding | undefined {
  const key = header ?? '';
  if (codingsByHeader.has(key)) return codingsByHeader.get(key);
  const coding = selectCoding(header, compression.codings);
  if (codingsByHeader.size < 256) codingsByHeader.set(key, coding);
  return coding;
}

function selectVariant(header: HeaderReader, answer: Answer): Variant | Promise<Variant> {
  const { representation, options } = answer;
  if (!options.compression || representation.body.length < MIN_COMPRESSED_SIZE) return representation;
  const coding = codingFor(header('accept-encoding'), options.compression);
  return coding === undefined ? representation : representation.encoded(coding, options.compression);
}

interface VariantHeaders {
  readonly ok: Record<string, string>;
  readonly notModified: Record<string, string>;
}

function headersFor(answer: Answer, variant: Variant): VariantHeaders {
  const key = variant.coding ?? '';
  let headers = answer.headers.get(key);
  if (headers === undefined) {
    const { representation, options } = answer;
    const notModified: Record<string, string> = {
      ETag: variant.etag,
      'Last-Modified': formatHttpDate(representation.lastModified),
      Vary: [...(options.vary ?? []), 'Accept-Encoding'].join(', '),
      ...options.headers,
    };
    const ok: Record<string, string> = {
      ...notModified,
      'Content-Type': representation.contentType,
      'Content-Length': String(variant.body.length),
      ...(variant.coding ? { 'Content-Encoding': variant.coding } : {}),
    };
    headers = { ok, notModified };
    answer.headers.set(key, headers);
  }
  return headers;
}

/** The headers to send, with Cache-Control; built once when the lifetime does not depend on the time. */
function withCacheControl(answer: Answer, headers: Record<string, string>, now: number): Record<string, string> {
  const { cache, nextChange } = answer.options;
  if (nextChange === undefined) {
    headers['Cache-Control'] ??= buildCacheControl(cache, now);
    return headers;
  }
  return { ...headers, 'Cache-Control': buildCacheControl(cache, now, nextChange) };
}

/**
 * Answers a GET or HEAD: 304 when the request's validators match, else the (negotiated) body.
 * The Response is built directly with a plain header object (Hono's c.body() would copy the
 * headers into a Headers object on every request).
 */
export function serveAnswer(header: HeaderReader, answer: Answer, now: number, head = false): Response | Promise<Response> {
  const variant = selectVariant(header, answer);
  // Synchronous whenever the variant is at hand: @hono/node-server writes a Response it gets at
  // once on a faster path than a promised one.
  return variant instanceof Promise ? variant.then((ready) => answerWith(header, answer, ready, now, head)) : answerWith(header, answer, variant, now, head);
}

/** The headers with another `Last-Modified` (see answerWith). */
function withLastModified(headers: VariantHeaders, lastModified: number): VariantHeaders {
  const stamp = { 'Last-Modified': formatHttpDate(lastModified) };
  return { ok: { ...headers.ok, ...stamp }, notModified: { ...headers.notModified, ...stamp } };
}

function answerWith(header: HeaderReader, answer: Answer, variant: Variant, now: number, head: boolean): Response {
  // A modification time later than the response's own (an article whose `updated` lies ahead)
  // is sent as the response's time, as RFC 9110 section 8.8.2.1 asks: a reader that sent it back
  // as `If-Modified-Since` would otherwise be told "not modified" until that day, whatever came
  // in meanwhile. (Such a response's headers are made per request; it is rare.)
  const lastModified = Math.min(answer.representation.lastModified, now);
  const made = headersFor(answer, variant);
  const { ok, notModified } = lastModified === answer.representation.lastModified ? made : withLastModified(made, lastModified);
  const ifNoneMatch = header('if-none-match');
  const matches = ifNoneMatch === variant.etag || isNotModified({ ifNoneMatch, ifModifiedSince: header('if-modified-since') }, { etag: variant.etag, lastModified });
  if (matches) return new Response(null, { status: 304, headers: withCacheControl(answer, notModified, now) });
  const body = head ? null : (variant.body as Uint8Array<ArrayBuffer>);
  return new Response(body, { status: 200, headers: withCacheControl(answer, ok, now) });
}

/** Answers with a representation made for this request alone. */
export function respond(c: Context, representation: Representation, options: RespondOptions, now: number): Response | Promise<Response> {
  return serveAnswer(contextHeaders(c), createAnswer(representation, options), now);
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
