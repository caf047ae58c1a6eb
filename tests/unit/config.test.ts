/**
 * The configuration file: the parser (what wirefeed enforces) and the JSON Schema (what editors
 * autocomplete and check) must agree - on the keys, on the defaults, and on every valid and
 * invalid value below, which both judge (the schema with Ajv, a real JSON Schema validator).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ConfigError, createSite, DEFAULT_SITE_CONFIG, KNOWN_KEYS, parseSiteConfig } from '../../src/site.ts';
import { DEFAULT_CACHE_MB, readCacheMegabytes, readPollMs, StartupError } from '../../src/node/config.ts';
import { normalizeText, testSite, validArticle } from '../support/fixtures.ts';

const schema = JSON.parse(readFileSync('wirefeed.schema.json', 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function schemaErrors(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message}`);
}

/** The key the parser names, or undefined when it accepts the configuration. */
function parserRejection(config: unknown): string | undefined {
  try {
    parseSiteConfig(config);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.key;
    throw error;
  }
}

describe('wirefeed.schema.json', () => {
  it('is a valid JSON Schema (draft 2020-12) under strict mode', () => {
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('accepts the bundled wirefeed.config.json, which points editors at it', () => {
    const config = JSON.parse(readFileSync('wirefeed.config.json', 'utf8'));
    expect(config.$schema).toBe('./wirefeed.schema.json');
    expect(schemaErrors(config)).toEqual([]);
    expect(parserRejection(config)).toBeUndefined();
  });

  it('describes exactly the keys the parser knows, each with a description', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...KNOWN_KEYS].sort());
    for (const [key, property] of Object.entries<{ description?: string }>(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });

  it('states the defaults the parser fills in', () => {
    const defaults = parseSiteConfig({});
    expect(defaults).toEqual(DEFAULT_SITE_CONFIG);
    for (const [key, property] of Object.entries<{ default?: unknown; properties?: Record<string, { default?: unknown }> }>(schema.properties)) {
      const value = defaults[key as keyof typeof defaults];
      if (property.default !== undefined) expect(property.default, key).toEqual(value);
      for (const [inner, innerProperty] of Object.entries(property.properties ?? {})) {
        expect(innerProperty.default, `${key}.${inner}`).toEqual((value as Record<string, unknown>)[inner]);
      }
    }
  });
});

describe('the configuration, judged alike by the parser and the schema', () => {
  const valid: [string, unknown][] = [
    ['nothing at all', {}],
    ['a base URL with a path', { baseUrl: 'https://example.org/news/' }],
    ['a dated tag authority', { idAuthority: 'news.example,2024-11-01' }],
    ['a language with a title and a description', { languages: { 'pt-BR': { name: 'Português', title: 'Notícias', description: 'Tudo' } } }],
    ['a category keyed by its slug, with a description', { categories: { 'world-news': { name: 'World News', description: 'Abroad' } } }],
    ['authors by handle', { authors: { jdoe: { name: 'Jane Doe', url: 'https://news.example/jdoe', email: 'jane@news.example' } } }],
    ['an author entry that only adds a URL', { authors: { 'Jane Doe': { url: 'https://news.example/jdoe' } } }],
    ['cache lifetimes of zero', { cache: { maxAge: 0, staleWhileRevalidate: 0 } }],
    ['a WebSub hub', { websubHub: 'https://hub.example/' }],
    ['every format name', { defaultFormat: 'json' }],
    ['the origin canonical policy', { canonical: 'origin' }],
    ['feed sizes at their limits', { feedSize: 1000, maxFeedSize: 1000 }],
    ['an icon and a logo, one with a query', { icon: 'https://cdn.news.example/icon.png?v=2', logo: 'http://news.example/logo.png' }],
  ];

  it.each(valid)('accepts %s', (_name, config) => {
    expect(schemaErrors(config)).toEqual([]);
    expect(parserRejection(config)).toBeUndefined();
  });

  const invalid: [string, unknown, string][] = [
    ['an unknown key', { titel: 'News' }, 'titel'],
    ['an empty title', { title: '   ' }, 'title'],
    ['a title that is not text', { title: 42 }, 'title'],
    ['a relative base URL', { baseUrl: '/news' }, 'baseUrl'],
    ['an ftp base URL', { baseUrl: 'ftp://news.example' }, 'baseUrl'],
    ['a base URL with a query', { baseUrl: 'https://news.example/?x=1' }, 'baseUrl'],
    ['a language tag that is not one', { defaultLanguage: 'english language' }, 'defaultLanguage'],
    ['an author without a name', { author: { url: 'https://news.example' } }, 'author.name'],
    ['an author with an unknown field', { author: { name: 'A', twitter: '@a' } }, 'author.twitter'],
    ['an author email without an @', { author: { name: 'A', email: 'nobody' } }, 'author.email'],
    ['a tag authority without a date', { idAuthority: 'news.example' }, 'idAuthority'],
    ['a feed size of zero', { feedSize: 0 }, 'feedSize'],
    ['a fractional feed size', { feedSize: 2.5 }, 'feedSize'],
    ['a feed size given as text', { feedSize: '50' }, 'feedSize'],
    ['an unknown feed format', { defaultFormat: 'xml' }, 'defaultFormat'],
    ['a negative max-age', { cache: { maxAge: -1 } }, 'cache.maxAge'],
    ['a max-age longer than a year', { cache: { maxAge: 31_536_001 } }, 'cache.maxAge'],
    ['an unknown cache key', { cache: { sMaxAge: 60 } }, 'cache.sMaxAge'],
    ['a hub that is not a URL', { websubHub: 'hub' }, 'websubHub'],
    ['a summary length too short to read', { summaryLength: 10 }, 'summaryLength'],
    ['an unknown canonical policy', { canonical: 'both' }, 'canonical'],
    ['languages given as a list', { languages: ['en'] }, 'languages'],
    ['a language key that is not a tag', { languages: { 'not a tag': { name: 'X' } } }, 'languages.not a tag'],
    ['a language with an unknown field', { languages: { en: { label: 'English' } } }, 'languages.en.label'],
    ['a category name that is empty', { categories: { world: { name: '' } } }, 'categories.world.name'],
    ['a category key with no letters or digits', { categories: { '--': { name: 'Dash' } } }, 'categories.--'],
    ['an author entry that is text', { authors: { jdoe: 'Jane Doe' } }, 'authors.jdoe'],
    ['an author URL that is not one', { authors: { jdoe: { url: 'jdoe' } } }, 'authors.jdoe.url'],
    ['an icon given as a path', { icon: '/icon.png' }, 'icon'],
    ['an icon as a data: URL', { icon: 'data:image/png;base64,iVBORw0KGgo=' }, 'icon'],
    ['a logo on ftp', { logo: 'ftp://news.example/logo.png' }, 'logo'],
  ];

  it.each(invalid)('rejects %s, naming the key', (_name, config, key) => {
    expect(schemaErrors(config)).not.toEqual([]);
    expect(parserRejection(config)).toBe(key);
  });

  it('rejects a max feed size below the feed size (the parser; JSON Schema cannot compare two values)', () => {
    expect(parserRejection({ feedSize: 100, maxFeedSize: 50 })).toBe('maxFeedSize');
  });

  it('explains the problem in words after the key', () => {
    expect(() => parseSiteConfig({ feedSize: 0 })).toThrow('configuration key "feedSize": must be a whole number from 1 to 1000');
    expect(() => parseSiteConfig({ timeZone: 'Mars/Olympus' })).toThrow('configuration key "timeZone": "Mars/Olympus" is not an IANA time zone');
    // Names ICU lists, and names it knows only as links to those (UTC among them): all taken.
    for (const zone of ['Asia/Bangkok', 'Asia/Kolkata', 'Asia/Calcutta', 'UTC', 'Etc/UTC', 'america/new_york']) expect(parseSiteConfig({ timeZone: zone }).timeZone).toBe(zone);
  });
});

describe('configured names, titles and people', () => {
  it('gives an article author the URL, email and name the configuration has for them, in any case and spacing', () => {
    const site = testSite({ authors: { jdoe: { name: 'Jane Doe', url: 'https://news.example/jdoe', email: 'jane@news.example' } } });
    const article = normalizeText(validArticle({ author: '["JDoe", "Sam Roe"]' }), site).article;
    expect(article?.authors).toEqual([{ name: 'Jane Doe', url: 'https://news.example/jdoe', email: 'jane@news.example' }, { name: 'Sam Roe' }]);
  });

  it('lets an article keep the details it gives itself', () => {
    const site = testSite({ authors: { 'jane doe': { url: 'https://news.example/jdoe' } } });
    const article = normalizeText(validArticle({ author: '{ name: "Jane  Doe", url: "https://elsewhere.example/jane" }' }), site).article;
    expect(article?.authors).toEqual([{ name: 'Jane Doe', url: 'https://elsewhere.example/jane' }]);
  });

  it('keys categories by slug, so "World News" in the configuration names the world-news category', () => {
    const site = createSite(parseSiteConfig({ categories: { 'World News': { name: 'Worldwide' } } }), { baseUrl: 'https://news.example' });
    expect(Object.keys(site.categories)).toEqual(['world-news']);
    expect(normalizeText(validArticle({ category: '"world news"' }), site).article?.category).toEqual({ slug: 'world-news', name: 'Worldwide' });
  });
});

describe('CACHE_MB', () => {
  it('gives half the cache memory to responses, a quarter to article HTML and a quarter to ready answers', () => {
    const quarter = (DEFAULT_CACHE_MB * 1_000_000) / 4;
    expect(readCacheMegabytes(undefined)).toEqual({ responseBytes: 2 * quarter, contentBytes: quarter, answerBytes: quarter });
    expect(readCacheMegabytes('12')).toEqual({ responseBytes: 6_000_000, contentBytes: 3_000_000, answerBytes: 3_000_000 });
  });

  it.each(['', ' ', 'lots', '2', '1.5', '-30', '65537'])('refuses %j, naming the variable', (value) => {
    expect(() => readCacheMegabytes(value)).toThrow(new StartupError(`CACHE_MB must be a whole number of megabytes from 3 to 65536, not "${value}"`));
  });
});

describe('POLL_MS', () => {
  it('is unset unless given: the folders are watched', () => {
    expect(readPollMs(undefined)).toBeUndefined();
    expect(readPollMs('700')).toBe(700);
  });

  it.each(['', ' ', 'often', '99', '1.5', '-700', '3600001'])('refuses %j, naming the variable', (value) => {
    expect(() => readPollMs(value)).toThrow(new StartupError(`POLL_MS must be a whole number of milliseconds from 100 to 3600000, not "${value}"`));
  });
});
