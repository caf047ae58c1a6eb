/**
 * Articles -> Catalog: one immutable snapshot of the collection, indexed by slug, language and
 * category, every list newest first. Built once per content change; requests only read it.
 *
 * @example
 * const catalog = createCatalog(loaded, site);
 * catalog.languageBySlug.get('th')?.name // => 'ไทย'
 */
import type { Article, Category, Problem } from '../articles/article.ts';
import { configuredEntry, type Site } from '../site.ts';
import { ScopeLists } from './scope-lists.ts';

export interface Language {
  /** Lower-case tag, as used in routes (`en`, `pt-br`). */
  readonly slug: string;
  /** Canonical BCP 47 tag (`en`, `pt-BR`). */
  readonly tag: string;
  /** Display name: the site configuration's, else the language's own name for itself. */
  readonly name: string;
}

export interface Catalog {
  /** Every non-draft article, scheduled ones included, newest first. */
  readonly articles: readonly Article[];
  readonly languages: readonly Language[];
  readonly categories: readonly Category[];
  readonly problems: readonly Problem[];
  readonly articleBySlug: ReadonlyMap<string, Article>;
  readonly languageBySlug: ReadonlyMap<string, Language>;
  readonly categoryBySlug: ReadonlyMap<string, Category>;
  /** Articles by scope key (see `scopeKey`), newest first; a restart's are made as they are asked for (see ScopeLists). */
  readonly articlesByScope: ScopeLists;
  /**
   * `latestUpdateFrom[i]` is the newest `updated` among `articles[i..]`: the site's newest change
   * once the first `i` (scheduled) articles are left out, found without a scan per request.
   */
  readonly latestUpdateFrom: Float64Array;
}

/** What a feed covers: everything, one language, one category, or one category in one language. */
export interface Scope {
  readonly language?: Language;
  readonly category?: Category;
}

/** A stable string naming a scope: `''`, `lang:th`, `cat:world`, `lang:th/cat:world`. */
export function scopeKey(scope: Scope): string {
  return scopeKeyOf(scope.language?.slug, scope.category?.slug);
}

/**
 * The keys of the scopes an article is listed in besides the whole site's, given its language
 * tag and its category's slug: its language, and its category and both when it has one.
 */
export function scopeKeysOf(language: string, category: string | undefined): string[] {
  const slug = language.toLowerCase();
  return category === undefined ? [scopeKeyOf(slug, undefined)] : [scopeKeyOf(slug, undefined), scopeKeyOf(undefined, category), scopeKeyOf(slug, category)];
}

function scopeKeyOf(languageSlug: string | undefined, categorySlug: string | undefined): string {
  const parts: string[] = [];
  if (languageSlug !== undefined) parts.push(`lang:${languageSlug}`);
  if (categorySlug !== undefined) parts.push(`cat:${categorySlug}`);
  return parts.join('/');
}

