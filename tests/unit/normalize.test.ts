import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeArticle } from '../../src/articles/normalize.ts';
import { articleText, contentOfText, normalizeText, testSite, validArticle } from '../support/fixtures.ts';

const SEED = readFileSync('content/2024/11/000_af66a0ef15b64f64.txt', 'utf8');

function articleOf(text: string, site = testSite(), path?: string) {
  const result = normalizeText(text, site, path);
  if (!result.article) throw new Error(`no article: ${JSON.stringify(result.problems)}`);
  return { ...result.article, body: contentOfText(text) };
}

function problemsOf(text: string, site = testSite()) {
  return normalizeText(text, site).problems.map(({ severity, field, message }) => ({ severity, field, message }));
}

it("reads Hugo's TOML front matter (between +++ lines) as it reads the same fields in YAML", () => {
  const fields = [
    ['code', '"T1"', '"T1"'],
    ['title', '"Storm hits the coast"', '"Storm hits the coast"'],
    ['category', '"WORLD"', '"WORLD"'],
    ['language', '"th"', '"th"'],
    ['date', '2024-11-20T10:00:00+07:00', '2024-11-20T10:00:00+07:00'],
    ['lastmod', '2024-11-21 08:00:00', '2024-11-21T08:00:00'],
    ['tags', '[a, b]', '["a", "b"]'],
    ['draft', 'false', 'false'],
  ];
  const yamlText = `---\n${fields.map(([key, yaml]) => `${key}: ${yaml}`).join('\n')}\n---\nBody text.\n`;
  const tomlText = `+++\n${fields.map(([key, , toml]) => `${key} = ${toml}`).join('\n')}\n+++\nBody text.\n`;
  const fromToml = articleOf(tomlText, testSite({ timeZone: 'Asia/Bangkok' }));
  expect(fromToml).toEqual(articleOf(yamlText, testSite({ timeZone: 'Asia/Bangkok' })));
  // A local date-time is read in the site's time zone, as in YAML.
  expect(fromToml.updated).toBe(Date.UTC(2024, 10, 21, 1));
});

describe('the seed article', () => {
  const article = articleOf(SEED, testSite(), '2024/11/000_af66a0ef15b64f64.txt');

  it('takes its empty title from the first text line of the body', () => {
    expect(article.title).toBe('Putin ‘open to Ukraine truce talks with Trump’');
  });

  it('does not repeat the title line at the top of the content', () => {
    expect(article.body).not.toContain('Putin ‘open to Ukraine truce talks with Trump’');
    expect(article.body?.startsWith('![People block the entrance')).toBe(true);
  });

  it('keeps every other front-matter field as the format says', () => {
    expect(article).toMatchObject({
      id: 'ART24112010122JGQ5U',
      slug: '000_af66a0ef15b64f64',
      language: 'en',
      category: { slug: 'world', name: 'WORLD' },
      published: Date.parse('2024-11-20T10:18:06.127Z'),
      updated: Date.parse('2024-11-20T10:18:06.127Z'),
      image: 'https://github.com/user-attachments/assets/daec8601-219c-4325-916a-d935899a0af1',
      originUrl: 'https://www.bangkokpost.com/world/2905601/putin-open-to-ukraine-truce-talks-with-trump',
    });
    expect(article.description).toMatch(/^MOSCOW — Russian President Vladimir Putin is open/);
  });

  it('is reported without any problem', () => {
    expect(normalizeText(SEED).problems).toEqual([]);
  });

  it('comes out frozen', () => {
    const frozen = normalizeText(SEED).article!;
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.tags)).toBe(true);
  });
});

