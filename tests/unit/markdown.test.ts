import { describe, expect, it } from 'vitest';
import { renderMarkdown, toPlainText } from '../../src/articles/markdown.ts';
import { findUnsafeHtml, parseHtmlFragment } from '../support/html.ts';

const PAGE = 'https://news.example/articles/story';

describe('renderMarkdown', () => {
  it('renders CommonMark', async () => {
    expect(await renderMarkdown('#### Heading\n\nSome *text* and [a link](https://x.example/).', PAGE)).toBe(
      '<h4>Heading</h4>\n<p>Some <em>text</em> and <a href="https://x.example/">a link</a>.</p>\n',
    );
  });

  it.each([
    ['a relative link', '[doc](/documents/a.pdf)', 'href="https://news.example/documents/a.pdf"'],
    ['a relative image', '![alt](images/a.jpg)', 'src="https://news.example/articles/images/a.jpg"'],
    ['a relative link in raw HTML', '<a href="../x">x</a>', 'href="https://news.example/x"'],
    ['a fragment', '[top](#top)', 'href="https://news.example/articles/story#top"'],
    ['a protocol-relative image', '<img src="//cdn.example/a.png">', 'src="https://cdn.example/a.png"'],
  ])('makes %s absolute', async (_, markdown, expected) => {
    expect(await renderMarkdown(markdown, PAGE)).toContain(expected);
  });

  it.each([
    ['a script element', 'Hi <script>alert(1)</script> there'],
    ['an event handler', '<img src="https://x.example/a.png" onerror="alert(1)">'],
    ['a javascript: link', '[x](javascript:alert(1)) <a href="javascript:alert(1)">y</a>'],
    ['an entity-obfuscated javascript: link', '<a href="jav&#x09;ascript:alert(1)">y</a>'],
    ['a vbscript: link', '<a href="vbscript:msgbox">y</a>'],
    ['a data: image', '<img src="data:image/png;base64,AAAA">'],
    ['an iframe', '<iframe src="https://evil.example/"></iframe>'],
    ['a form', '<form action="https://evil.example/"><input name="q"></form>'],
    ['a style element and attribute', '<style>body{}</style><p style="position:fixed">x</p>'],
    ['an object and an embed', '<object data="x.swf"></object><embed src="x.swf">'],
  ])('removes %s', async (_, markdown) => {
    const html = await renderMarkdown(markdown, PAGE);
    expect(findUnsafeHtml(html)).toEqual([]);
    const attributeValues = parseHtmlFragment(html).elements.flatMap((element) => Object.values(element.attributes));
    expect(attributeValues.filter((value) => /alert|evil|script:|data:|x\.swf/i.test(value))).toEqual([]);
  });

  it('keeps mailto links and escapes text', async () => {
    const html = await renderMarkdown('Write to <a href="mailto:desk@news.example">us</a> & say 1 < 2', PAGE);
    expect(html).toBe('<p>Write to <a href="mailto:desk@news.example">us</a> &amp; say 1 &lt; 2</p>\n');
  });

  it('produces HTML without parse errors', async () => {
    const html = await renderMarkdown('<p>unclosed <b>bold\n\n<div><span>mis</div></span>\n\n| a |\n|---|\n', PAGE);
    expect(parseHtmlFragment(html).errors).toEqual([]);
  });

  it('removes XML-illegal characters', async () => {
    expect(await renderMarkdown('a\u0001b\uFFFEc', PAGE)).toBe('<p>abc</p>\n');
  });
});

describe('toPlainText', () => {
  it.each([
    ['# **Putin** ‘open to [talks](https://x)’', 'Putin ‘open to talks’'],
    ['Tom &amp; Jerry', 'Tom & Jerry'],
    ['![alt only](https://x/a.png)', ''],
    ['<span>raw</span> text', 'raw text'],
    ['line one\nline two', 'line one line two'],
    // what no reader sees is no text: the sanitizer drops these elements with their content
    ['See <script>alert(1)</script> more', 'See more'],
    ['a <STYLE type="text/css">p { color: red }</style > b <iframe/> c', 'a b c'],
    ['x <noscript>*enable* it</noscript> y <span>z</span>', 'x y z'],
    ['<script>never closed', ''],
  ])('%s -> %s', (markdown, expected) => {
    expect(toPlainText(markdown)).toBe(expected);
  });
});
