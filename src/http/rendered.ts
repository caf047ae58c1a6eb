/**
 * A response rendered once per snapshot and served many times: body, media type and the
 * time of the newest change it shows.
 */
import type { Context } from 'hono';

export interface Rendered {
  readonly body: string;
  /** Full `Content-Type` value, parameters included. */
  readonly contentType: string;
  /** Newest change the body shows, milliseconds since the epoch. */
  readonly lastModified: number;
}

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

/** Writes a rendered response. */
export function sendRendered(c: Context, rendered: Rendered): Response {
  return c.body(rendered.body, 200, {
    'Content-Type': rendered.contentType,
    'Last-Modified': new Date(rendered.lastModified).toUTCString(),
  });
}

/** A short plain-text error. */
export function sendError(c: Context, status: 400 | 404 | 405 | 500, message: string): Response {
  return c.body(`${message}\n`, status, { 'Content-Type': CONTENT_TYPES.text });
}
