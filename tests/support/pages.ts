/**
 * Checks of the metadata an article page must carry for link previews (Open Graph, Twitter
 * card), search engines (JSON-LD NewsArticle, canonical) and feed readers (discovery links).
 */
import { parseHtmlDocument, type HtmlElement } from './html.ts';

export interface PageMetadata {
  readonly title: string;
  readonly lang: string | undefined;
  readonly meta: ReadonlyMap<string, readonly string[]>;
  readonly canonical: string | undefined;
  readonly alternates: readonly { readonly type: string; readonly href: string; readonly title: string }[];
  readonly jsonLd: readonly Record<string, unknown>[];
  readonly elements: readonly HtmlElement[];
  readonly errors: readonly string[];
  /** Metadata elements found outside `<head>`. */
  readonly misplaced: readonly string[];
}

const HEAD_ONLY = new Set(['title', 'meta', 'link']);

export function readPageMetadata(source: string): PageMetadata {
  const { elements, errors } = parseHtmlDocument(source);
  const meta = new Map<string, string[]>();
  const misplaced: string[] = [];
  for (const element of elements) {
    if ((HEAD_ONLY.has(element.tag) || (element.tag === 'script' && element.attributes.type === 'application/ld+json')) && !element.inHead) {
      misplaced.push(element.tag);
    }
    if (element.tag !== 'meta') continue;
    const key = element.attributes.property ?? element.attributes.name;
    if (key === undefined) continue;
    meta.set(key, [...(meta.get(key) ?? []), element.attributes.content ?? '']);
  }
  const links = elements.filter((element) => element.tag === 'link');
  return {
    title: elements.find((element) => element.tag === 'title')?.text ?? '',
    lang: elements.find((element) => element.tag === 'html')?.attributes.lang,
    meta,
    canonical: links.find((link) => link.attributes.rel === 'canonical')?.attributes.href,
    alternates: links
      .filter((link) => link.attributes.rel === 'alternate')
      .map((link) => ({ type: link.attributes.type ?? '', href: link.attributes.href ?? '', title: link.attributes.title ?? '' })),
    jsonLd: elements
      .filter((element) => element.tag === 'script' && element.attributes.type === 'application/ld+json')
      .map((element) => JSON.parse(element.text) as Record<string, unknown>),
    elements,
    errors,
    misplaced,
  };
}

/** Open Graph and Twitter properties every article page must have (image ones only with an image). */
export const REQUIRED_META = [
  'description',
  'og:type',
  'og:title',
  'og:description',
  'og:url',
  'og:site_name',
  'og:locale',
  'article:published_time',
  'article:modified_time',
  'twitter:card',
  'twitter:title',
  'twitter:description',
] as const;
