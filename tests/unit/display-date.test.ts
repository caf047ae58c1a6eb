/**
 * The date an article page and the index show, as readers of the article's language write it,
 * in the site's time zone.
 */
import { describe, expect, it } from 'vitest';
import { formatDisplayDate } from '../../src/pages/article-page.ts';

const TIME = Date.parse('2024-11-12T03:04:05Z');

describe('the date shown on a page', () => {
  it("is date-fns's long date and short time in the languages it has a locale of, in the site's time zone", () => {
    expect(formatDisplayDate(TIME, 'en', 'Asia/Bangkok')).toBe('November 12th, 2024 10:04 AM');
    expect(formatDisplayDate(TIME, 'en-GB', 'UTC')).toBe('November 12th, 2024 3:04 AM');
    // date-fns's Thai locale (with the Gregorian year).
    expect(formatDisplayDate(TIME, 'th', 'Asia/Bangkok')).toBe('12 พฤศจิกายน 2024 10:04 น.');
  });

  it("is the runtime's long date and short time in any other language, not English", () => {
    expect(formatDisplayDate(TIME, 'de', 'Europe/Berlin')).toBe('12. November 2024 um 04:04');
    expect(formatDisplayDate(TIME, 'fr-CA', 'America/Toronto')).toBe(new Intl.DateTimeFormat('fr-CA', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Toronto' }).format(TIME));
    expect(formatDisplayDate(TIME, 'ja', 'Asia/Tokyo')).toBe('2024年11月12日 12:04');
  });
});
