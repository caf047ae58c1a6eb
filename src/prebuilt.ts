/**
 * Content compiled ahead of time for hosts that cannot read or parse article files (Workers):
 * the catalog (what lists are made of), each article's every field with its rendered HTML, and
 * the responses rendered at build time, stored as files that a request fetches only when it
 * needs them.
 *
 * The catalog is what a Worker parses as its script starts, so it holds no more than lists need:
 * each article's id, slug, language, category, dates and file time, a column per field (about 95
 * bytes an article; 9.2 MiB at 100,000 in the bench). Titles, descriptions, authors and tags come
 * with the HTML, up to 16 articles a file, those of one language and category together in files
 * of their own, filled from the oldest: 50 articles of a category in one language are in 4 or 5
 * files, a page of the site's archive needs about one file per language and category, and a new
 * article changes one file.
 *
 * The same routes serve from it: content is fetched before a render needs it (see
 * `ContentLookup.article`), and a pre-built response is used whenever a request would render
 * exactly what the build rendered (same memo key: same scope, format, page and publication
 * state).
 *
 * @example
 * const store = createFixedStore(createPrebuiltSnapshot(createPrebuiltCatalog(data), env.ASSETS));
 * const app = createApp({ site: data.site, store, prebuilt: createPrebuiltResponses(data, env.ASSETS) });
 */
import { bundleFileTag, bundleFileTypeOf, type BundleFiles } from './articles/bundle.ts';
import type { Article, Category, Problem } from './articles/article.ts';
import { createCatalog, type Catalog } from './catalog/catalog.ts';
import { createContentCache } from './catalog/content-cache.ts';
import { createSnapshot, type ContentProvider, type Snapshot } from './catalog/snapshot.ts';
import type { PrebuiltResponses } from './http/context.ts';
import { restoreRepresentation, type Representation } from './http/representation.ts';
import type { Site } from './site.ts';

export const PREBUILT_FORMAT_VERSION = 6;

/** Folder (under the assets root) that holds pre-built files. */
export const PREBUILT_DIRECTORY = '_wirefeed';

/**
 * Articles to a content file: 100,000 articles make about 6,260 files (each language and
 * category has files of its own), within the free plan's 20,000 Static Asset files, and a file
 * read brings up to 16 articles' HTML (some 140 KB for the generated corpus).
 */
export const ARTICLES_PER_FILE = 16;

export interface PrebuiltResponse {
  /** The memo key the routes render this response under. */
  readonly key: string;
  /** Asset path of the body, from the assets root (`/_wirefeed/r/12`). */
  readonly file: string;
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: number;
}

/** The catalog's articles, newest first, a column per field (see {@link packCatalog}). */
export interface PackedCatalog {
  readonly ids: readonly string[];
  readonly slugs: readonly string[];
  /** Language tags, each once; `language[i]` is the place of article i's. */
  readonly languages: readonly string[];
  readonly language: readonly number[];
  /** Categories, each once; `category[i]` is the place of article i's, or -1. */
  readonly categories: readonly Category[];
  readonly category: readonly number[];
  /**
   * Publication times: the first article's, then each article's distance from the one before
   * it (never negative, newest first), about 6 digits where a time takes 13.
   */
  readonly publishedGaps: readonly number[];
  /** `updated - published` of each article (most often 0). */
  readonly updatedAfter: readonly number[];
  /**
   * When each article's file last changed (`Article.fileTime`), to the second, which is all that
   * `Last-Modified` tells: the seconds before the newest of them, `newestFileSecond` (-1 for an
   * article without one). Files checked out together have about the same time: 0 or a few digits
   * an article, where the time would take 10.
   */
  readonly newestFileSecond: number;
  readonly fileSecondsBefore: readonly number[];
  /**
   * Where each article's content is: record `slot % ARTICLES_PER_FILE` of content file
   * `slot / ARTICLES_PER_FILE` of its language and category (see contentFilePath).
   */
  readonly slots: readonly number[];
}

export interface PrebuiltData {
  readonly formatVersion: number;
  /** The "now" the build rendered at (milliseconds). */
  readonly builtAt: number;
  readonly site: Site;
  readonly catalog: PackedCatalog;
  readonly problems: readonly Problem[];
  readonly responses: readonly PrebuiltResponse[];
  /**
   * The files beside page bundles' articles, copied into the assets (see bundleAssetPath): by
   * the article's slug, each file's path in its folder, size and modification time (milliseconds).
   */
  readonly bundleFiles: Readonly<Record<string, readonly (readonly [relative: string, size: number, mtimeMs: number])[]>>;
}

