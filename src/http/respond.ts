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
import { codedEntityTag, type Compression, type ContentCoding, type Representation, type Variant } from './representation.ts';

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
  /** Headers of a 304 by coding ('' for identity), each made when first sent. */
  readonly notModified: Map<string, Record<string, string>>;
  /** Headers of a 200 by coding ('' for identity), each made when first sent. */
  readonly ok: Map<string, Record<string, string>>;
  /** Told when a coded variant is made to send it (the representation then holds more bytes). */
  readonly onCoded?: () => void;
}

export function createAnswer(representation: Representation, options: RespondOptions, onCoded?: () => void): Answer {
  return { representation, options, notModified: new Map(), ok: new Map(), ...(onCoded ? { onCoded } : {}) };
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

/** The coding `answer` is sent in to a request with these headers (`undefined`: as it is). */
function codingOf(header: HeaderReader, answer: Answer): ContentCoding | undefined {
  const { representation, options } = answer;
  if (!options.compression || representation.body.length < MIN_COMPRESSED_SIZE) return undefined;
  return codingFor(header('accept-encoding'), options.compression);
}

/** The headers every response of `answer` in one coding carries (those of a 304), Cache-Control left out. */
function validatorHeaders(answer: Answer, etag: string): Record<string, string> {
  const { representation, options } = answer;
  return {
    ETag: etag,
    'Last-Modified': formatHttpDate(representation.lastModified),
    Vary: [...(options.vary ?? []), 'Accept-Encoding'].join(', '),
    ...options.headers,
  };
}

/** A 304's headers, made once per coding. */
function notModifiedHeaders(answer: Answer, coding: ContentCoding | undefined, etag: string): Record<string, string> {
  const key = coding ?? '';
  let headers = answer.notModified.get(key);
  if (headers === undefined) {
    headers = validatorHeaders(answer, etag);
    answer.notModified.set(key, headers);
  }
  return headers;
}

/** A 200's headers, made once per coding. */
function okHeaders(answer: Answer, variant: Variant): Record<string, string> {
  const key = variant.coding ?? '';
  let headers = answer.ok.get(key);
  if (headers === undefined) {
    headers = {
      ...validatorHeaders(answer, variant.etag),
      'Content-Type': answer.representation.contentType,
      'Content-Length': String(variant.body.length),
      ...(variant.coding ? { 'Content-Encoding': variant.coding } : {}),
    };
    answer.ok.set(key, headers);
  }
  return headers;
}

/** The headers to send, with Cache-Control (and another `Last-Modified`, see serveAnswer); built once when neither depends on the time. */
function withTimes(answer: Answer, headers: Record<string, string>, now: number, lastModified: number): Record<string, string> {
  const { cache, nextChange } = answer.options;
  if (nextChange === undefined && lastModified === answer.representation.lastModified) {
    headers['Cache-Control'] ??= buildCacheControl(cache, now);
    return headers;
  }
  return { ...headers, 'Last-Modified': formatHttpDate(lastModified), 'Cache-Control': buildCacheControl(cache, now, nextChange) };
}

/**
 * Answers a GET or HEAD: 304 when the request's validators match, else the (negotiated) body.
 * The Response is built directly with a plain header object (Hono's c.body() would copy the
 * headers into a Headers object on every request).
 *
 * A 304 needs the coded variant's tag, not its bytes, so it is answered before anything is
 * compressed: a reader polling a feed that a new snapshot has not compressed yet is told "not
 * modified" for a render and a hash, not a brotli of the whole feed too. And at once, not in a
 * promise: @hono/node-server writes a Response it gets at once on a faster path than a promised
 * one (a body already compressed still comes in one).
 */
export function serveAnswer(header: HeaderReader, answer: Answer, now: number, head = false): Response | Promise<Response> {
  const { representation, options } = answer;
  // A modification time later than the response's own (an article whose `updated` lies ahead)
  // is sent as the response's time, as RFC 9110 section 8.8.2.1 asks: a reader that sent it back
  // as `If-Modified-Since` would otherwise be told "not modified" until that day, whatever came
  // in meanwhile. (Such a response's headers are made per request; it is rare.)
  const lastModified = Math.min(representation.lastModified, now);
  const coding = codingOf(header, answer);
  const etag = coding === undefined ? representation.etag : codedEntityTag(representation.etag, coding);
  const ifNoneMatch = header('if-none-match');
  if (ifNoneMatch === etag || isNotModified({ ifNoneMatch, ifModifiedSince: header('if-modified-since') }, { etag, lastModified })) {
    return new Response(null, { status: 304, headers: withTimes(answer, notModifiedHeaders(answer, coding, etag), now, lastModified) });
  }
  const ok = (variant: Variant) => new Response(head ? null : (variant.body as Uint8Array<ArrayBuffer>), { status: 200, headers: withTimes(answer, okHeaders(answer, variant), now, lastModified) });
  return coding === undefined || options.compression === undefined ? ok(representation) : representation.encoded(coding, options.compression, answer.onCoded).then(ok);
}

/** Answers with a representation without keeping the answer (`onCoded`: see Answer). */
export function respond(c: Context, representation: Representation, options: RespondOptions, now: number, onCoded?: () => void): Response | Promise<Response> {
  return serveAnswer(contextHeaders(c), createAnswer(representation, options, onCoded), now);
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
