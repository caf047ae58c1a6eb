/**
 * XML escaping and character hygiene, in one place. Every text and attribute value any XML
 * output carries goes through `escapeText` / `escapeAttribute`, which drop the characters XML
 * forbids and escape the ones it reserves - except item HTML, which `htmlLeaf` writes as CDATA.
 *
 * @example
 * leaf(2, 'title', 'Tom & Jerry <3') // => '    <title>Tom &amp; Jerry &lt;3</title>'
 */
import { stripInvalidChars } from '../text.ts';

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

const TEXT_SPECIALS = /[&<>]/g;
const ATTRIBUTE_SPECIALS = /[&<>"\t\n\r]/g;
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const toEntity = (char: string) => ENTITIES[char] ?? char;

/** Character data: forbidden characters removed, `&`, `<`, `>` escaped. */
export function escapeText(value: string): string {
  return stripInvalidChars(value).replace(TEXT_SPECIALS, toEntity);
}

const PLAIN_TEXT_SPECIALS = /[&<>]/g;
const PLAIN_TEXT_REFERENCES: Readonly<Record<string, string>> = { '&': '&#x26;', '<': '&#x3C;', '>': '&gt;' };

/**
 * Character data of an RSS element that holds plain text (titles, categories, names): `&` and
 * `<` as hexadecimal character references, as the RSS Best Practices Profile asks, so that
 * readers which treat these elements as HTML still show the text as written.
 */
export function escapePlainText(value: string): string {
  return stripInvalidChars(value).replace(PLAIN_TEXT_SPECIALS, (char) => PLAIN_TEXT_REFERENCES[char] ?? char);
}

/** A double-quoted attribute value: as text, plus `"` and white space that parsers would fold. */
export function escapeAttribute(value: string): string {
  return stripInvalidChars(value).replace(ATTRIBUTE_SPECIALS, toEntity);
}

/** Escapes text for an HTML context (used where a format carries HTML inside XML). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => (char === "'" ? '&#39;' : toEntity(char)));
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

function renderAttributes(attributes: Attributes | undefined): string {
  if (attributes === undefined) return '';
  let out = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) out += ` ${name}="${escapeAttribute(String(value))}"`;
  }
  return out;
}

const indentOf = (depth: number) => '  '.repeat(depth);

/** `<name attrs>text</name>` on one line. */
export function leaf(depth: number, name: string, text: string, attributes?: Attributes): string {
  return `${indentOf(depth)}<${name}${renderAttributes(attributes)}>${escapeText(text)}</${name}>`;
}

/**
 * `<name attrs><![CDATA[html]]></name>` for an item's HTML content. Markup goes in as it is -
 * escaping every `<` of a 10 KB article cost more than all the rest of a feed - and a `]]>`
 * inside it is split across two sections. The HTML must already be free of the characters XML
 * forbids, as the output of `renderMarkdown` (articles/markdown.ts) is.
 */
export function htmlLeaf(depth: number, name: string, html: string, attributes?: Attributes): string {
  return `${indentOf(depth)}<${name}${renderAttributes(attributes)}><![CDATA[${html.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${name}>`;
}

/** `<name>text</name>` for an RSS plain-text element (see {@link escapePlainText}). */
export function plainLeaf(depth: number, name: string, text: string): string {
  return `${indentOf(depth)}<${name}>${escapePlainText(text)}</${name}>`;
}

/** `<name attrs/>`. */
export function empty(depth: number, name: string, attributes: Attributes): string {
  return `${indentOf(depth)}<${name}${renderAttributes(attributes)}/>`;
}

/** `<name attrs>`, to be closed by {@link close}. */
export function open(depth: number, name: string, attributes?: Attributes): string {
  return `${indentOf(depth)}<${name}${renderAttributes(attributes)}>`;
}

export function close(depth: number, name: string): string {
  return `${indentOf(depth)}</${name}>`;
}

/** Joins lines into a document with a trailing newline. */
export function toDocument(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
