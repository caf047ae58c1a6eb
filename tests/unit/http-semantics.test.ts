import { describe, expect, it } from 'vitest';
import { buildCacheControl } from '../../src/http/cache-control.ts';
import { isNotModified, parseEntityTags, parseHttpDate } from '../../src/http/conditional.ts';
import { articleOfOtherTool, canonicalPath, feedOfOtherTool, FEEDS_OF_OTHER_TOOLS, otherToolsFeedsOf } from '../../src/http/guards.ts';
import { selectCoding, selectFeedFormat } from '../../src/http/negotiation.ts';

const LAST_MODIFIED = Date.UTC(1994, 10, 6, 8, 49, 37, 500);
const VALIDATORS = { etag: '"abc"', lastModified: LAST_MODIFIED };

describe('parseHttpDate', () => {
  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
  ])('reads the %s form', (_, value) => {
    expect(parseHttpDate(value, Date.UTC(2026, 0, 1))).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it.each(['yesterday', '2024-11-20T10:18:06Z', 'Sun, 31 Feb 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun, 06 Nov 1994 08:49:37 PST', ''])(
    'refuses %j',
    (value) => {
      expect(parseHttpDate(value)).toBeUndefined();
    },
  );
});

describe('parseEntityTags', () => {
  it.each([
    ['"a"', ['"a"']],
    ['W/"a", "b" ,W/"c"', ['"a"', '"b"', '"c"']],
    ['*', '*'],
    ['""', ['""']],
  ])('%s', (value, expected) => {
    expect(parseEntityTags(value)).toEqual(expected);
  });

  it.each(['a', '"a" "b"', 'W/a', '"a", junk'])('refuses the malformed %s', (value) => {
    expect(parseEntityTags(value)).toBeUndefined();
  });
});

describe('isNotModified (RFC 9110 13.2.2)', () => {
  it.each([
    ['a matching tag', { ifNoneMatch: '"abc"' }, true],
    ['a weak matching tag (weak comparison)', { ifNoneMatch: 'W/"abc"' }, true],
    ['a list holding the tag', { ifNoneMatch: '"x", "abc", "y"' }, true],
    ['the wildcard', { ifNoneMatch: '*' }, true],
    ['no matching tag', { ifNoneMatch: '"x"' }, false],
    ['a malformed tag list', { ifNoneMatch: 'abc' }, false],
    ['If-Modified-Since at Last-Modified (second precision)', { ifModifiedSince: 'Sun, 06 Nov 1994 08:49:37 GMT' }, true],
    ['If-Modified-Since after Last-Modified', { ifModifiedSince: 'Mon, 07 Nov 1994 00:00:00 GMT' }, true],
    ['If-Modified-Since before Last-Modified', { ifModifiedSince: 'Sun, 06 Nov 1994 08:49:36 GMT' }, false],
    ['an unparseable If-Modified-Since', { ifModifiedSince: 'not a date' }, false],
    ['If-None-Match not matching, even with a matching If-Modified-Since', { ifNoneMatch: '"x"', ifModifiedSince: 'Mon, 07 Nov 1994 00:00:00 GMT' }, false],
    ['If-None-Match matching, even with an old If-Modified-Since', { ifNoneMatch: '"abc"', ifModifiedSince: 'Sat, 01 Jan 1994 00:00:00 GMT' }, true],
    ['no condition', {}, false],
  ])('%s -> %s', (_, request, expected) => {
    expect(isNotModified(request, VALIDATORS)).toBe(expected);
  });
});

describe('selectCoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['gzip', 'gzip'],
    ['br, gzip', 'br'],
    ['gzip, br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.1, br;q=0', 'gzip'],
    ['identity', undefined],
    ['deflate', undefined],
  ])('%j -> %s', (header, expected) => {
    expect(selectCoding(header, ['br', 'gzip'])).toBe(expected);
  });

  it('never codes when the host offers nothing', () => {
    expect(selectCoding('br, gzip', [])).toBeUndefined();
  });
});

describe('selectFeedFormat', () => {
  it.each([
    [undefined, 'rss'],
    ['*/*', 'rss'],
    ['application/atom+xml', 'atom'],
    ['application/feed+json', 'json'],
    ['application/json', 'json'],
    ['application/rss+xml;q=0.5, application/atom+xml;q=0.9', 'atom'],
    ['text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8', 'rss'],
    ['application/*', 'rss'],
    ['text/html, application/atom+xml;q=0.1', 'atom'],
    ['text/html', undefined],
    ['application/rss+xml;q=0, application/atom+xml;q=0, application/*;q=0', undefined],
  ])('%j -> %s', (header, expected) => {
    expect(selectFeedFormat(header, 'rss')).toBe(expected);
  });

  it('answers wildcards with the configured default', () => {
    expect(selectFeedFormat('*/*', 'json')).toBe('json');
  });
});

