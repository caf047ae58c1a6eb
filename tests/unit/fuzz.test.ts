/**
 * Property-based fuzzing: random front matter and Markdown (with hostile fragments mixed in)
 * go through the whole pipeline; whatever comes in, nothing fails, every feed is well-formed
 * XML or JSON, and no HTML that reaches a reader carries a script.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestApp, NOW } from '../support/fixtures.ts';
import { findUnsafeHtml } from '../support/html.ts';
import { readPageMetadata } from '../support/pages.ts';
import { descendants, parseXmlStrict } from '../support/xml.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '<a href="jav&#x09;ascript:alert(1)">a</a>',
  '<a href="data:text/html,<script>alert(1)</script>">d</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<form action="https://evil.example"><input></form>',
  '<svg onload=alert(1)>',
  '<style>*{}</style>',
  ']]>',
  '<![CDATA[ x ]]>',
  '&amp;&lt;&#0;&#x1F600;&bogus;',
  '\u0000\u0007\u001b\uFFFE\uD800',
  '<!-- <script> -->',
  '</div></p></article></main></body></html>',
  '<meta http-equiv="refresh" content="0">',
  '`code` **bold** _em_ # heading',
  '![img](javascript:alert(1))',
  '<a href="vbscript:x">v</a>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
];

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom(...HOSTILE));
const yamlValue = fc.oneof(
  text.map((value) => JSON.stringify(value)),
  text.map((value) => value.replace(/\n/g, ' ')),
  fc.integer().map(String),
  fc.constantFrom('null', '~', 'true', '[a, b]', '{x: 1}', '""', "'single'"),
);
const date = fc.oneof(
  fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }).map((value) => value.toISOString()),
  text.map((value) => JSON.stringify(value)),
);
const frontMatter = fc.record(
  {
    code: yamlValue,
    title: yamlValue,
    description: yamlValue,
    category: yamlValue,
    language: fc.oneof(fc.constantFrom('"en"', '"th"', '"EN-us"', '"x"', '"zh-Hant-TW"'), yamlValue),
    date,
    image: fc.oneof(fc.webUrl().map((url) => JSON.stringify(url)), yamlValue),
    origin_url: fc.oneof(fc.webUrl().map((url) => JSON.stringify(url)), yamlValue),
    tags: fc.array(text, { maxLength: 4 }).map((tags) => JSON.stringify(tags)),
    author: yamlValue,
  },
  { requiredKeys: ['date'] },
);
const body = fc.array(fc.oneof(text, fc.constantFrom(...HOSTILE), fc.constant('\n\n'), fc.constant('\n# ')), { maxLength: 12 }).map((parts) => parts.join(' '));

function fileOf(fields: Record<string, string>, markdown: string): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${value}`);
  return `---\n${lines.join('\n')}\n---\n${markdown}`;
}

const GOOD = '---\ncode: "GOOD"\ntitle: "Good"\ndate: 2024-01-01T00:00:00Z\n---\nGood body.\n';

/** The fields a reader renders as HTML: RSS description and content:encoded, Atom text constructs of type html. */
function htmlFieldsOf(xml: string): string[] {
  const root = parseXmlStrict(xml);
  return descendants(root)
    .filter((element) => ['description', 'content:encoded'].includes(element.name) || (['content', 'summary', 'title'].includes(element.name) && element.attributes.type === 'html'))
    .map((element) => element.text);
}

describe('random articles through the whole pipeline', () => {
  it('never fail, and give well-formed, script-free feeds and pages', async () => {
    await fc.assert(
      fc.asyncProperty(frontMatter, body, async (fields, markdown) => {
        const { app, errors, store } = createTestApp({ 'a.md': fileOf(fields, markdown), 'good.md': GOOD }, { now: NOW });
        for (const path of ['/rss.xml', '/atom.xml', '/feeds.opml']) {
          const response = await app.request(path);
          expect(response.status).toBe(200);
          const xml = await response.text();
          const html = htmlFieldsOf(xml);
          for (const fragment of html) expect(findUnsafeHtml(fragment)).toEqual([]);
        }
        const json = JSON.parse(await (await app.request('/feed.json')).text()) as { items: { id: string; content_html: string }[] };
        expect(json.items.some((item) => item.id === 'GOOD')).toBe(true);
        for (const item of json.items) expect(findUnsafeHtml(item.content_html)).toEqual([]);
        const { catalog } = await store.current();
        for (const article of catalog.articles.filter((candidate) => candidate.published <= NOW)) {
          const page = await app.request(`/articles/${encodeURIComponent(article.slug)}`);
          expect(page.status).toBe(200);
          const metadata = readPageMetadata(await page.text());
          expect(metadata.misplaced).toEqual([]);
          expect(metadata.elements.filter((element) => element.tag === 'script').every((script) => script.attributes.type === 'application/ld+json')).toBe(true);
          const content = metadata.elements.filter((element) => element.tag === 'div' && element.attributes.class === 'content');
          expect(content).toHaveLength(1);
        }
        expect(errors).toEqual([]);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 120) },
    );
  });
});
