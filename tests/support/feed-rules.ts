/**
 * Spec checks for the three feed formats, stricter than any reader: each function returns the
 * list of violations (empty when the feed is valid). They follow RSS 2.0 (and the RSS Advisory
 * Board's profile), RFC 4287 (Atom) and JSON Feed 1.1, plus the W3C Feed Validator's warnings
 * that apply to what wirefeed writes.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { findUnsafeHtml } from './html.ts';
import { childrenNamed, descendants, parseXmlStrict, type XmlElement } from './xml.ts';

const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** RFC 822 / 2822 as RSS uses it (the W3C validator's pattern). */
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d(:\d\d)? (GMT|[+-]\d{4})$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
/** The W3C validator's pattern for tag: URIs. */
const TAG_URI = /^tag:([a-z0-9\-._]+?@)?[a-z0-9.-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*(#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?$/;
/** An absolute http(s) URL made of URI characters only (no raw spaces or non-ASCII). */
const HTTP_URL = /^https?:\/\/[^/\s]+[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]*$/;
const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
const MIME = /^[^\s()<>,;:\\"/[\]?=]+\/[^\s()<>,;:\\"/[\]?=]+$/;

function text(element: XmlElement | undefined): string {
  return element?.text.trim() ?? '';
}

function checkDate(problems: string[], where: string, value: string, pattern: RegExp, now?: number): void {
  if (!pattern.test(value)) problems.push(`${where}: "${value}" is not a valid date`);
  else if (now !== undefined && Date.parse(value) > now + 10 * 60_000) problems.push(`${where}: "${value}" is in the future`);
}

function checkHtml(problems: string[], where: string, html: string): void {
  for (const problem of findUnsafeHtml(html)) problems.push(`${where}: ${problem}`);
}

export interface CheckOptions {
  /** The URL the feed was fetched from: its self link must equal it. */
  readonly selfUrl?: string;
  /** Dates after this (plus 10 minutes) are "implausible", as the W3C validator says. */
  readonly now?: number;
}

export function checkRss(xml: string, options: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const rss = parseXmlStrict(xml);
  if (rss.name !== 'rss' || rss.attributes.version !== '2.0') return ['root is not <rss version="2.0">'];
  const channels = childrenNamed(rss, 'channel');
  if (channels.length !== 1) return [`${channels.length} <channel> elements`];
  const channel = channels[0] as XmlElement;
  for (const name of ['title', 'link', 'description']) {
    if (childrenNamed(channel, name).length !== 1 || text(childrenNamed(channel, name)[0]) === '') problems.push(`channel: <${name}> missing or empty`);
  }
  if (!HTTP_URL.test(text(childrenNamed(channel, 'link')[0]))) problems.push('channel: <link> is not an absolute URL');
  const language = text(childrenNamed(channel, 'language')[0]);
  if (!LANGUAGE.test(language)) problems.push(`channel: <language> "${language}" is not a language code`);
  const lastBuild = childrenNamed(channel, 'lastBuildDate')[0];
  if (lastBuild) checkDate(problems, 'channel lastBuildDate', text(lastBuild), RFC822, options.now);
  checkRssImage(problems, channel);
  const self = childrenNamed(channel, 'atom:link').filter((link) => link.attributes.rel === 'self');
  if (self.length !== 1) problems.push('channel: needs exactly one atom:link rel="self"');
  else {
    if (self[0]?.attributes.type !== 'application/rss+xml') problems.push('channel: self link type is not application/rss+xml');
    if (options.selfUrl && self[0]?.attributes.href !== options.selfUrl) problems.push(`channel: self link ${self[0]?.attributes.href} is not ${options.selfUrl}`);
  }
  const guids = new Set<string>();
  for (const [index, item] of childrenNamed(channel, 'item').entries()) {
    const where = `item ${index + 1}`;
    const names = item.children.map((child) => child.name);
    if (!names.includes('title') && !names.includes('description')) problems.push(`${where}: needs a title or a description`);
    for (const name of ['title', 'link', 'guid', 'pubDate', 'description', 'content:encoded']) {
      if (names.filter((n) => n === name).length > 1) problems.push(`${where}: more than one <${name}>`);
    }
    if (text(childrenNamed(item, 'title')[0]) === '') problems.push(`${where}: empty title`);
    if (!HTTP_URL.test(text(childrenNamed(item, 'link')[0]))) problems.push(`${where}: <link> is not an absolute URL`);
    const guid = childrenNamed(item, 'guid')[0];
    if (!guid) problems.push(`${where}: no <guid>`);
    else {
      const value = text(guid);
      if (guids.has(value)) problems.push(`${where}: duplicate guid ${value}`);
      guids.add(value);
      if (guid.attributes.isPermaLink !== 'false' && !HTTP_URL.test(value)) problems.push(`${where}: permalink guid is not a URL`);
    }
    checkDate(problems, `${where} pubDate`, text(childrenNamed(item, 'pubDate')[0]), RFC822, options.now);
    if (names.indexOf('content:encoded') !== -1 && names.indexOf('content:encoded') < names.indexOf('description')) {
      problems.push(`${where}: content:encoded before description`);
    }
    for (const name of ['description', 'content:encoded']) {
      const element = childrenNamed(item, name)[0];
      if (element) checkHtml(problems, `${where} ${name}`, element.text);
    }
    for (const author of childrenNamed(item, 'author')) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+( \(.+\))?$/.test(text(author))) problems.push(`${where}: <author> is not an e-mail address`);
    }
    for (const enclosure of childrenNamed(item, 'enclosure')) {
      const { url, length, type } = enclosure.attributes;
      if (!url || !HTTP_URL.test(url)) problems.push(`${where}: enclosure url`);
      if (!length || !/^\d+$/.test(length) || length === '0') problems.push(`${where}: enclosure without a real length`);
      if (!type || !MIME.test(type)) problems.push(`${where}: enclosure type "${type}"`);
    }
    if (childrenNamed(item, 'enclosure').length > 1) problems.push(`${where}: more than one enclosure`);
    for (const media of [...childrenNamed(item, 'media:content'), ...childrenNamed(item, 'media:thumbnail')]) {
      if (!HTTP_URL.test(media.attributes.url ?? '')) problems.push(`${where}: ${media.name} url is not an absolute URL`);
    }
  }
  problems.push(...checkWithFeedParser(xml));
  return problems;
}

