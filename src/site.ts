/**
 * Site configuration: its type, its defaults and its validation.
 *
 * The configuration is one JSON file (`wirefeed.config.json`). Every key is optional; an
 * unknown key or a value of the wrong type stops start-up with a message naming the key.
 *
 * @example
 * const site = createSite(parseSiteConfig(JSON.parse(text)), { baseUrl: 'https://news.example' });
 */
import { collapseWhitespace, slugify } from './text.ts';

export type CanonicalPolicy = 'self' | 'origin';

export type FeedFormatName = 'rss' | 'atom' | 'json';

export interface CachePolicy {
  /** Seconds a response may be reused (`Cache-Control: max-age`, RSS `<ttl>` in minutes). */
  readonly maxAge: number;
  /** Seconds a stale response may be served while it is revalidated. */
  readonly staleWhileRevalidate: number;
}

export interface LanguageConfig {
  readonly name?: string;
  /** Title of the language's feeds, in place of "English | Site". */
  readonly title?: string;
  readonly description?: string;
}

export interface CategoryConfig {
  readonly name?: string;
  readonly description?: string;
}

export interface Person {
  readonly name: string;
  readonly url?: string;
  readonly email?: string;
}

export interface SiteConfig {
  /** Name of the site; the whole-site feed's title. */
  readonly title: string;
  readonly description: string;
  /** Public base URL. The `BASE_URL` environment variable overrides it. */
  readonly baseUrl?: string;
  /** BCP 47 tag for articles without `language`. */
  readonly defaultLanguage: string;
  /** IANA time zone in which dates without an offset are read. */
  readonly timeZone: string;
  /** Feed-level author, and the author of articles that name none. */
  readonly author: Person;
  /**
   * Authority and date of the `tag:` URIs that identify Atom entries and feeds
   * (RFC 4151, e.g. `example.com,2024`). Set it once and never change it.
   */
  readonly idAuthority: string;
  /** Items per feed page when the request names no `limit`. */
  readonly feedSize: number;
  /** Largest `?limit=` a request may ask for. */
  readonly maxFeedSize: number;
  /** Format `/feed` answers with when the request's `Accept` prefers none. */
  readonly defaultFormat: FeedFormatName;
  readonly cache: CachePolicy;
  /** WebSub hub that feeds advertise and the Node host notifies of changes. */
  readonly websubHub?: string;
  /** Longest generated summary, in characters, when an article has no `description`. */
  readonly summaryLength: number;
  /** Where `<link rel="canonical">` and `og:url` point when an article has an `origin_url`. */
  readonly canonical: CanonicalPolicy;
  /**
   * Languages by tag: display name, and the title and description of that language's feeds
   * (`{ "th": { "name": "ไทย", "title": "ข่าว Wirefeed" } }`).
   */
  readonly languages: Readonly<Record<string, LanguageConfig>>;
  /** Categories by slug: display name and feed description (`{ "world": { "name": "World" } }`). */
  readonly categories: Readonly<Record<string, CategoryConfig>>;
  /**
   * People articles name in `author`, by that name or handle (any case): the name to show, and
   * their URL and email (`{ "jdoe": { "name": "Jane Doe", "url": "https://…" } }`).
   */
  readonly authors: Readonly<Record<string, Partial<Person>>>;
  /** Twitter/X handle of the site, for `twitter:site`. */
  readonly twitterSite?: string;
  /**
   * A square image of the site (absolute http(s) URL; 512 × 512 or larger reads well everywhere):
   * what feed readers show beside its feeds (Atom `<icon>`, JSON Feed `icon` and `favicon`, RSS
   * `<image>`), the pages' `<link rel="icon">`, and the publisher's logo in JSON-LD unless `logo`.
   */
  readonly icon?: string;
  /** A wide image of the site (absolute http(s) URL, about 2:1): Atom `<logo>`, and the publisher's logo in JSON-LD. */
  readonly logo?: string;
}

/** A validated configuration with its public base URL fixed. */
export interface Site extends SiteConfig {
  /** Absolute, without a trailing slash, e.g. `https://news.example` or `https://x.example/news`. */
  readonly baseUrl: string;
}

export const DEFAULT_SITE_CONFIG: SiteConfig = {
  title: 'wirefeed',
  description: 'Latest articles',
  defaultLanguage: 'en',
  timeZone: 'UTC',
  author: { name: 'wirefeed' },
  idAuthority: 'wirefeed.example,2024',
  feedSize: 50,
  maxFeedSize: 200,
  defaultFormat: 'rss',
  cache: { maxAge: 300, staleWhileRevalidate: 600 },
  summaryLength: 300,
  canonical: 'self',
  languages: {},
  categories: {},
  authors: {},
};

