import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeAttribute, escapeHtml, escapePlainText, escapeText, htmlLeaf } from '../../src/feeds/xml.ts';
import { cleanText, collapseWhitespace, slugify, stripInvalidChars, truncateAtWordBoundary } from '../../src/text.ts';
import { parseXmlStrict } from '../support/xml.ts';

describe('cleanText', () => {
  it('is collapseWhitespace(stripInvalidChars(text)) for any text', () => {
    const unit = fc.oneof(
      fc.constantFrom(' ', '  ', '\t', '\n', '\r', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u0000', '\u0085', '\uFFFE', '\uD800', '\uDC00', '\uD83D\uDE00', 'a', 'ข่'),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = units.join('');
        expect(cleanText(text)).toBe(collapseWhitespace(stripInvalidChars(text)));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('stripInvalidChars', () => {
  it.each([
    ['C0 controls except tab, LF, CR', 'a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\tg\nh\ri', 'abcdef\tg\nh\ri'],
    ['DEL and C1 controls', 'a\u007Fb\u0085c\u009Fd', 'abcd'],
    ['U+FFFE and U+FFFF', 'a\uFFFEb\uFFFFc', 'abc'],
    ['lone surrogates', 'a\uD800b\uDFFFc', 'abc'],
  ])('removes %s', (_, input, expected) => {
    expect(stripInvalidChars(input)).toBe(expected);
  });

  it('keeps paired surrogates (emoji) and every other character', () => {
    expect(stripInvalidChars('ok 😀 ไทย “quotes”')).toBe('ok 😀 ไทย “quotes”');
  });
});

describe('XML escaping', () => {
  const hostile = 'a ]]> b ]]> c & < > " \u0001 \uD800 end';

  it('makes character data that a strict parser reads back unchanged (minus forbidden characters)', () => {
    const root = parseXmlStrict(`<r>${escapeText(hostile)}</r>`);
    expect(root.text).toBe('a ]]> b ]]> c & < > "   end');
  });

  it('makes attribute values that keep quotes, tabs and newlines', () => {
    const value = 'x "y" <z> & \t\n\r';
    expect(parseXmlStrict(`<r a="${escapeAttribute(value)}"/>`).attributes.a).toBe(value);
  });

  it('writes RSS plain text with hexadecimal references for & and <', () => {
    expect(escapePlainText('AT&T <3')).toBe('AT&#x26;T &#x3C;3');
    expect(parseXmlStrict(`<r>${escapePlainText('AT&T <3')}</r>`).text).toBe('AT&T <3');
  });

  it('writes item HTML as CDATA that a strict parser reads back unchanged, "]]>" included', () => {
    const html = '<p title="]]>">a ]]> b ]]]]> c</p><![CDATA[ x ]]>';
    const leaf = htmlLeaf(0, 'content', html, { type: 'html' });
    const root = parseXmlStrict(leaf);
    expect(root.text).toBe(html);
    expect(root.attributes.type).toBe('html');
  });

  it('escapes text for HTML, quotes included', () => {
    expect(escapeHtml(`<a href="x">Tom's</a> & co`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom&#39;s&lt;/a&gt; &amp; co');
  });
});

describe('truncateAtWordBoundary', () => {
  it('returns short text unchanged', () => {
    expect(truncateAtWordBoundary('short', 10, 'en')).toBe('short');
  });

  it('cuts English between words and drops trailing punctuation', () => {
    expect(truncateAtWordBoundary('One two, three four', 9, 'en')).toBe('One two…');
  });

  it('cuts one over-long word when there is no boundary', () => {
    expect(truncateAtWordBoundary('abcdefghijklmnop', 5, 'en')).toBe('abcde…');
  });
});

describe('slugify', () => {
  it.each([
    ['WORLD', 'world'],
    ['Arts & Culture', 'arts-culture'],
    ['  --Leading and trailing--  ', 'leading-and-trailing'],
    ['a/b/../c', 'a-b-c'],
    ['ข่าว กีฬา', 'ข่าว-กีฬา'],
    ['000_af66a0ef15b64f64', '000_af66a0ef15b64f64'],
    ['ｆｕｌｌ-width', 'full-width'],
    ['!!!', ''],
  ])('%s -> %s', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });
});