/** Newest first; equal times ordered by id so that the order never depends on input order. */
export function compareNewestFirst(a: Article, b: Article): number {
  return b.published - a.published || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function nameOfLanguage(tag: string, site: Site): string {
  const configured = configuredEntry(site.languages, tag.toLowerCase())?.name;
  if (configured) return configured;
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * A language of the catalog. Its name is looked up when first shown: the first lookup loads
 * ICU's display names, 20-50 ms of a restart, and a catalog is made before any request comes
 * (the feeds of a category, say, show no language name).
 */
function createLanguage(tag: string, site: Site): Language {
  let name: string | undefined;
  return {
    slug: tag.toLowerCase(),
    tag,
    get name() {
      return (name ??= nameOfLanguage(tag, site));
    },
  };
}

function bySlug<T extends { readonly slug: string }>(a: T, b: T): number {
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}

export interface CatalogInput {
  /** In any order (given newest first, as a persisted index gives them, sorting them is one pass). */
  readonly articles: readonly Article[];
  /** `articles` by slug, when the caller has that already (see assembleArticles). */
  readonly articleBySlug?: ReadonlyMap<string, Article>;
  /** Whether `articles` are newest first already, as {@link compareNewestFirst} orders them: then they are not sorted again. */
  readonly newestFirst?: boolean;
  /** What going through `articles` finds, when the caller knows it already (only with `newestFirst`). */
  readonly scan?: CatalogScan;
  readonly problems: readonly Problem[];
}

/**
 * What going through a collection's articles newest first finds: a persisted collection comes
 * back with it, read from its numbers rather than by asking 100,000 articles (see stored-entry.ts).
 */
export interface CatalogScan {
  /** The articles' language tags, and their categories (by slug), each as first met going newest first. */
  readonly languages: readonly string[];
  readonly categories: readonly Category[];
  /** The key of every scope but the whole site's that holds an article (see {@link scopeKeysOf}), in the order first met. */
  readonly scopeKeys: readonly string[];
  /** The articles of the scope of one of `scopeKeys`, newest first: asked for when a request first needs them (see ScopeLists). */
  articlesOf(key: string): Article[];
  /** See {@link Catalog.latestUpdateFrom}. */
  readonly latestUpdateFrom: Float64Array;
}

/** The language tags the site's configuration names, the default language first: a catalog has them whatever its articles (as it has the configured categories). */
export function configuredLanguageTags(site: Site): string[] {
  return [site.defaultLanguage, ...Object.keys(site.languages).map((tag) => Intl.getCanonicalLocales(tag)[0] ?? tag)];
}

/** `latestUpdates[i]`: the newest `updated` among `articles[i..]` (see Catalog.latestUpdateFrom). */
export function latestUpdatesOf(articles: readonly Article[]): Float64Array {
  return latestUpdatesFrom(articles.length, (place) => (articles[place] as Article).updated);
}

/**
 * The same for `articles` made from a list `before` whose figures were `latestBefore`: the two
 * lists' common tail keeps its figures, and only the places up to the last one that differs ask
 * their article. A change most often puts an article near the top: asking every article of a
 * restarted server took 0.1-0.15 s of each change at 500,000 articles.
 */
export function latestUpdatesAfter(articles: readonly Article[], before: readonly Article[], latestBefore: Float64Array): Float64Array {
  const shift = before.length - articles.length;
  let tail = articles.length;
  while (tail > 0 && tail - 1 + shift >= 0 && articles[tail - 1] === before[tail - 1 + shift]) tail -= 1;
  const latest = new Float64Array(articles.length + 1);
  latest.set(latestBefore.subarray(tail + shift), tail);
  for (let place = tail - 1; place >= 0; place -= 1) latest[place] = Math.max(latest[place + 1] as number, (articles[place] as Article).updated);
  return latest;
}

/** The same, given the update time of the article at each place of `count` (when they are known without asking the articles). */
export function latestUpdatesFrom(count: number, updatedAt: (place: number) => number): Float64Array {
  const latest = new Float64Array(count + 1);
  for (let place = count - 1; place >= 0; place -= 1) latest[place] = Math.max(latest[place + 1] as number, updatedAt(place));
  return latest;
}

/** Builds the catalog of `input`: the same whatever order its articles come in. */
export function createCatalog(input: CatalogInput, site: Site): Catalog {
  const languages = new Map<string, Language>();
  const categories = new Map<string, Category>();
  const addLanguage = (tag: string) => {
    const slug = tag.toLowerCase();
    if (!languages.has(slug)) languages.set(slug, createLanguage(tag, site));
  };
  for (const tag of configuredLanguageTags(site)) addLanguage(tag);
  for (const [slug, { name }] of Object.entries(site.categories)) categories.set(slug, { slug, name: name ?? slug });

  const scan = input.newestFirst === true ? input.scan : undefined;
  const articles = input.newestFirst === true ? input.articles.slice() : [...input.articles].sort(compareNewestFirst);
  // A language tag, and the name of a category the configuration does not name, are spelled
  // as the newest article spells them: the same on a first start, a restart (see CatalogScan)
  // and after a change, and on both hosts.
  if (scan !== undefined) {
    for (const tag of scan.languages) if (!languages.has(tag.toLowerCase())) addLanguage(tag);
    for (const category of scan.categories) if (!categories.has(category.slug)) categories.set(category.slug, category);
    const articlesByScope = new ScopeLists(['', ...scan.scopeKeys], [['', articles]], scan.articlesOf);
    return catalogOf(input, articles, languages, categories, articlesByScope, scan.latestUpdateFrom);
  }
  for (const article of articles) {
    if (!languages.has(article.language.toLowerCase())) addLanguage(article.language);
    if (article.category && !categories.has(article.category.slug)) categories.set(article.category.slug, article.category);
  }

  const articlesByScope = new Map<string, Article[]>([['', articles]]);
  // The lists an article joins, found by language, then category: no scope key is built per
  // article (at 100,000 articles that was 300,000 strings).
  const listsByLanguage = new Map<string, Map<string | undefined, Article[][]>>();
  const listOf = (key: string) => {
    let list = articlesByScope.get(key);
    if (list === undefined) articlesByScope.set(key, (list = []));
    return list;
  };
  const listsFor = (article: Article) => {
    let byCategory = listsByLanguage.get(article.language);
    if (byCategory === undefined) listsByLanguage.set(article.language, (byCategory = new Map()));
    const category = article.category?.slug;
    let lists = byCategory.get(category);
    if (lists === undefined) byCategory.set(category, (lists = scopeKeysOf(article.language, category).map(listOf)));
    return lists;
  };
  for (const article of articles) for (const list of listsFor(article)) list.push(article);
  return catalogOf(input, articles, languages, categories, ScopeLists.of(articlesByScope), latestUpdatesOf(articles));
}

function catalogOf(
  input: CatalogInput,
  articles: readonly Article[],
  languages: ReadonlyMap<string, Language>,
  categories: ReadonlyMap<string, Category>,
  articlesByScope: ScopeLists,
  latestUpdateFrom: Float64Array,
): Catalog {
  return {
    articles,
    latestUpdateFrom,
    languages: [...languages.values()].sort(bySlug),
    categories: [...categories.values()].sort(bySlug),
    problems: input.problems,
    articleBySlug: input.articleBySlug ?? new Map(articles.map((article) => [article.slug, article])),
    languageBySlug: languages,
    categoryBySlug: categories,
    articlesByScope,
  };
}
