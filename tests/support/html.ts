/**
 * HTML checks for tests, on parse5 (the WHATWG parsing algorithm): parse errors are collected,
 * and fragments are walked for anything a feed reader must never receive.
 */
import { parse, parseFragment, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

export interface HtmlElement {
  readonly tag: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
  /** Whether the element sits inside `<head>`. */
  readonly inHead: boolean;
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}

function collect(node: Node, out: HtmlElement[], inHead = false): HtmlElement[] {
  const head = inHead || (isElement(node) && node.tagName === 'head');
  if (isElement(node)) {
    const attributes: Record<string, string> = {};
    for (const attribute of node.attrs) attributes[attribute.name] = attribute.value;
    out.push({ tag: node.tagName, attributes, text: textOf(node), inHead: head });
  }
  if ('childNodes' in node) for (const child of node.childNodes) collect(child, out, head);
  if (node.nodeName === 'template') collect((node as DefaultTreeAdapterMap['template']).content, out, head);
  return out;
}

export interface ParsedHtml {
  readonly elements: readonly HtmlElement[];
  readonly errors: readonly string[];
}

/** Parses a whole document, recording every parse error. */
export function parseHtmlDocument(source: string): ParsedHtml {
  const errors: string[] = [];
  const document = parse(source, { onParseError: (error) => errors.push(`${error.code} at ${error.startLine}:${error.startCol}`) });
  return { elements: collect(document, []), errors };
}

/** Parses a fragment (feed content), recording every parse error. */
export function parseHtmlFragment(source: string): ParsedHtml {
  const errors: string[] = [];
  const fragment = parseFragment(source, { onParseError: (error) => errors.push(`${error.code} at ${error.startLine}:${error.startCol}`) });
  return { elements: collect(fragment, []), errors };
}

const URL_ATTRIBUTES = ['href', 'src', 'cite', 'action', 'formaction', 'poster', 'srcset'];
const FORBIDDEN_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'form', 'style', 'base', 'meta', 'link', 'frame', 'frameset']);

/**
 * What is unsafe or broken in HTML a feed reader would display: scripts and other active
 * elements, event handlers, `style` attributes, URLs that are relative or not http(s)/mailto.
 */
export function findUnsafeHtml(source: string): string[] {
  const { elements } = parseHtmlFragment(source);
  const problems: string[] = [];
  for (const element of elements) {
    if (FORBIDDEN_TAGS.has(element.tag)) problems.push(`<${element.tag}> element`);
    for (const [name, value] of Object.entries(element.attributes)) {
      if (name.startsWith('on')) problems.push(`${name} attribute on <${element.tag}>`);
      if (name === 'style') problems.push(`style attribute on <${element.tag}>`);
      if (URL_ATTRIBUTES.includes(name)) {
        if (!/^(https?:\/\/[^/]|mailto:)/i.test(value.trim())) problems.push(`${name}="${value}" on <${element.tag}> is not an absolute http(s)/mailto URL`);
      }
    }
  }
  return problems;
}
