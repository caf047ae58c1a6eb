/**
 * Markdown body -> safe HTML, and Markdown inline text -> plain text.
 *
 * markdown-it renders CommonMark (raw HTML allowed, because archived articles carry some);
 * sanitize-html then keeps an allow-list of elements and attributes, drops scripts, event
 * handlers and every URL scheme but http, https and mailto, and - in the same pass - makes
 * every link and image URL absolute against the article's public URL.
 *
 * @example
 * await renderMarkdown('See [more](/x) <script>alert(1)</script>', 'https://news.example/articles/a')
 * // => '<p>See <a href="https://news.example/x">more</a> </p>\n'
 */
import MarkdownIt from 'markdown-it';
import { collapseWhitespace, stripInvalidChars } from '../text.ts';

import type { Token } from 'markdown-it';
import type sanitizeHtml from 'sanitize-html';

type Sanitize = typeof sanitizeHtml;

/**
 * sanitize-html, with the HTML parser and CSS parser it brings, is loaded when the first
 * article is rendered rather than at every start: about 20 ms of a start here, which a restart
 * whose first responses come from HTML kept by the last run never needs.
 */
let sanitizer: Promise<Sanitize> | undefined;
const loadSanitizer = () => (sanitizer ??= import('sanitize-html').then((loaded) => loaded.default));

const markdown = new MarkdownIt('commonmark', { html: true, linkify: false, typographer: false });
markdown.core.ruler.push('captioned_images', captionImages);

function isImageParagraph(tokens: readonly Token[], at: number): boolean {
  const children = tokens[at + 1]?.children?.filter((child) => !(child.type === 'text' && child.content.trim() === '') && child.type !== 'softbreak');
  return tokens[at]?.type === 'paragraph_open' && tokens[at + 2]?.type === 'paragraph_close' && children?.length === 1 && children[0]?.type === 'image';
}

/**
 * News articles put a photo's caption in the paragraph after it, the same words as its alt text
 * (the seed article does). That pair becomes `<figure><img><figcaption>`, so that pages and
 * feed readers show a caption rather than a paragraph that repeats the picture.
 */
function captionImages(state: { tokens: Token[]; Token: new (type: string, tag: string, nesting: -1 | 0 | 1) => Token }): void {
  const tokens = state.tokens;
  for (let at = 0; at + 5 < tokens.length; at++) {
    if (!isImageParagraph(tokens, at) || tokens[at + 3]?.type !== 'paragraph_open' || tokens[at + 5]?.type !== 'paragraph_close') continue;
    const image = tokens[at + 1]?.children?.find((child) => child.type === 'image');
    const caption = tokens[at + 4];
    const alt = collapseWhitespace(image?.content ?? '');
    if (alt === '' || caption?.type !== 'inline' || collapseWhitespace(collectText([caption])) !== alt) continue;
    const retag = (offset: number, type: string, tag: string) => Object.assign(tokens[at + offset] as Token, { type, tag });
    retag(0, 'figure_open', 'figure');
    retag(3, 'figcaption_open', 'figcaption');
    retag(5, 'figcaption_close', 'figcaption');
    const close = retag(2, 'figure_close', 'figure');
    // paragraph_close of the image moves after the caption: figure_open, inline (the image),
    // figcaption_open, inline (the caption), figcaption_close, figure_close.
    tokens.splice(at + 2, 1);
    tokens.splice(at + 5, 0, close);
    at += 5;
  }
}

const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];

/** Elements whose content is no text a reader sees: the sanitizer drops them with it, and so does plain text. */
const NON_TEXT_TAGS = ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template'] as const;
/** The start tag of one (not one closed in itself, `<iframe/>`), and its name. */
const NON_TEXT_START = new RegExp(`^<(${NON_TEXT_TAGS.join('|')})(?=[\\s>])(?![^>]*/>)`, 'i');

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

function sanitizeOptions(sanitize: Sanitize, pageUrl: string): sanitizeHtml.IOptions {
  return {
    allowedTags: [...sanitize.defaults.allowedTags, 'img', 'del', 'ins'],
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
    nonTextTags: [...NON_TEXT_TAGS],
    transformTags: { a: withAbsoluteUrl('href', pageUrl), img: withAbsoluteUrl('src', pageUrl) },
  };
}

/**
 * Renders a Markdown body to sanitized HTML whose links and images are absolute URLs, free of
 * the characters XML forbids.
 * `pageUrl` is the public URL of the article page, the base of relative references.
 */
export async function renderMarkdown(body: string, pageUrl: string): Promise<string> {
  return (await loadMarkdownRenderer())(body, pageUrl);
}

/** {@link renderMarkdown} as a synchronous function, once what it needs is loaded. */
export async function loadMarkdownRenderer(): Promise<(body: string, pageUrl: string) => string> {
  const sanitize = await loadSanitizer();
  return (body, pageUrl) => {
    const html = markdown.render(stripInvalidChars(body));
    // Character references in raw HTML (`&#1;`) come out of the sanitizer as the characters
    // themselves: strip again, so that the result can go into XML as it is.
    return stripInvalidChars(sanitize(html, sanitizeOptions(sanitize, pageUrl)));
  };
}

function collectText(tokens: readonly Token[]): string {
  let text = '';
  // An element written inline whose content no reader sees (`a <script>x()</script> b`): its
  // content is text tokens to markdown-it, and is skipped up to its end tag.
  let hiddenIn: string | undefined;
  for (const token of tokens) {
    if (hiddenIn !== undefined) {
      // (markdown-it makes an end tag one token of its own: `</script >`)
      if (token.type === 'html_inline' && token.content.toLowerCase().replace(/\s+/g, '') === `</${hiddenIn}>`) hiddenIn = undefined;
      continue;
    }
    switch (token.type) {
      case 'text':
      case 'code_inline':
        text += token.content;
        break;
      case 'html_inline':
        hiddenIn = NON_TEXT_START.exec(token.content)?.[1]?.toLowerCase();
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