describe('title', () => {
  it.each([
    ['an empty heading, an image and blank lines are skipped', '# \n\n![alt](https://x.example/a.jpg)\n\nReal title\n\nFirst paragraph.', 'Real title'],
    ['Markdown is stripped', '**Bold** and [a link](https://x.example) `code`\n\nBody.', 'Bold and a link code'],
    ['a heading line gives its text', '## The heading ##\n\nBody.', 'The heading'],
    ['entities are decoded', 'Tom &amp; Jerry &lt;3\n\nBody.', 'Tom & Jerry <3'],
    ['raw HTML lines without text are skipped', '<!-- note -->\n<br>\nThe title\n\nBody.', 'The title'],
    ['a thematic break is skipped', '---\n\n***\n\nAfter the break\n\nBody.', 'After the break'],
  ])('from the body: %s', (_, body, expected) => {
    expect(articleOf(validArticle({ title: '""' }, body)).title).toBe(expected);
  });

  it('treats a title of only white space as empty', () => {
    expect(articleOf(validArticle({ title: '"   "' }, 'From body\n\nText.')).title).toBe('From body');
  });

  it('treats a missing title like an empty one', () => {
    const text = articleText({ code: '"X"', date: '2024-01-01T00:00:00Z' }, 'The headline\n\nText.');
    expect(articleOf(text).title).toBe('The headline');
  });

  it('removes a setext underline together with the title line', () => {
    const article = articleOf(validArticle({ title: '""' }, 'Headline\n========\n\nText.'));
    expect(article.title).toBe('Headline');
    expect(article.body).toBe('Text.');
  });

  it('keeps a given title and does not repeat it when the body starts with it', () => {
    const article = articleOf(validArticle({ title: '"Same words"' }, '# Same words\n\nText.'));
    expect(article.title).toBe('Same words');
    expect(article.body).toBe('Text.');
  });

  it.each([
    ['an entity', '"Café news"', 'Caf&eacute; news'],
    ['emphasis inside a word', '"Same words"', 'Same wo*rd*s'],
    ['an escaped mark', '"Same words!"', 'Same words\\!'],
    ['a link', '"Same words"', '[Same words](https://x.example/)'],
  ])('does not repeat a given title that the first line writes with %s', (_, title, line) => {
    expect(articleOf(validArticle({ title }, `${line}\n\nText.`)).body).toBe('Text.');
  });

  it('keeps the body whole when its first line has every word of the title but is another line', () => {
    expect(articleOf(validArticle({ title: '"Same words"' }, 'Same words, and more\n\nText.')).body).toBe('Same words, and more\n\nText.');
  });

  it('keeps the body whole when the given title differs from its first line', () => {
    expect(articleOf(validArticle({ title: '"Other"' }, 'First line\n\nText.')).body).toBe('First line\n\nText.');
  });

  it('is an error when neither the field nor the body has any text', () => {
    expect(problemsOf(validArticle({ title: '""' }, '# \n\n![only an image](https://x.example/a.jpg)\n'))).toEqual([
      { severity: 'error', field: 'title', message: 'is empty and the body has no text line to take it from' },
    ]);
  });

  it('reads a number as text, with a warning', () => {
    const result = normalizeText(validArticle({ title: '1984' }));
    expect(result.article?.title).toBe('1984');
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'title' }]);
  });

  it('is an error when it is a list', () => {
    expect(problemsOf(validArticle({ title: '[a, b]' }))).toEqual([{ severity: 'error', field: 'title', message: 'must be text, not a list' }]);
  });

  it('is an error when it is a mapping, named as YAML names it', () => {
    expect(problemsOf(validArticle({ title: '{ en: Storm }' }))).toEqual([{ severity: 'error', field: 'title', message: 'must be text, not a mapping' }]);
  });
});

describe('description', () => {
  it('is the given summary, whole', () => {
    const long = 'word '.repeat(200).trim();
    expect(articleOf(validArticle({ description: `"${long}"` })).description).toBe(long);
  });

  it('falls back to the first paragraph of the body as plain text', () => {
    const body = '#### A heading\n\n![img](https://x.example/i.jpg)\n\nThe **first** [paragraph](https://x.example)\ncontinues here.\n\nSecond.';
    expect(articleOf(validArticle({ description: '""' }, body)).description).toBe('The first paragraph continues here.');
  });

  it('skips the title line when the title came from the body', () => {
    expect(articleOf(validArticle({ title: '""', description: '""' }, 'Headline\n\nThe lede.')).description).toBe('The lede.');
  });

  it('is cut at a word boundary with an ellipsis', () => {
    const site = testSite({ summaryLength: 40 });
    const body = 'Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda.';
    expect(articleOf(validArticle({ description: '""' }, body), site).description).toBe('Alpha beta gamma delta epsilon zeta eta…');
  });

  it('is cut between Thai words, which are not separated by spaces', () => {
    const site = testSite({ summaryLength: 40 });
    const body = 'กรมควบคุมมลพิษเตือนว่าค่าฝุ่นละอองขนาดเล็กในจังหวัดเชียงใหม่มีแนวโน้มเกินค่ามาตรฐาน';
    const { description } = articleOf(validArticle({ description: '""', language: '"th"' }, body), site);
    expect(description.endsWith('…')).toBe(true);
    const kept = description.slice(0, -1);
    expect(kept.length).toBeLessThanOrEqual(40);
    const boundaries = [...new Intl.Segmenter('th', { granularity: 'word' }).segment(body)].map((s) => s.index);
    expect(boundaries).toContain(kept.length);
  });

  it('falls back to the title when the body has no paragraph', () => {
    expect(articleOf(validArticle({ description: '""' }, '#### Only a heading\n')).description).toBe('A title');
  });
});