function checkAtomPerson(problems: string[], where: string, person: XmlElement): void {
  if (childrenNamed(person, 'name').length !== 1 || text(childrenNamed(person, 'name')[0]) === '') problems.push(`${where}: author without a name`);
}

/**
 * The channel's `<image>`: at most one, with a URL, a title and a link, which the RSS Advisory
 * Board's profile says should be the channel's own; a width of at most 144 and a height of at
 * most 400 when given.
 */
function checkRssImage(problems: string[], channel: XmlElement): void {
  const images = childrenNamed(channel, 'image');
  if (images.length > 1) problems.push('channel: more than one <image>');
  const image = images[0];
  if (image === undefined) return;
  if (!HTTP_URL.test(text(childrenNamed(image, 'url')[0]))) problems.push('channel image: <url> is not an absolute URL');
  for (const name of ['title', 'link']) {
    const value = text(childrenNamed(image, name)[0]);
    if (value !== text(childrenNamed(channel, name)[0])) problems.push(`channel image: <${name}> "${value}" is not the channel's`);
  }
  for (const [name, most] of [['width', 144], ['height', 400]] as const) {
    const given = childrenNamed(image, name)[0];
    if (given && !(Number(text(given)) >= 1 && Number(text(given)) <= most)) problems.push(`channel image: <${name}> is not from 1 to ${most}`);
  }
}