/** A configuration problem; `key` is the dotted path of the offending key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`configuration key "${key}": ${reason}`);
    this.name = 'ConfigError';
  }
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readString(value: Json, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(key, 'must be a non-empty string');
  return value.trim();
}

function readInteger(value: Json, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(key, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function readRecord(value: Json, key: string): Record<string, Json> {
  if (!isRecord(value)) throw new ConfigError(key, 'must be an object');
  return value;
}

function rejectUnknownKeys(value: Record<string, Json>, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${prefix}${key}`, `is not a known key (known: ${allowed.join(', ')})`);
    }
  }
}

/** Validates an absolute http(s) URL and returns it without a trailing slash. */
export function normalizeBaseUrl(value: string, key = 'baseUrl'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(key, `"${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(key, 'must use http or https');
  if (url.search || url.hash) throw new ConfigError(key, 'must not have a query or a fragment');
  return url.href.replace(/\/+$/, '');
}

function readLanguageTag(value: Json, key: string): string {
  const tag = readString(value, key);
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical) return canonical;
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(key, `"${tag}" is not a BCP 47 language tag`);
}

/** A category key as articles' `category` values become URLs: "World News" is `world-news`. */
function readCategorySlug(key: string, path: string): string {
  const slug = slugify(key);
  if (slug === '') throw new ConfigError(path, 'has no letters or digits to make a URL from');
  return slug;
}

/**
 * The entry a configuration record (`languages`, `categories`, `authors`) has for a key, if it
 * has one of its own: a key from the content may be any name a plain object already has
 * (`constructor`), which must not find the object's own machinery.
 */
export function configuredEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** How an article's `author` value finds its entry: any case, any run of spaces. */
export function authorKey(name: string): string {
  return collapseWhitespace(name).toLowerCase();
}

function readAuthorHandle(key: string, path: string): string {
  const handle = authorKey(key);
  if (handle === '') throw new ConfigError(path, 'must not be blank');
  return handle;
}

function readTimeZone(value: Json, key: string): string {
  const zone = readString(value, key);
  // Most zones are named as ICU lists them: found there without setting up a formatter, which
  // loads ICU's zone data (15-25 ms of every start; feeds never need it, only pages and indexing).
  if (Intl.supportedValuesOf?.('timeZone').includes(zone)) return zone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new ConfigError(key, `"${zone}" is not an IANA time zone`);
  }
  return zone;
}

/** An image's absolute http(s) URL: a reader or browser fetches it. */
function readImageUrl(value: Json, key: string): string {
  const url = readUrl(value, key);
  if (!/^https?:/.test(url)) throw new ConfigError(key, 'must be an http or https URL');
  return url;
}

function readUrl(value: Json, key: string): string {
  const text = readString(value, key);
  try {
    return new URL(text).href;
  } catch {
    throw new ConfigError(key, `"${text}" is not an absolute URL`);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function readEmail(value: Json, key: string): string {
  const email = readString(value, key);
  if (!EMAIL.test(email)) throw new ConfigError(key, `"${email}" is not an email address`);
  return email;
}

/** An object of optional strings, each checked by its reader. */
function readFields<K extends string>(value: Json, key: string, readers: Record<K, (value: Json, key: string) => string>): Partial<Record<K, string>> {
  const record = readRecord(value, key);
  rejectUnknownKeys(record, Object.keys(readers), `${key}.`);
  const fields: Partial<Record<K, string>> = {};
  for (const [field, read] of Object.entries(readers) as [K, (value: Json, key: string) => string][]) {
    if (record[field] !== undefined) fields[field] = read(record[field], `${key}.${field}`);
  }
  return fields;
}

const PERSON_FIELDS = { name: readString, url: readUrl, email: readEmail };

function readPerson(value: Json, key: string): Person {
  const person = readFields(value, key, PERSON_FIELDS);
  if (person.name === undefined) throw new ConfigError(`${key}.name`, 'is required');
  return { ...person, name: person.name };
}

/** An object whose keys the site chooses (`languages`, `categories`, `authors`), each entry read alike. */
function readEntries<T>(value: Json, key: string, normalizeKey: (entryKey: string) => string, readEntry: (entry: Json, path: string) => T): Record<string, T> {
  const entries: Record<string, T> = {};
  for (const [entryKey, entry] of Object.entries(readRecord(value, key))) {
    entries[normalizeKey(entryKey)] = readEntry(entry, `${key}.${entryKey}`);
  }
  return entries;
}

function readCachePolicy(value: Json, key: string): CachePolicy {
  const record = readRecord(value, key);
  rejectUnknownKeys(record, ['maxAge', 'staleWhileRevalidate'], `${key}.`);
  const d = DEFAULT_SITE_CONFIG.cache;
  return {
    maxAge: record.maxAge === undefined ? d.maxAge : readInteger(record.maxAge, `${key}.maxAge`, 0, 31_536_000),
    staleWhileRevalidate:
      record.staleWhileRevalidate === undefined
        ? d.staleWhileRevalidate
        : readInteger(record.staleWhileRevalidate, `${key}.staleWhileRevalidate`, 0, 31_536_000),
  };
}

const TAG_AUTHORITY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(@[a-z0-9.-]+)?,\d{4}(-\d{2}(-\d{2})?)?$/i;

export const KNOWN_KEYS = [
  '$schema',
  'title',
  'description',
  'baseUrl',
  'defaultLanguage',
  'timeZone',
  'author',
  'idAuthority',
  'feedSize',
  'maxFeedSize',
  'defaultFormat',
  'cache',
  'websubHub',
  'summaryLength',
  'canonical',
  'languages',
  'categories',
  'authors',
  'twitterSite',
  'icon',
  'logo',
] as const;

/**
 * Validates a parsed configuration file against the schema above and fills in defaults.
 * Throws a {@link ConfigError} naming the first bad key.
 */
export function parseSiteConfig(input: Json): SiteConfig {
  const raw = readRecord(input, '(root)');
  rejectUnknownKeys(raw, KNOWN_KEYS, '');
  const d = DEFAULT_SITE_CONFIG;
  const idAuthority = raw.idAuthority === undefined ? d.idAuthority : readString(raw.idAuthority, 'idAuthority');
  if (!TAG_AUTHORITY.test(idAuthority)) {
    throw new ConfigError('idAuthority', `"${idAuthority}" must be "domain,YYYY" or "domain,YYYY-MM-DD" (RFC 4151)`);
  }
  const canonical = raw.canonical ?? d.canonical;
  if (canonical !== 'self' && canonical !== 'origin') throw new ConfigError('canonical', 'must be "self" or "origin"');
  const defaultFormat = raw.defaultFormat ?? d.defaultFormat;
  if (defaultFormat !== 'rss' && defaultFormat !== 'atom' && defaultFormat !== 'json') {
    throw new ConfigError('defaultFormat', 'must be "rss", "atom" or "json"');
  }
  const feedSize = raw.feedSize === undefined ? d.feedSize : readInteger(raw.feedSize, 'feedSize', 1, 1000);
  const maxFeedSize = raw.maxFeedSize === undefined ? Math.max(d.maxFeedSize, feedSize) : readInteger(raw.maxFeedSize, 'maxFeedSize', 1, 1000);
  if (maxFeedSize < feedSize) throw new ConfigError('maxFeedSize', `must be at least feedSize (${feedSize})`);
  return {
    title: raw.title === undefined ? d.title : readString(raw.title, 'title'),
    description: raw.description === undefined ? d.description : readString(raw.description, 'description'),
    ...(raw.baseUrl === undefined ? {} : { baseUrl: normalizeBaseUrl(readString(raw.baseUrl, 'baseUrl')) }),
    defaultLanguage:
      raw.defaultLanguage === undefined ? d.defaultLanguage : readLanguageTag(raw.defaultLanguage, 'defaultLanguage'),
    timeZone: raw.timeZone === undefined ? d.timeZone : readTimeZone(raw.timeZone, 'timeZone'),
    author: raw.author === undefined ? d.author : readPerson(raw.author, 'author'),
    idAuthority: idAuthority.toLowerCase(),
    feedSize,
    maxFeedSize,
    defaultFormat,
    cache: raw.cache === undefined ? d.cache : readCachePolicy(raw.cache, 'cache'),
    ...(raw.websubHub === undefined ? {} : { websubHub: readUrl(raw.websubHub, 'websubHub') }),
    summaryLength:
      raw.summaryLength === undefined ? d.summaryLength : readInteger(raw.summaryLength, 'summaryLength', 40, 2000),
    canonical,
    languages:
      raw.languages === undefined
        ? d.languages
        : readEntries(
            raw.languages,
            'languages',
            (tag) => readLanguageTag(tag, `languages.${tag}`).toLowerCase(),
            (entry, path) => readFields(entry, path, { name: readString, title: readString, description: readString }),
          ),
    categories:
      raw.categories === undefined
        ? d.categories
        : readEntries(
            raw.categories,
            'categories',
            (slug) => readCategorySlug(slug, `categories.${slug}`),
            (entry, path) => readFields(entry, path, { name: readString, description: readString }),
          ),
    authors:
      raw.authors === undefined
        ? d.authors
        : readEntries(raw.authors, 'authors', (handle) => readAuthorHandle(handle, `authors.${handle}`), (entry, path) => readFields(entry, path, PERSON_FIELDS)),
    ...(raw.twitterSite === undefined ? {} : { twitterSite: readString(raw.twitterSite, 'twitterSite') }),
    ...(raw.icon === undefined ? {} : { icon: readImageUrl(raw.icon, 'icon') }),
    ...(raw.logo === undefined ? {} : { logo: readImageUrl(raw.logo, 'logo') }),
  };
}

/** Fixes the public base URL of a configuration: the explicit one wins over the file's. */
export function createSite(config: SiteConfig, options: { readonly baseUrl?: string | undefined } = {}): Site {
  const baseUrl = options.baseUrl ?? config.baseUrl;
  if (baseUrl === undefined) throw new ConfigError('baseUrl', 'is required (set BASE_URL or "baseUrl")');
  return { ...config, baseUrl: normalizeBaseUrl(baseUrl) };
}
