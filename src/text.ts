/**
 * Character hygiene and small text helpers shared by every output format.
 *
 * Everything that reaches a feed or a page passes through `stripInvalidChars` once, at the
 * boundary where content enters the model (normalize, markdown) and again inside the XML
 * escaper, so no format can emit a character its parsers reject.
 *
 * @example
 * stripInvalidChars('a\u0000b\uD800c') // => 'abc'
 * truncateAtWordBoundary('one two three', 8, 'en') // => 'one two…'
 * slugify('World News') // => 'world-news'
 */

/**
 * Characters no XML 1.0 document may contain (C0 controls except tab/LF/CR, U+FFFE/U+FFFF,
 * lone surrogates), plus DEL and the C1 controls, which are legal XML but are parse errors in
 * HTML and never carry meaning in an article.
 */
// Written without the `u` flag (which makes V8 scan far more slowly): a surrogate is invalid
// unless it is the right half of a pair. Most text has neither controls nor surrogates, and two
// plain character classes say so fastest.
const INVALID_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_CONTROL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;
const HAS_SURROGATE = /[\uD800-\uDFFF]/;

/** Removes characters that XML 1.0 forbids (and C1 controls). Paired surrogates are kept. */
export function stripInvalidChars(value: string): string {
  return HAS_CONTROL_CHAR.test(value) || HAS_SURROGATE.test(value) ? value.replace(INVALID_CHARS, '') : value;
}

/** Turns every run of white space (including line breaks) into one space and trims the ends. */
export function collapseWhitespace(value: string): string {
  // Most values have single spaces only: then trimming is all there is to do.
  return UNUSUAL_SPACE.test(value) ? value.replace(/\s+/g, ' ').trim() : value.trim();
}

const UNUSUAL_SPACE = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}/;

/**
 * Anything {@link stripInvalidChars} or {@link collapseWhitespace} would change but the ends:
 * the characters of HAS_CONTROL_CHAR, HAS_SURROGATE and UNUSUAL_SPACE in one class (a third
 * faster than the three as alternatives), or two spaces.
 */
const NEEDS_CLEANING = /[\u0000-\u001F\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]| {2}/;

/**
 * A one-line text value as an article shows it: invalid characters removed, white space
 * collapsed. The same as `collapseWhitespace(stripInvalidChars(value))`, with one scan of the
 * text when (as nearly always) there is nothing to clean.
 */
export function cleanText(value: string): string {
  return NEEDS_CLEANING.test(value) ? collapseWhitespace(stripInvalidChars(value)) : value.trim();
}

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `maxLength` characters (plus an ellipsis) at a word boundary.
 * Word boundaries come from `Intl.Segmenter`, so scripts without spaces (Thai, Japanese)
 * are cut between words, not in the middle of one.
 */
const segmenters = new Map<string, Intl.Segmenter>();

export function truncateAtWordBoundary(text: string, maxLength: number, language: string): string {
  if (text.length <= maxLength) return text;
  let segmenter = segmenters.get(language);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' });
    segmenters.set(language, segmenter);
  }
  let end = 0;
  for (const { index, segment } of segmenter.segment(text)) {
    const segmentEnd = index + segment.length;
    if (segmentEnd > maxLength) break;
    end = segmentEnd;
  }
  // A single word longer than the limit: cut it rather than return nothing.
  const cut = end === 0 ? Array.from(text.slice(0, maxLength)).join('') : text.slice(0, end);
  return cut.replace(/[\s\p{P}]+$/u, '') + ELLIPSIS;
}

/**
 * A lower-case, URL-safe form of a value: letters (any script), marks and digits are kept,
 * every other run of characters becomes one `-`. Returns '' when nothing usable remains.
 */
export function slugify(value: string): string {
  // Already-simple names (lower-case ASCII words) need none of the Unicode work below.
  if (/^[a-z0-9_]+(?:-[a-z0-9_]+)*$/.test(value)) return value;
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}
