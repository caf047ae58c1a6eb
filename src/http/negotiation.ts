/**
 * Proactive negotiation: which content coding (`Accept-Encoding`) and which feed format
 * (`Accept`) a request prefers. Quality values, wildcards and explicit refusals (`q=0`) count.
 *
 * @example
 * selectCoding('gzip;q=0.5, br', ['br', 'gzip']) // => 'br'
 * selectFeedFormat('application/atom+xml, text/html;q=0.9', 'rss') // => 'atom'
 */
import { parseAccept } from 'hono/utils/accept';
import type { FeedFormat } from '../urls.ts';
import type { ContentCoding } from './representation.ts';

/**
 * The coding to send, or `undefined` for the identity coding. Among codings of equal quality
 * the host's preference order wins; `*` stands for every coding not named.
 */
export function selectCoding(header: string | undefined, available: readonly ContentCoding[]): ContentCoding | undefined {
  if (!header || available.length === 0) return undefined;
  const entries = parseAccept(header).map(({ type, q }) => ({ coding: type.toLowerCase(), q }));
  const qualityOf = (coding: string) => entries.find((entry) => entry.coding === coding)?.q ?? entries.find((entry) => entry.coding === '*')?.q ?? 0;
  let best: ContentCoding | undefined;
  let bestQuality = 0;
  for (const coding of available) {
    const quality = qualityOf(coding);
    if (quality > bestQuality) {
      best = coding;
      bestQuality = quality;
    }
  }
  return best;
}

/** Media types that name a feed format. */
const FORMAT_MEDIA_TYPES: readonly (readonly [string, FeedFormat])[] = [
  ['application/rss+xml', 'rss'],
  ['application/atom+xml', 'atom'],
  ['application/feed+json', 'json'],
  ['application/json', 'json'],
  ['application/xml', 'rss'],
  ['text/xml', 'rss'],
];

interface Range {
  readonly range: string;
  readonly q: number;
}

/** Quality of a media type: the most specific matching range decides (RFC 9110 12.5.1). */
function qualityOf(ranges: readonly Range[], mediaType: string): { readonly q: number; readonly named: boolean } {
  const exact = ranges.find(({ range }) => range === mediaType);
  if (exact) return { q: exact.q, named: true };
  const main = mediaType.slice(0, mediaType.indexOf('/'));
  const partial = ranges.find(({ range }) => range === `${main}/*`);
  return { q: partial?.q ?? ranges.find(({ range }) => range === '*/*' || range === '*')?.q ?? 0, named: false };
}

/**
 * The feed format a request's `Accept` prefers. A format named explicitly wins by quality;
 * when only wildcards match, `fallback` answers; `undefined` means no feed format is acceptable
 * (answer 406).
 */
export function selectFeedFormat(header: string | undefined, fallback: FeedFormat): FeedFormat | undefined {
  if (!header || header.trim() === '') return fallback;
  const ranges: Range[] = parseAccept(header).map(({ type, q }) => ({ range: type.toLowerCase(), q }));
  let named: { format: FeedFormat; q: number } | undefined;
  const acceptable = new Set<FeedFormat>();
  for (const [mediaType, format] of FORMAT_MEDIA_TYPES) {
    const { q, named: isNamed } = qualityOf(ranges, mediaType);
    if (q <= 0) continue;
    acceptable.add(format);
    if (isNamed && (named === undefined || q > named.q)) named = { format, q };
  }
  if (named) return named.format;
  if (acceptable.has(fallback)) return fallback;
  return FORMAT_MEDIA_TYPES.find(([, format]) => acceptable.has(format))?.[1];
}