describe('buildCacheControl', () => {
  const policy = { maxAge: 300, staleWhileRevalidate: 600 };
  const now = Date.UTC(2026, 0, 1);

  it('follows the policy when nothing is scheduled', () => {
    expect(buildCacheControl(policy, now)).toBe('public, max-age=300, stale-while-revalidate=600');
  });

  it.each([
    [120, 'public, max-age=120'],
    [500, 'public, max-age=300, stale-while-revalidate=200'],
    [10_000, 'public, max-age=300, stale-while-revalidate=600'],
    [0, 'public, max-age=0'],
  ])('ends every lifetime before a publication %i s away', (seconds, expected) => {
    expect(buildCacheControl(policy, now, now + seconds * 1000)).toBe(expected);
  });
});

describe('canonicalPath', () => {
  it.each([
    ['/Category/World/RSS.xml', '/category/world/rss.xml'],
    ['/th/rss.xml/', '/th/rss.xml'],
    ['/articles/Story//', '/articles/story'],
    ['/', '/'],
  ])('%s -> %s', (path, expected) => {
    expect(canonicalPath(path)).toBe(expected);
  });
});

describe('feedOfOtherTool', () => {
  it.each([
    ['/index.xml', '/rss.xml'],
    ['/en/index.xml', '/en/rss.xml'],
    ['/categories/sport/index.xml', '/category/sport/rss.xml'],
    ['/th/categories/sport/index.xml', '/th/category/sport/rss.xml'],
    ['/feed.xml', '/atom.xml'],
    ['/feed/sport.xml', '/category/sport/atom.xml'],
    ['/feed/rss2', '/rss.xml'],
    ['/feed/atom', '/atom.xml'],
    ['/category/sport/feed/rss2', '/category/sport/rss.xml'],
  ])('%s -> %s', (path, expected) => {
    expect(feedOfOtherTool(path)).toBe(expected);
  });

  it.each(['/rss.xml', '/feed', '/articles/index.xml/x', '/a/b/c/index.xml'])('leaves %s alone', (path) => {
    expect(feedOfOtherTool(path)).toBeUndefined();
  });
});

describe('otherToolsFeedsOf, the other way round', () => {
  it.each([
    ['/rss.xml', ['/index.xml', '/feed/rss2', '/feed/rss2/', '/feed/rss', '/feed/rss/']],
    ['/atom.xml', ['/feed.xml', '/feed/atom', '/feed/atom/']],
    ['/th/rss.xml', ['/th/index.xml']],
    ['/th/atom.xml', []],
    ['/th/category/%E0%B8%82/rss.xml', ['/th/categories/%E0%B8%82/index.xml']],
    ['/category/sport/atom.xml', ['/feed/sport.xml', '/category/sport/feed/atom', '/category/sport/feed/atom/']],
    ['/feed.json', []],
  ])('%s is published by other tools at %j', (path, expected) => {
    expect(otherToolsFeedsOf(path)).toEqual(expected);
  });

  it('names only URLs that lead back to the same feed', () => {
    for (const ours of ['/rss.xml', '/atom.xml', '/en/rss.xml', '/category/sport/rss.xml', '/category/sport/atom.xml', '/en/category/sport/rss.xml']) {
      const theirs = otherToolsFeedsOf(ours);
      expect(theirs.length, ours).toBeGreaterThan(0);
      for (const path of theirs) expect(feedOfOtherTool(canonicalPath(path)), path).toBe(ours);
    }
    // Every row of the table is reached from some feed here.
    const reached = new Set(['/rss.xml', '/atom.xml', '/en/rss.xml', '/category/sport/rss.xml', '/category/sport/atom.xml', '/en/category/sport/rss.xml'].flatMap(otherToolsFeedsOf));
    for (const { theirs } of FEEDS_OF_OTHER_TOOLS) expect(reached, theirs).toContain(theirs.replace('{language}', 'en').replace('{category}', 'sport'));
  });
});

describe('articleOfOtherTool', () => {
  it.each([
    ['/posts/storm', '/articles/storm'],
    ['/2024/11/20/storm.html', '/articles/storm'],
    ['/2024/11/20/storm.htm', '/articles/storm'],
    ['/storm', '/articles/storm'],
    ['/th/%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7', '/articles/%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7'],
  ])('takes %s for %s', (path, article) => {
    expect(articleOfOtherTool(path)).toBe(article);
  });

  it.each(['/', '/articles/storm', '/articles/storm/photo', '/category/world/rss.xml', '/files/report.pdf', '/a/b.c.html'])('takes %s for no article', (path) => {
    expect(articleOfOtherTool(path)).toBeUndefined();
  });
});