describe('code', () => {
  it('is the permanent id', () => {
    expect(articleOf(validArticle({ code: '"ART24112010122JGQ5U"' })).id).toBe('ART24112010122JGQ5U');
  });

  it('falls back to an id from the file path, with a warning', () => {
    const text = articleText({ title: '"T"', date: '2024-01-01T00:00:00Z' });
    const result = normalizeText(text, testSite(), '2024/11/no-code.md');
    expect(result.article?.id).toBe('path:2024/11/no-code');
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'code' }]);
  });

  it('warns that an unquoted number may lose its exact form', () => {
    const result = normalizeText(validArticle({ code: '00123' }));
    expect(result.article?.id).toBe('123');
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'code', line: 2 }]);
  });
});

describe('date', () => {
  it.each([
    ['an unquoted ISO date-time', '2024-11-20T10:18:06.127Z', '2024-11-20T10:18:06.127Z'],
    ['a quoted ISO date-time', '"2024-11-20T10:18:06Z"', '2024-11-20T10:18:06.000Z'],
    ['an offset', '2024-11-20T17:18:06+07:00', '2024-11-20T10:18:06.000Z'],
    ['no time zone: the site zone (UTC)', '2024-11-20 10:18:06', '2024-11-20T10:18:06.000Z'],
    ['a date only: midnight in the site zone', '2024-11-20', '2024-11-20T00:00:00.000Z'],
  ])('reads %s', (_, value, expected) => {
    expect(new Date(articleOf(validArticle({ date: value })).published).toISOString()).toBe(expected);
  });

  it('reads a Date object, as other YAML schemas hand it over', () => {
    const data = { code: 'X', title: 'T', date: new Date('2024-11-20T10:18:06.127Z') };
    const result = normalizeArticle('a.md', { data, body: 'Body', lines: {}, bodyLine: 5 }, testSite());
    expect(result.article?.published).toBe(Date.parse('2024-11-20T10:18:06.127Z'));
  });

  it('reads a date without a zone in the configured time zone', () => {
    const site = testSite({ timeZone: 'Asia/Bangkok' });
    expect(new Date(articleOf(validArticle({ date: '2024-11-20 10:18:06' }), site).published).toISOString()).toBe('2024-11-20T03:18:06.000Z');
  });

  it.each([
    ['text that is no date', '"next tuesday"', 'cannot read "next tuesday" as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z'],
    ['an impossible day', '2024-02-30', 'cannot read "2024-02-30" as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z'],
    ['a number', '2024', 'cannot read a number as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z'],
  ])('is an error for %s', (_, value, message) => {
    expect(problemsOf(validArticle({ date: value }))).toEqual([{ severity: 'error', field: 'date', message }]);
  });

  it('reads a UTC date and time only on a day the calendar has (leap years by the Gregorian rule)', () => {
    for (const day of ['2024-02-29', '2000-02-29', '2023-12-31', '2023-04-30', '0000-02-29']) {
      expect(new Date(articleOf(validArticle({ date: `${day}T10:18:06Z` })).published).toISOString()).toBe(`${day}T10:18:06.000Z`);
    }
    for (const day of ['2023-02-29', '2100-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-32']) {
      expect(problemsOf(validArticle({ date: `${day}T10:18:06Z` }))).toEqual([expect.objectContaining({ severity: 'error', field: 'date' })]);
    }
  });

  it('reads any real UTC date and time to the millisecond Date.parse gives', () => {
    const two = (value: number) => String(value).padStart(2, '0');
    const moment = fc.record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hours: fc.integer({ min: 0, max: 23 }),
      minutes: fc.integer({ min: 0, max: 59 }),
      seconds: fc.option(fc.integer({ min: 0, max: 59 })),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
    });
    fc.assert(
      fc.property(moment, ({ year, month, day, hours, minutes, seconds, fraction }) => {
        const time = seconds === null ? '' : `:${two(seconds)}${fraction === null ? '' : `.${fraction}`}`;
        const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}${time}Z`;
        expect(articleOf(validArticle({ date: text })).published).toBe(Date.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('is an error when missing', () => {
    expect(problemsOf(articleText({ code: '"X"', title: '"T"' }))).toEqual([{ severity: 'error', field: 'date', message: 'is missing' }]);
  });

  it('accepts a future date: the catalog holds the article back, not the normalizer', () => {
    expect(articleOf(validArticle({ date: '2099-01-01T00:00:00Z' })).published).toBe(Date.UTC(2099, 0, 1));
  });

  // Hugo holds a page back until its publish date and dates its RSS items by it.
  it.each(['publishDate', 'publishdate', 'pubdate', 'published'])("is Hugo's `%s` where given, ahead of `date`", (field) => {
    expect(articleOf(validArticle({ [field]: '2024-12-01T00:00:00Z' })).published).toBe(Date.UTC(2024, 11, 1));
    expect(articleOf(articleText({ code: '"X"', title: '"T"', [field]: '2024-12-02T00:00:00Z' })).published).toBe(Date.UTC(2024, 11, 2));
  });

  it("is `date` where Jekyll's `published` is true or false, not a date", () => {
    expect(articleOf(validArticle({ published: 'true' })).published).toBe(Date.parse('2024-11-20T10:18:06.127Z'));
  });

  it('names the publish date when it cannot be read, and no missing date besides', () => {
    expect(problemsOf(articleText({ code: '"X"', title: '"T"', publishDate: 'soon' }))).toEqual([
      { severity: 'error', field: 'publishDate', message: 'cannot read "soon" as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z' },
    ]);
  });

  it.each(['expiryDate', 'expirydate', 'unpublishdate'])("warns that Hugo's `%s` is not acted on, and serves the article", (field) => {
    const result = normalizeText(validArticle({ [field]: '2020-01-01T00:00:00Z' }));
    expect(result.article).toBeDefined();
    expect(result.problems).toMatchObject([
      { severity: 'warning', field, message: 'is not acted on: the article stays in every feed and page after it; to take it down, remove the file or set `draft: true`' },
    ]);
  });
});

describe('updated', () => {
  it('defaults to the publication date', () => {
    const article = articleOf(validArticle());
    expect(article.updated).toBe(article.published);
  });

  it.each(['updated', 'modified', 'lastmod', 'last_modified_at'])('is read from `%s`', (field) => {
    expect(articleOf(validArticle({ [field]: '2024-12-01T00:00:00Z' })).updated).toBe(Date.UTC(2024, 11, 1));
  });

  it('is read from the first of `updated`, `modified`, `lastmod` and `last_modified_at` given', () => {
    expect(articleOf(validArticle({ lastmod: '2024-12-02T00:00:00Z', modified: '2024-12-01T00:00:00Z' })).updated).toBe(Date.UTC(2024, 11, 1));
    expect(articleOf(validArticle({ last_modified_at: '2024-12-03T00:00:00Z', lastmod: '2024-12-02T00:00:00Z' })).updated).toBe(Date.UTC(2024, 11, 2));
  });

  it('is ignored with a warning when earlier than the publication date', () => {
    const result = normalizeText(validArticle({ updated: '2020-01-01T00:00:00Z' }));
    expect(result.article?.updated).toBe(result.article?.published);
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'updated' }]);
  });
});

describe('language', () => {
  it.each([
    ['missing: the site default', undefined, 'en'],
    ['canonical casing', '"EN-us"', 'en-US'],
    ['underscore instead of hyphen', '"pt_br"', 'pt-BR'],
    ['Thai', '"th"', 'th'],
  ])('%s', (_, value, expected) => {
    const fields = value === undefined ? { language: '""' } : { language: value };
    expect(articleOf(validArticle(fields)).language).toBe(expected);
  });

  it('uses the configured default language', () => {
    expect(articleOf(validArticle({ language: '""' }), testSite({ defaultLanguage: 'th' })).language).toBe('th');
  });

  it('is an error when it is not a language tag', () => {
    expect(problemsOf(validArticle({ language: '"english!"' }))).toMatchObject([{ severity: 'error', field: 'language' }]);
  });
});

describe('category', () => {
  it('has a lower-case URL slug and keeps its name as written', () => {
    expect(articleOf(validArticle({ category: '"WORLD"' })).category).toEqual({ slug: 'world', name: 'WORLD' });
  });

  it('takes the display name from the site configuration', () => {
    const site = testSite({ categories: { world: { name: 'World' } } });
    expect(articleOf(validArticle({ category: '"WORLD"' }), site).category).toEqual({ slug: 'world', name: 'World' });
  });

  it.each([
    ['spaces', '"Local News"', 'local-news'],
    ['slashes and dots', '"../etc/passwd"', 'etc-passwd'],
    ['an ampersand', '"Arts & Culture"', 'arts-culture'],
    ['Thai script', '"ข่าวกีฬา"', 'ข่าวกีฬา'],
  ])('makes a URL-safe slug from %s', (_, value, slug) => {
    expect(articleOf(validArticle({ category: value })).category?.slug).toBe(slug);
  });

  it('is left out, with a warning, when nothing URL-safe remains', () => {
    const result = normalizeText(validArticle({ category: '"!!!"' }));
    expect(result.article?.category).toBeUndefined();
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'category' }]);
  });

  it('is optional', () => {
    expect(articleOf(validArticle({ category: '""' })).category).toBeUndefined();
  });

  describe("Hugo's and Jekyll's categories list", () => {
    it('gives the first as the category when there is no category field; the others become tags', () => {
      const article = articleOf(validArticle({ category: '""', categories: '["World", "Business", "Asia"]', tags: '["storm"]' }));
      expect(article.category).toEqual({ slug: 'world', name: 'World' });
      expect(article.tags).toEqual(['storm', 'Business', 'Asia']);
    });

    it('reads a single name written as text', () => {
      expect(articleOf(validArticle({ category: '""', categories: '"Local News"' })).category).toEqual({ slug: 'local-news', name: 'Local News' });
    });

    it('gives way to a category field, whose name is then no tag again', () => {
      const article = articleOf(validArticle({ category: '"business"', categories: '["World", "Business"]' }));
      expect(article.category?.slug).toBe('business');
      expect(article.tags).toEqual(['World']);
    });

    it('names the categories field when its first entry makes no URL', () => {
      const result = normalizeText(validArticle({ category: '""', categories: '["!!!"]' }));
      expect(result.article?.category).toBeUndefined();
      expect(result.problems).toMatchObject([{ severity: 'warning', field: 'categories' }]);
    });

    it('reads them from TOML front matter too', () => {
      const toml = '+++\ncode = "H-1"\ntitle = "Storm"\ndate = 2024-11-20T10:18:06Z\ncategories = ["World", "Weather"]\n+++\nBody.\n';
      const article = articleOf(toml);
      expect(article.category).toEqual({ slug: 'world', name: 'World' });
      expect(article.tags).toEqual(['Weather']);
    });
  });
});

describe('image and origin_url', () => {
  it('keeps an absolute image URL without an extension as it is', () => {
    const url = 'https://github.com/user-attachments/assets/daec8601-219c-4325-916a-d935899a0af1';
    expect(articleOf(validArticle({ image: `"${url}"` })).image).toBe(url);
  });

  it('makes a relative image path absolute against the base URL', () => {
    expect(articleOf(validArticle({ image: '"/images/a b.jpg"' })).image).toBe('https://news.example/images/a%20b.jpg');
  });

  it.each(['"javascript:alert(1)"', '"data:image/png;base64,AAAA"'])('drops %s with a warning', (value) => {
    const result = normalizeText(validArticle({ image: value }));
    expect(result.article?.image).toBeUndefined();
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'image' }]);
  });

  it('gives an absolute URL as the URL parser gives it back, whatever its host and path (some are read without the parser)', () => {
    const scheme = fc.constantFrom('http://', 'https://', 'HTTPS://', 'ftp://');
    const label = fc.constantFrom('a', 'news', 'b-1', '-x', 'xn--nxasmq6b', 'xn--zz', '0x1f', '123', 'A', 'ex_ample', '');
    const segment = fc.constantFrom('', '.', '..', 'x', 'a.b', '~u', '%41', 'a b', 'Q', '-', '_', '..x', '.x');
    const url = fc
      .tuple(scheme, fc.array(label, { minLength: 1, maxLength: 4 }), fc.array(segment, { maxLength: 4 }), fc.constantFrom('', '?q=1', '#f'))
      .map(([start, labels, segments, end]) => `${start}${labels.join('.')}${segments.map((part) => `/${part}`).join('')}${end}`);
    fc.assert(
      fc.property(url, (text) => {
        const expected = URL.canParse(text) && /^https?:$/.test(new URL(text).protocol) ? new URL(text).href : undefined;
        expect(normalizeText(validArticle({ origin_url: JSON.stringify(text) })).article?.originUrl).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps an absolute origin_url and drops a relative one', () => {
    expect(articleOf(validArticle({ origin_url: '"https://origin.example/a"' })).originUrl).toBe('https://origin.example/a');
    const result = normalizeText(validArticle({ origin_url: '"/a"' }));
    expect(result.article?.originUrl).toBeUndefined();
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'origin_url' }]);
  });
});

describe('author, tags, draft, slug', () => {
  it.each([
    ['a name', '"Ann Lee"', [{ name: 'Ann Lee' }]],
    ['a list of names', '["Ann", "Bo"]', [{ name: 'Ann' }, { name: 'Bo' }]],
    ['a mapping', '{ name: "Ann", url: "https://ann.example/" }', [{ name: 'Ann', url: 'https://ann.example/' }]],
  ])('author as %s', (_, value, expected) => {
    expect(articleOf(validArticle({ author: value })).authors).toEqual(expected);
  });

  it('has no author of its own when none is given', () => {
    expect(articleOf(validArticle()).authors).toEqual([]);
  });

  it.each([
    ['a list', '["Ukraine", "NATO", "Ukraine"]', ['Ukraine', 'NATO']],
    ['comma-separated text', '"Economy, Rates"', ['Economy', 'Rates']],
  ])('tags as %s', (_, value, expected) => {
    expect(articleOf(validArticle({ tags: value })).tags).toEqual(expected);
  });

  it('skips a tag that is not text, with a warning', () => {
    const result = normalizeText(validArticle({ tags: '["ok", [nested]]' }));
    expect(result.article?.tags).toEqual(['ok']);
    expect(result.problems).toMatchObject([{ severity: 'warning', field: 'tags' }]);
  });

  it('keeps the names of a category and an author that are also names every object has', () => {
    const article = articleOf(validArticle({ category: 'constructor', author: 'Constructor' }));
    expect(article.category).toEqual({ slug: 'constructor', name: 'constructor' });
    expect(article.authors).toEqual([{ name: 'Constructor' }]);
  });

  it('marks `draft: true` as a draft', () => {
    expect(normalizeText(validArticle({ draft: 'true' })).draft).toBe(true);
    expect(normalizeText(validArticle({ draft: 'false' })).draft).toBe(false);
  });

  it("marks Jekyll's `published: false` as a draft (Jekyll does not publish it)", () => {
    expect(normalizeText(validArticle({ published: 'false' })).draft).toBe(true);
    expect(normalizeText(validArticle({ published: '"no"' })).draft).toBe(true);
    expect(normalizeText(validArticle({ published: 'true' })).draft).toBe(false);
    expect(normalizeText(validArticle({ published: '2024-12-01T00:00:00Z' })).draft).toBe(false);
  });

  it.each([
    ['the file name', {}, '2024/11/my-story.md', 'my-story'],
    ['the file name without a Jekyll date prefix', {}, '2024/11/2024-11-20-my-story.markdown', 'my-story'],
    ['the slug field', { slug: '"Custom Slug"' }, '2024/11/x.md', 'custom-slug'],
    ["a page bundle's folder name (Hugo's index.md)", {}, '2024/my-story/index.md', 'my-story'],
    ["a page bundle's folder name without a date prefix", {}, '2024/2024-11-20-my-story/index.md', 'my-story'],
    ['the file name of an index.md in no folder', {}, 'index.md', 'index'],
    ['the file name of a file named like index but another', {}, '2024/my-story/index-2.md', 'index-2'],
    ['the slug field, in a page bundle', { slug: '"Custom Slug"' }, '2024/my-story/index.md', 'custom-slug'],
  ])('takes the slug from %s', (_, fields, path, slug) => {
    expect(articleOf(validArticle(fields), testSite(), path).slug).toBe(slug);
  });
});

it('cleans XML-illegal characters out of text fields', () => {
  const article = articleOf(validArticle({ title: '"Bad\\x01 char\\uFFFE here"' }));
  expect(article.title).toBe('Bad char here');
});

it('reports every problem of a file with its line', () => {
  const text = articleText({ code: '"X"', title: '"T"', language: '"!!"', date: '"soon"' });
  expect(normalizeText(text).problems).toEqual([
    { path: '2024/11/a.md', severity: 'error', field: 'language', line: 4, message: '"!!" is not a BCP 47 language tag (e.g. "en", "th", "pt-BR")' },
    { path: '2024/11/a.md', severity: 'error', field: 'date', line: 5, message: 'cannot read "soon" as a date; write ISO 8601, e.g. 2024-11-20T10:18:06Z' },
  ]);
});
