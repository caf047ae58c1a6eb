/**
 * Conditional requests (RFC 9110 section 13): entity-tag lists, HTTP-dates in all three
 * formats, and the precedence that makes `If-None-Match` win over `If-Modified-Since`.
 *
 * @example
 * isNotModified({ ifNoneMatch: 'W/"abc", "def"' }, { etag: '"abc"', lastModified: 0 }) // => true
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC_850 = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function toTime(year: number, monthName: string, day: number, hour: number, minute: number, second: number): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (month === -1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  return new Date(time).getUTCDate() === day ? time : undefined;
}

/**
 * Parses an HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime forms that recipients
 * must accept). Anything else gives `undefined`.
 */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match) return toTime(Number(match[3]), match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  match = RFC_850.exec(text);
  if (match) {
    // Two-digit years: the most recent year with those digits that is not more than 50 years ahead.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
    if (year > currentYear + 50) year -= 100;
    return toTime(year, match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  }
  match = ASCTIME.exec(text);
  if (match) return toTime(Number(match[6]), match[1]!, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]));
  return undefined;
}

/** An HTTP-date (IMF-fixdate) for a time in milliseconds. */
export function formatHttpDate(time: number): string {
  return new Date(time).toUTCString();
}

const ENTITY_TAG = /\s*(W\/)?("[\x21\x23-\x7E\x80-\xFF]*")\s*(?:,|$)/gy;

/**
 * The opaque tags of an `If-None-Match` value (weakness dropped: the header uses weak
 * comparison), `'*'` for the wildcard, or `undefined` when the value is malformed.
 */
export function parseEntityTags(value: string): '*' | readonly string[] | undefined {
  const text = value.trim();
  if (text === '*') return '*';
  const tags: string[] = [];
  ENTITY_TAG.lastIndex = 0;
  while (ENTITY_TAG.lastIndex < text.length) {
    const start = ENTITY_TAG.lastIndex;
    const match = ENTITY_TAG.exec(text);
    if (!match || ENTITY_TAG.lastIndex === start) return undefined;
    tags.push(match[2]!);
  }
  return tags;
}

export interface Preconditions {
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
}

export interface Validators {
  /** Strong entity tag, quoted. */
  readonly etag: string;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
}

/**
 * Whether a GET or HEAD may be answered with 304 (RFC 9110 section 13.2.2): `If-None-Match`
 * is evaluated when present (weak comparison, lists, `*`), and `If-Modified-Since` only when it
 * is absent. An unparseable header never matches.
 */
export function isNotModified(request: Preconditions, validators: Validators): boolean {
  if (request.ifNoneMatch !== undefined) {
    const tags = parseEntityTags(request.ifNoneMatch);
    if (tags === '*') return true;
    return tags !== undefined && tags.includes(validators.etag.replace(/^W\//, ''));
  }
  if (request.ifModifiedSince !== undefined) {
    const since = parseHttpDate(request.ifModifiedSince);
    return since !== undefined && Math.floor(validators.lastModified / 1000) * 1000 <= since;
  }
  return false;
}