export function checkAtom(xml: string, options: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const feed = parseXmlStrict(xml);
  if (feed.local !== 'feed' || feed.uri !== ATOM_NS) return ['root is not an Atom <feed>'];
  if (!feed.attributes['xml:lang']) problems.push('feed: no xml:lang');
  for (const name of ['id', 'title', 'updated']) {
    if (childrenNamed(feed, name).length !== 1) problems.push(`feed: needs exactly one <${name}>`);
  }
  const feedId = text(childrenNamed(feed, 'id')[0]);
  if (!TAG_URI.test(feedId) && !HTTP_URL.test(feedId)) problems.push(`feed: id "${feedId}" is not an absolute IRI`);
  checkDate(problems, 'feed updated', text(childrenNamed(feed, 'updated')[0]), RFC3339, options.now);
  const feedAuthors = childrenNamed(feed, 'author');
  for (const author of feedAuthors) checkAtomPerson(problems, 'feed', author);
  for (const name of ['icon', 'logo']) {
    const images = childrenNamed(feed, name);
    if (images.length > 1) problems.push(`feed: more than one <${name}>`);
    if (images.length === 1 && !HTTP_URL.test(text(images[0]))) problems.push(`feed: <${name}> is not an absolute URL`);
  }
  const links = childrenNamed(feed, 'link');
  const self = links.filter((link) => link.attributes.rel === 'self');
  if (self.length !== 1) problems.push('feed: needs exactly one link rel="self"');
  else if (options.selfUrl && self[0]?.attributes.href !== options.selfUrl) problems.push(`feed: self link ${self[0]?.attributes.href} is not ${options.selfUrl}`);
  const seenLinks = new Set<string>();
  for (const link of links) {
    const key = `${link.attributes.rel ?? 'alternate'}|${link.attributes.type ?? ''}|${link.attributes.hreflang ?? ''}`;
    if (seenLinks.has(key)) problems.push(`feed: duplicate link ${key}`);
    seenLinks.add(key);
  }
  const ids = new Set<string>();
  const updatedValues = new Set<string>();
  for (const [index, entry] of childrenNamed(feed, 'entry').entries()) {
    const where = `entry ${index + 1}`;
    for (const name of ['id', 'title', 'updated']) {
      if (childrenNamed(entry, name).length !== 1) problems.push(`${where}: needs exactly one <${name}>`);
    }
    for (const name of ['published', 'summary', 'content']) {
      if (childrenNamed(entry, name).length > 1) problems.push(`${where}: more than one <${name}>`);
    }
    const id = text(childrenNamed(entry, 'id')[0]);
    if (!TAG_URI.test(id)) problems.push(`${where}: id "${id}" is not a valid tag: URI`);
    if (ids.has(id)) problems.push(`${where}: duplicate id ${id}`);
    ids.add(id);
    if (text(childrenNamed(entry, 'title')[0]) === '') problems.push(`${where}: empty title`);
    const updated = text(childrenNamed(entry, 'updated')[0]);
    checkDate(problems, `${where} updated`, updated, RFC3339, options.now);
    if (updatedValues.has(updated)) problems.push(`${where}: two entries with the same updated ${updated}`);
    updatedValues.add(updated);
    const published = childrenNamed(entry, 'published')[0];
    if (published) checkDate(problems, `${where} published`, text(published), RFC3339, options.now);
    const entryAuthors = childrenNamed(entry, 'author');
    if (feedAuthors.length === 0 && entryAuthors.length === 0) problems.push(`${where}: no author (and the feed has none)`);
    for (const author of entryAuthors) checkAtomPerson(problems, where, author);
    const entryLinks = childrenNamed(entry, 'link');
    if (!entryLinks.some((link) => (link.attributes.rel ?? 'alternate') === 'alternate')) problems.push(`${where}: no alternate link`);
    for (const link of entryLinks) {
      if (!HTTP_URL.test(link.attributes.href ?? '')) problems.push(`${where}: link href "${link.attributes.href}" is not an absolute URL`);
      if (link.attributes.type !== undefined && !MIME.test(link.attributes.type)) problems.push(`${where}: link type "${link.attributes.type}"`);
    }
    const content = childrenNamed(entry, 'content')[0];
    if (content) {
      if (content.attributes.type !== 'html') problems.push(`${where}: content is not type="html"`);
      checkHtml(problems, `${where} content`, content.text);
    }
    for (const element of [...descendants(entry)]) {
      if (element.uri !== ATOM_NS) problems.push(`${where}: <${element.name}> is outside the Atom namespace`);
    }
  }
  problems.push(...checkWithFeedParser(xml));
  return problems;
}