/** One article in a content file: every field, and its sanitized HTML. */
interface ContentRecord {
  readonly article: Article;
  readonly html: string;
}

/** What names the articles of one language and category, whose content is stored together. */
function groupKey(article: Pick<Article, 'language' | 'category'>): string {
  return `${article.language}\u0000${article.category?.slug ?? ''}`;
}

/**
 * A group's name in file paths: a 53-bit hash of its key (cyrb53, by bryc, in the public
 * domain), in base 36. Category slugs may be in any script and of any length, which file names
 * and asset URLs are not; the build refuses two groups of the same name (see planContent),
 * which 53 bits make unlikely past measure.
 */
function groupName(key: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let at = 0; at < key.length; at += 1) {
    const code = key.charCodeAt(at);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The asset path of content file `file` of a group: files are numbered within their language
 * and category, so that a file added to one (every 16 articles) moves no other's.
 */
function contentFilePath(group: string, file: number): string {
  return `/${PREBUILT_DIRECTORY}/c/${group}/${file}`;
}

/**
 * The articles whose content is stored together: those of one language and category, oldest
 * first. Each group has files of its own, filled from its oldest article, so that the newest n
 * articles of a category in a language are in at most ceil(n / 16) + 1 files, and a new article
 * changes one file (its group's newest, or a new one) rather than moving every article of its
 * group: a deploy uploads what changed.
 */
function contentGroups(articles: readonly Article[]): Map<string, Article[]> {
  const groups = new Map<string, Article[]>();
  for (const article of articles) {
    const key = groupKey(article);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(article);
  }
  for (const group of groups.values()) group.reverse();
  return groups;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A content file: a first line listing where each record ends (`[812,1790]`), then the records
 * as JSON, one after the other, so that a reader decodes only the records it needs.
 */
function encodeContentFile(records: readonly ContentRecord[]): Uint8Array {
  const bodies = records.map((record) => encoder.encode(JSON.stringify(record)));
  const ends: number[] = [];
  let end = 0;
  for (const body of bodies) ends.push((end += body.length));
  const head = encoder.encode(`${JSON.stringify(ends)}\n`);
  const file = new Uint8Array(head.length + end);
  file.set(head);
  let at = head.length;
  for (const body of bodies) {
    file.set(body, at);
    at += body.length;
  }
  return file;
}

/** A content file as read: where each record ends, and the records' bytes. */
interface ContentFile {
  readonly path: string;
  readonly ends: readonly number[];
  readonly records: Uint8Array;
}

/** Reads a content file's first line, once for every record a load takes from it (see {@link encodeContentFile}). */
function openContentFile(path: string, file: Uint8Array): ContentFile {
  const newline = file.indexOf(10);
  if (newline < 0) throw new Error(`pre-built file ${path} has no list of its records; run the build again`);
  return { path, ends: JSON.parse(decoder.decode(file.subarray(0, newline))) as number[], records: file.subarray(newline + 1) };
}

/** Record `index` of a content file. */
function decodeContentRecord({ path, ends, records }: ContentFile, index: number): ContentRecord {
  const end = ends[index];
  if (end === undefined) throw new Error(`pre-built file ${path} holds no record ${index}; run the build again`);
  return JSON.parse(decoder.decode(records.subarray(ends[index - 1] ?? 0, end))) as ContentRecord;
}

/** An article's every field, as a plain object (a catalog's articles may compute theirs). */
export function everyField(article: Article): Article {
  const { id, slug, path, title, description, language, category, tags, authors, published, updated, image, originUrl } = article;
  return { id, slug, path, title, description, language, category, tags, authors, published, updated, image, originUrl };
}

/** A content file of a build: where it goes, and the articles it holds, in the order of its records. */
export interface ContentFilePlan {
  readonly path: string;
  readonly articles: readonly Article[];
}

/**
 * How the articles of a catalog (newest first) are laid out in content files (see
 * contentGroups), and the catalog to bundle with them, which tells where each one's content is.
 */
export function planContent(articles: readonly Article[]): { readonly catalog: PackedCatalog; readonly files: readonly ContentFilePlan[] } {
  const slotOf = new Map<string, number>();
  const files: ContentFilePlan[] = [];
  const named = new Map<string, string>();
  for (const [key, group] of contentGroups(articles)) {
    const name = groupName(key);
    const other = named.get(name);
    if (other !== undefined) throw new Error(`the articles of ${JSON.stringify(other)} and of ${JSON.stringify(key)} would share content files named ${name}; rename one category`);
    named.set(name, key);
    for (let first = 0; first < group.length; first += ARTICLES_PER_FILE) {
      const held = group.slice(first, first + ARTICLES_PER_FILE);
      held.forEach((article, record) => slotOf.set(article.id, first + record));
      files.push({ path: contentFilePath(name, first / ARTICLES_PER_FILE), articles: held });
    }
  }
  return { catalog: packCatalog(articles, slotOf), files };
}

/** Writes content files through `write`, each article's every field with its HTML from `htmlOf`; gives each file's size. */
export async function writeContentFiles(
  files: readonly ContentFilePlan[],
  htmlOf: (article: Article) => Promise<string>,
  write: (path: string, bytes: Uint8Array) => void,
): Promise<number[]> {
  const sizes: number[] = [];
  for (const { path, articles } of files) {
    const records: ContentRecord[] = [];
    for (const article of articles) records.push({ article: everyField(article), html: await htmlOf(article) });
    const bytes = encodeContentFile(records);
    write(path, bytes);
    sizes.push(bytes.length);
  }
  return sizes;
}

/** The catalog's articles (newest first) in columns, given the slot of each one's content. */
function packCatalog(articles: readonly Article[], slotOf: ReadonlyMap<string, number>): PackedCatalog {
  const languages = new Map<string, number>();
  const categories = new Map<string, { readonly place: number; readonly category: Category }>();
  const languagePlace = (tag: string) => {
    let place = languages.get(tag);
    if (place === undefined) languages.set(tag, (place = languages.size));
    return place;
  };
  const categoryPlace = ({ slug, name }: Category) => {
    let entry = categories.get(slug);
    if (entry === undefined) categories.set(slug, (entry = { place: categories.size, category: { slug, name } }));
    return entry.place;
  };
  let previous: number | undefined;
  const fileSecond = (article: Article) => (article.fileTime === undefined ? undefined : Math.floor(article.fileTime / 1000));
  const newestFileSecond = articles.reduce((newest, article) => Math.max(newest, fileSecond(article) ?? 0), 0);
  const columns = {
    ids: [] as string[],
    slugs: [] as string[],
    language: [] as number[],
    category: [] as number[],
    publishedGaps: [] as number[],
    updatedAfter: [] as number[],
    fileSecondsBefore: [] as number[],
    slots: [] as number[],
  };
  for (const article of articles) {
    const slot = slotOf.get(article.id);
    if (slot === undefined) throw new Error(`no content slot for article ${article.id}`);
    columns.ids.push(article.id);
    columns.slugs.push(article.slug);
    columns.language.push(languagePlace(article.language));
    columns.category.push(article.category === undefined ? -1 : categoryPlace(article.category));
    columns.publishedGaps.push(previous === undefined ? article.published : previous - article.published);
    columns.updatedAfter.push(article.updated - article.published);
    const second = fileSecond(article);
    columns.fileSecondsBefore.push(second === undefined ? -1 : newestFileSecond - second);
    columns.slots.push(slot);
    previous = article.published;
  }
  return { ...columns, newestFileSecond, languages: [...languages.keys()], categories: [...categories.values()].map(({ category }) => category) };
}

function detailMissing(article: ListedArticle, field: string): never {
  throw new Error(`article ${article.id}: its ${field} comes with its content; load the content first (ContentLookup.article)`);
}

/**
 * An article as the catalog holds it: what lists need. Its other fields come with its content,
 * and asking them here throws, so that a render that forgot to load them fails loudly rather
 * than showing an empty title.
 */
class ListedArticle implements Article {
  constructor(
    readonly id: string,
    readonly slug: string,
    readonly language: string,
    readonly category: Category | undefined,
    readonly published: number,
    readonly updated: number,
    /**
     * Its file's time, in seconds from FILE_SECONDS_FROM: a small integer, which V8 keeps in
     * the object, where the time in milliseconds would be a number boxed apart (measured in
     * Node on 100,000 small objects: 2.3-2.4 MB more with the time, 0.8 MB with this).
     */
    private readonly fileSecond: number | undefined,
    /** Where its content is (see PackedCatalog.slots). */
    readonly slot: number,
  ) {}
  get fileTime(): number | undefined {
    return this.fileSecond === undefined ? undefined : (FILE_SECONDS_FROM + this.fileSecond) * 1000;
  }
  get path(): string {
    return detailMissing(this, 'path');
  }
  get title(): string {
    return detailMissing(this, 'title');
  }
  get description(): string {
    return detailMissing(this, 'description');
  }
  get tags(): readonly string[] {
    return detailMissing(this, 'tags');
  }
  get authors(): Article['authors'] {
    return detailMissing(this, 'authors');
  }
  get image(): string | undefined {
    return detailMissing(this, 'image');
  }
  get originUrl(): string | undefined {
    return detailMissing(this, 'originUrl');
  }
}

/** The catalog's articles, newest first, as {@link packCatalog} stored them. */
/**
 * The second (since 1970) that a listed article's file time counts from: 2020-01-01, so that the
 * times of files up to 2054 are small integers to V8 (31 bits).
 */
const FILE_SECONDS_FROM = Date.UTC(2020, 0, 1) / 1000;

function unpackCatalog(packed: PackedCatalog): Article[] {
  const newestFileSecond = packed.newestFileSecond - FILE_SECONDS_FROM;
  const articles = new Array<Article>(packed.ids.length);
  let published = 0;
  for (let place = 0; place < articles.length; place += 1) {
    published = place === 0 ? (packed.publishedGaps[0] as number) : published - (packed.publishedGaps[place] as number);
    const category = packed.category[place] as number;
    articles[place] = new ListedArticle(
      packed.ids[place] as string,
      packed.slugs[place] as string,
      packed.languages[packed.language[place] as number] as string,
      category < 0 ? undefined : packed.categories[category],
      published,
      published + (packed.updatedAfter[place] as number),
      (packed.fileSecondsBefore[place] as number) < 0 ? undefined : newestFileSecond - (packed.fileSecondsBefore[place] as number),
      packed.slots[place] as number,
    );
  }
  return articles;
}

/** Where the build puts a file beside a page bundle's article: `/_wirefeed/b/{slug}/{its path in the folder}`. */
export function bundleAssetPath(slug: string, relative: string): string {
  return `/${PREBUILT_DIRECTORY}/b/${encodeURIComponent(slug)}/${relative.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The files beside page bundles' articles, as the build copied them into the assets: the data
 * says which there are, with the size and time their validators are made of (as the Node host
 * makes them from the files), so that a file that is not there is no fetch.
 */
export function createPrebuiltBundleFiles({ bundleFiles }: Pick<PrebuiltData, 'bundleFiles'>, assets: AssetFetcher): BundleFiles {
  // Only the bundle files are kept, not the data they came in: holding it kept the catalog's
  // columns, which the catalog has unpacked (7 MB of heap at 200,000 articles in workerd).
  return {
    async read(article, relative) {
      // Own entries only: a slug may be any name an object has (`constructor`).
      const files = Object.hasOwn(bundleFiles, article.slug) ? bundleFiles[article.slug] : undefined;
      const entry = files?.find(([path]) => path === relative);
      if (entry === undefined || bundleFileTypeOf(relative) === undefined) return undefined;
      const [, size, mtimeMs] = entry;
      const response = await fetchAsset(assets, bundleAssetPath(article.slug, relative));
      return { body: new Uint8Array(await response.arrayBuffer()), etag: bundleFileTag(size, mtimeMs), lastModified: mtimeMs };
    },
  };
}

/** The one thing a host must supply: a way to fetch a file by path (Workers: `env.ASSETS`). */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

async function fetchAsset(assets: AssetFetcher, path: string): Promise<Response> {
  const response = await assets.fetch(new Request(`https://assets.invalid${path}`));
  if (!response.ok) throw new Error(`pre-built file ${path} is missing (${response.status}); run the build again`);
  return response;
}

/**
 * Every field and the HTML of the catalog's articles, fetched from the content files when a
 * render needs them and kept within a budget. A file that several articles of one load (or of
 * loads at the same time) need is fetched once.
 */
export function createPrebuiltContent(assets: AssetFetcher, cacheSize: number): ContentProvider {
  const fetching = new Map<string, Promise<ContentFile>>();
  const fileAt = (path: string): Promise<ContentFile> => {
    let opened = fetching.get(path);
    if (opened === undefined) {
      opened = fetchAsset(assets, path).then(async (response) => openContentFile(path, new Uint8Array(await response.arrayBuffer())));
      fetching.set(path, opened);
      const done = () => fetching.delete(path);
      opened.then(done, done);
    }
    return opened;
  };
  const groupNames = new Map<string, string>();
  const fetchContent = async (article: Article) => {
    if (!(article instanceof ListedArticle)) throw new Error(`article ${article.id} is not one of the pre-built catalog's`);
    const key = groupKey(article);
    let name = groupNames.get(key);
    if (name === undefined) groupNames.set(key, (name = groupName(key)));
    return decodeContentRecord(await fileAt(contentFilePath(name, Math.floor(article.slot / ARTICLES_PER_FILE))), article.slot % ARTICLES_PER_FILE);
  };
  return createContentCache(cacheSize, fetchContent, (article) => article.id, { catalogHasDetails: false });
}

export interface PrebuiltLimits {
  /** Budget for article content kept in memory (HTML and the JSON Feed items made from it), in bytes (see `createContentCache`). */
  readonly contentCacheSize: number;
  /** Budget for rendered responses kept in memory (their bodies: the platform compresses), in bytes. */
  readonly responseCacheSize: number;
  /** Budget for ready answers' headers, in bytes. */
  readonly answerCacheSize: number;
}

/**
 * The caches' budgets of a Worker of up to FULL_CACHES_UP_TO articles: well inside the 128 MB of
 * an isolate. Responses hold 12 MB of bodies, as when their 24 MB counted each body twice.
 */
export const WORKER_LIMITS: PrebuiltLimits = { contentCacheSize: 8_000_000, responseCacheSize: 12_000_000, answerCacheSize: 2_000_000 };

/**
 * The catalog's share of the isolate grows with the site. V8's heap in workerd (allocated), once
 * started and after the crawl of `npm run bench:worker` that fills the caches, with the budgets
 * below (2026-11-29): 68 and 102 MB at 100,000 articles, 92-96 and 116-122 MB at 150,000, 108
 * and 122-135 MB at 175,000, 120-123 and 130-147 MB at 200,000 (130-137 once the bundle files'
 * reader no longer held the packed catalog), past Cloudflare's 128 from about ISOLATE_FULL_FROM.
 * From FULL_CACHES_UP_TO articles the caches' budgets shrink in step with what the catalog
 * takes, to a sixteenth of them at CATALOG_FILLS_ISOLATE_AT; `npm run build` warns from
 * CATALOG_WARNING_ARTICLES (scripts/build-worker.ts).
 */
export const FULL_CACHES_UP_TO = 100_000;
export const CATALOG_WARNING_ARTICLES = 150_000;
export const ISOLATE_FULL_FROM = 160_000;
export const CATALOG_FILLS_ISOLATE_AT = 200_000;

/** The cache budgets of a Worker whose catalog holds `articles`. */
export function workerLimits(articles: number): PrebuiltLimits {
  const share = Math.min(1, Math.max(1 / 16, (CATALOG_FILLS_ISOLATE_AT - articles) / (CATALOG_FILLS_ISOLATE_AT - FULL_CACHES_UP_TO)));
  return {
    contentCacheSize: Math.round(WORKER_LIMITS.contentCacheSize * share),
    responseCacheSize: Math.round(WORKER_LIMITS.responseCacheSize * share),
    answerCacheSize: Math.round(WORKER_LIMITS.answerCacheSize * share),
  };
}

/** The catalog of pre-built data; cheap enough to build while the Worker script starts. */
export function createPrebuiltCatalog(data: PrebuiltData): Catalog {
  if (data.formatVersion !== PREBUILT_FORMAT_VERSION) {
    throw new Error(`pre-built data has format ${data.formatVersion}, this code reads ${PREBUILT_FORMAT_VERSION}; run the build again`);
  }
  return createCatalog({ articles: unpackCatalog(data.catalog), newestFirst: true, problems: data.problems }, data.site);
}

export function createPrebuiltSnapshot(
  catalog: Catalog,
  assets: AssetFetcher,
  limits: PrebuiltLimits = workerLimits(catalog.articles.length),
): Snapshot {
  return createSnapshot(catalog, 1, createPrebuiltContent(assets, limits.contentCacheSize), { responseCacheSize: limits.responseCacheSize, answerCacheSize: limits.answerCacheSize });
}

/** Responses the build rendered, fetched by memo key. */
export function createPrebuiltResponses(data: PrebuiltData, assets: AssetFetcher): PrebuiltResponses {
  const byKey = new Map(data.responses.map((entry) => [entry.key, entry]));
  return {
    async get(key): Promise<Representation | undefined> {
      const entry = byKey.get(key);
      if (entry === undefined) return undefined;
      const body = new Uint8Array(await (await fetchAsset(assets, entry.file)).arrayBuffer());
      return restoreRepresentation({ body, etag: entry.etag, contentType: entry.contentType, lastModified: entry.lastModified });
    },
  };
}
