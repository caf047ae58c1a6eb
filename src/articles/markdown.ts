/**
 * Markdown body -> safe HTML, and Markdown inline text -> plain text.
 *
 * markdown-it renders CommonMark (raw HTML allowed, because archived articles carry some);
 * sanitize-html then keeps an allow-list of elements and attributes, drops scripts, event
 * handlers and every URL scheme but http, https and mailto, and - in the same pass - makes
 * every link and image URL absolute against the article's public URL.
 *
 * @example
 * renderMarkdown('See [more](/x) <script>alert(1)</script>', 'https://news.example/articles/a')
 * // => '<p>See <a href="https://news.example/x">more</a> </p>\n'
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { collapseWhitespace, stripInvalidChars } from '../text.ts';

import type { Token } from 'markdown-it';

const markdown = new MarkdownIt('commonmark', { html: true, linkify: false, typographer: false });

const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];

/** Resolves `value` against `base`; undefined when it is not a URL at all. */
function toAbsoluteUrl(value: string | undefined, base: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return undefined;
  }
}

function withAbsoluteUrl(attribute: 'href' | 'src', base: string): sanitizeHtml.Transformer {
  return (tagName, attribs) => {
    const { [attribute]: value, ...rest } = attribs;
    const absolute = toAbsoluteUrl(value, base);
    return { tagName, attribs: absolute === undefined ? rest : { ...rest, [attribute]: absolute } };
  };
}

function sanitizeOptions(pageUrl: string): sanitizeHtml.IOptions {
  return {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins'],
    allowedAttributes: {
      a: ['href', 'title', 'hreflang'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      blockquote: ['cite'],
      q: ['cite'],
      ol: ['start', 'reversed'],
      td: ['colspan', 'rowspan', 'align'],
      th: ['colspan', 'rowspan', 'align', 'scope'],
      time: ['datetime'],
      '*': ['lang', 'dir'],
    },
    allowedClasses: { code: ['language-*'] },
    allowedSchemes: ALLOWED_SCHEMES,
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'],
    transformTags: { a: withAbsoluteUrl('href', pageUrl), img: withAbsoluteUrl('src', pageUrl) },
  };
}

/**
 * Renders a Markdown body to sanitized HTML whose links and images are absolute URLs.
 * `pageUrl` is the public URL of the article page, the base of relative references.
 */
export function renderMarkdown(body: string, pageUrl: string): string {
  const html = markdown.render(stripInvalidChars(body));
  return sanitizeHtml(html, sanitizeOptions(pageUrl));
}

function collectText(tokens: readonly Token[]): string {
  let text = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
      case 'code_inline':
        text += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        text += ' ';
        break;
      case 'inline':
        text += `${collectText(token.children ?? [])} `;
        break;
      default:
      // images, raw HTML, code blocks and markers carry no text for a title or a summary
    }
  }
  return text;
}

/**
 * The visible text of Markdown: heading and list markers, emphasis, links and entities
 * resolved; images, raw HTML and code blocks dropped; white space collapsed.
 *
 * @example
 * toPlainText('# **Putin** ‘open to [talks](https://x)’ &amp; more') // => 'Putin ‘open to talks’ & more'
 */
export function toPlainText(source: string): string {
  const tokens = markdown.parse(stripInvalidChars(source), {});
  return collapseWhitespace(collectText(tokens));
}