/** The feed must also read cleanly in a real, widely used feed parser. */
function checkWithFeedParser(xml: string): string[] {
  try {
    const feed = parseFeed(xml);
    const problems: string[] = [];
    if (!feed.title) problems.push('feed-parser: no title');
    for (const [index, item] of feed.items.entries()) {
      if (!item.id || !item.title || !item.url || !item.published) problems.push(`feed-parser: item ${index + 1} lacks id, title, url or date`);
    }
    return problems;
  } catch (error) {
    return [`feed-parser: ${(error as Error).message}`];
  }
}

type Json = Record<string, unknown>;

function isAbsoluteUrl(value: unknown): boolean {
  return typeof value === 'string' && HTTP_URL.test(value);
}

function checkJsonAuthors(problems: string[], where: string, authors: unknown): void {
  if (!Array.isArray(authors) || authors.length === 0) {
    problems.push(`${where}: authors must be a non-empty array`);
    return;
  }
  for (const author of authors as Json[]) {
    if (typeof author !== 'object' || author === null) problems.push(`${where}: author is not an object`);
    else if (typeof author.name !== 'string' && typeof author.url !== 'string' && typeof author.avatar !== 'string') problems.push(`${where}: author has no name, url or avatar`);
    else if (author.url !== undefined && !/^(https?:\/\/|mailto:)/.test(String(author.url))) problems.push(`${where}: author url is not a URL`);
  }
}

/** JSON Feed 1.1: required fields, types, and the 1.0 leftovers that must not appear. */
export function checkJsonFeed(source: string, options: CheckOptions = {}): string[] {
  const problems: string[] = [];
  let feed: Json;
  try {
    feed = JSON.parse(source) as Json;
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (feed.version !== 'https://jsonfeed.org/version/1.1') problems.push(`version is ${String(feed.version)}`);
  if (typeof feed.title !== 'string' || feed.title === '') problems.push('title missing');
  if (!isAbsoluteUrl(feed.home_page_url)) problems.push('home_page_url is not an absolute URL');
  if (!isAbsoluteUrl(feed.feed_url)) problems.push('feed_url is not an absolute URL');
  if (options.selfUrl && feed.feed_url !== options.selfUrl) problems.push(`feed_url ${String(feed.feed_url)} is not ${options.selfUrl}`);
  if (typeof feed.language !== 'string' || !LANGUAGE.test(feed.language)) problems.push('language missing or invalid');
  if ('author' in feed) problems.push('feed has the JSON Feed 1.0 "author" field');
  if (feed.authors !== undefined) checkJsonAuthors(problems, 'feed', feed.authors);
  for (const key of ['icon', 'favicon']) {
    if (feed[key] !== undefined && !isAbsoluteUrl(feed[key])) problems.push(`${key} is not an absolute URL`);
  }
  if (!Array.isArray(feed.items)) return [...problems, 'items is not an array'];
  const ids = new Set<string>();
  for (const [index, item] of (feed.items as Json[]).entries()) {
    const where = `item ${index + 1}`;
    if (typeof item.id !== 'string' || item.id === '') problems.push(`${where}: id must be a non-empty string`);
    else if (ids.has(item.id)) problems.push(`${where}: duplicate id ${item.id}`);
    else ids.add(item.id);
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string') problems.push(`${where}: no content_html or content_text`);
    if (typeof item.content_html === 'string') checkHtml(problems, `${where} content_html`, item.content_html);
    for (const key of ['url', 'external_url', 'image', 'banner_image']) {
      if (item[key] !== undefined && !isAbsoluteUrl(item[key])) problems.push(`${where}: ${key} is not an absolute URL`);
    }
    for (const key of ['title', 'summary', 'language']) {
      if (item[key] !== undefined && typeof item[key] !== 'string') problems.push(`${where}: ${key} is not a string`);
    }
    for (const key of ['date_published', 'date_modified']) {
      if (item[key] !== undefined) checkDate(problems, `${where} ${key}`, String(item[key]), RFC3339, options.now);
    }
    if ('author' in item) problems.push(`${where}: has the JSON Feed 1.0 "author" field`);
    if (item.authors !== undefined) checkJsonAuthors(problems, where, item.authors);
    if (item.tags !== undefined && (!Array.isArray(item.tags) || item.tags.some((tag) => typeof tag !== 'string'))) problems.push(`${where}: tags must be strings`);
  }
  return problems;
}
