/**
 * A catalog after a change to a few files, made from the catalog before it: their old articles
 * taken out of the sorted lists and their new ones put in. Making the catalog of 100,000
 * articles whole (a full sort and every scope list) took 140-220 ms of each change, with every
 * request waiting; this takes 15-18 ms, most of it copying the lists the change is in. It gives up (`undefined`) whenever the change
 * reaches beyond those files' own articles, or is too large for this to be the quicker way (see
 * MOST_CHANGED_ARTICLES), and the catalog is then made whole: the result is always the catalog
 * {@link createCatalog} would make (a property test holds it to that).
 *
 * @example
 * const catalog = updateCatalog(previous, assembleArticles(entries), change, site) ?? createCatalog(assembleArticles(entries), site);
 */
import type { Article, Problem } from '../articles/article.ts';
import type { Site } from '../site.ts';
import { placeIn } from '../sorted-map.ts';
import { compareNewestFirst, configuredLanguageTags, latestUpdatesAfter, scopeKeysOf, type Catalog, type CatalogInput } from './catalog.ts';

/** What a change did to the files it touched: their paths, and their articles before and after. */
export interface CatalogChange {
  readonly paths: ReadonlySet<string>;
  /** The articles of those files before the change (some may have been kept out of the catalog). */
  readonly before: readonly Article[];
  /** Their articles after it (some may be kept out: drafts, clashes). */
  readonly after: readonly Article[];
}

/**
 * The most articles (taken out and put in, counted together) a change may have for the catalog
 * to be made from the one before. Each is taken out of, or put into, every sorted list it is
 * in, which costs about as much as the list is long; making the catalog whole costs a sort of
 * every article. At 100,000 articles, whole took 85-120 ms; from the one before, with each
 * changed file's article taken out and its new version put in, 11 ms for 10 files, 22 ms for
 * 300, 48-217 ms for 1,000, 2.1 s for 10,000 and 6.2 s for 30,000 (with every request waiting:
 * a bulk edit of the archive held them that long).
 */
export const MOST_CHANGED_ARTICLES = 1000;

/** Where `article` is or goes in `list` (newest first). */
function placeOf(list: readonly Article[], article: Article): number {
  return placeIn(list, (other) => compareNewestFirst(other, article) < 0);
}

const sameProblem = (a: Problem, b: Problem) => a.path === b.path && a.severity === b.severity && a.field === b.field && a.message === b.message && a.line === b.line;

/** Whether the problems of the files the change did not touch are the same before and after it. */
function othersUnchanged(before: readonly Problem[], after: readonly Problem[], paths: ReadonlySet<string>): boolean {
  const others = (problems: readonly Problem[]) => problems.filter((problem) => !paths.has(problem.path));
  const [was, is] = [others(before), others(after)];
  return was.length === is.length && was.every((problem, index) => sameProblem(problem, is[index] as Problem));
}

/**
 * The catalog of `input` (the collection after `change`), made from `previous` (the catalog
 * before it); `undefined` when it must be made whole instead:
 * - another file's article came in or went out: a clash of codes or slugs began or ended, which
 *   shows as a problem of that file appearing or going;
 * - a language or category appears, is left without articles, or is spelled anew (its name is
 *   the newest article's spelling, unless the configuration names it);
 * - more than {@link MOST_CHANGED_ARTICLES} articles go out and come in.
 */
export function updateCatalog(previous: Catalog, input: CatalogInput & { readonly articleBySlug: ReadonlyMap<string, Article> }, change: CatalogChange, site: Site): Catalog | undefined {
  if (change.before.length + change.after.length > MOST_CHANGED_ARTICLES) return undefined;
  if (!othersUnchanged(previous.problems, input.problems, change.paths)) return undefined;
  const leaving = change.before.filter((article) => previous.articleBySlug.get(article.slug) === article);
  const entering = change.after.filter((article) => input.articleBySlug.get(article.slug) === article);
  if (previous.articles.length - leaving.length + entering.length !== input.articles.length) return undefined;
  for (const article of entering) {
    if (!previous.languageBySlug.has(article.language.toLowerCase())) return undefined;
    if (article.category !== undefined && !previous.categoryBySlug.has(article.category.slug)) return undefined;
  }

  // Every list an article of the change is in, copied once and changed in place.
  const lists = new Map<string, Article[]>();
  const listOf = (key: string) => {
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = [...(previous.articlesByScope.get(key) ?? [])]));
    return list;
  };
  const keysOf = (article: Article) => ['', ...scopeKeysOf(article.language, article.category?.slug)];
  for (const article of leaving) {
    for (const key of keysOf(article)) {
      const list = listOf(key);
      const at = placeOf(list, article);
      if (list[at] !== article) return undefined;
      list.splice(at, 1);
    }
  }
  for (const article of entering) {
    for (const key of keysOf(article)) {
      const list = listOf(key);
      list.splice(placeOf(list, article), 0, article);
    }
  }

  // The languages and categories stay as they were: none left empty, none spelled anew.
  const configuredLanguages = new Set(configuredLanguageTags(site).map((tag) => tag.toLowerCase()));
  for (const article of [...leaving, ...entering]) {
    const languageSlug = article.language.toLowerCase();
    if (!configuredLanguages.has(languageSlug)) {
      const newest = lists.get(`lang:${languageSlug}`)?.[0];
      if (newest === undefined || newest.language !== previous.languageBySlug.get(languageSlug)?.tag) return undefined;
    }
    const category = article.category;
    if (category !== undefined && !Object.hasOwn(site.categories, category.slug)) {
      const newest = lists.get(`cat:${category.slug}`)?.[0];
      if (newest === undefined || newest.category?.name !== previous.categoryBySlug.get(category.slug)?.name) return undefined;
    }
  }

  const articlesByScope = previous.articlesByScope.with(lists);
  const articles = articlesByScope.get('') ?? [];
  return {
    ...previous,
    articles,
    latestUpdateFrom: latestUpdatesAfter(articles, previous.articles, previous.latestUpdateFrom),
    problems: input.problems,
    articleBySlug: input.articleBySlug,
    articlesByScope,
  };
}
