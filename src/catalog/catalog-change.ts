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
 * to be made from the one before. Each list a changed article is in is made again in one pass
 * (see remade), which costs about as much as the lists are long, plus a search per article;
 * making the catalog whole costs a sort of every article, and lets requests through after it.
 * At 100,000 articles, whole took 82-89 ms; from the one before, with each changed file's
 * article taken out and its new version put in, 6 ms for 1 file, 15 ms for 300, 27 ms for
 * 1,000, 38 ms for 2,000, 74 ms for 5,000 and 368 ms for 30,000 (splicing each article in and
 * out of the lists instead: 26, 44, 92 and 685 ms for 500 to 5,000 files, 6.2 s for 30,000).
 */
export const MOST_CHANGED_ARTICLES = 4000;

/** Where `article` is or goes in `list` (newest first). */
function placeOf(list: readonly Article[], article: Article): number {
  return placeIn(list, (other) => compareNewestFirst(other, article) < 0);
}

/**
 * `list` (newest first) without `leaving` and with `entering`, each where {@link placeOf} puts
 * it; `undefined` when one of `leaving` is not in it. Made of the runs between those places,
 * copied whole: splicing each article in and out moved the rest of the list every time (at
 * 100,000 articles, 48-217 ms for 1,000 articles against 85-120 ms for the whole catalog).
 */
function remade(list: readonly Article[], leaving: readonly Article[], entering: readonly Article[]): Article[] | undefined {
  const cuts: number[] = [];
  for (const article of leaving) {
    const at = placeOf(list, article);
    if (list[at] !== article) return undefined;
    cuts.push(at);
  }
  cuts.sort((a, b) => a - b);
  // Where each article coming in goes among those there now (before any equal to it, as placeOf has it).
  const places = entering.map((article) => ({ article, at: placeOf(list, article) })).sort((a, b) => a.at - b.at || compareNewestFirst(a.article, b.article));
  const runs: (readonly Article[])[] = [];
  let from = 0;
  let next = 0;
  const copyTo = (to: number) => {
    if (to > from) runs.push(list.slice(from, to));
    from = to;
  };
  for (const cut of cuts) {
    for (; next < places.length && places[next]!.at <= cut; next += 1) {
      copyTo(places[next]!.at);
      runs.push([places[next]!.article]);
    }
    copyTo(cut);
    from = cut + 1;
  }
  for (; next < places.length; next += 1) {
    copyTo(places[next]!.at);
    runs.push([places[next]!.article]);
  }
  copyTo(list.length);
  // Joined a batch of runs at a time: a call takes only so many arguments.
  let joined: Article[] = [];
  for (let at = 0; at < runs.length; at += RUNS_JOINED_AT_ONCE) joined = joined.concat(...runs.slice(at, at + RUNS_JOINED_AT_ONCE));
  return joined;
}

const RUNS_JOINED_AT_ONCE = 10_000;

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

  // Every list an article of the change is in, made again once.
  const changed = new Map<string, { readonly leaving: Article[]; readonly entering: Article[] }>();
  const changeOf = (key: string) => {
    let change = changed.get(key);
    if (change === undefined) changed.set(key, (change = { leaving: [], entering: [] }));
    return change;
  };
  const keysOf = (article: Article) => ['', ...scopeKeysOf(article.language, article.category?.slug)];
  for (const article of leaving) for (const key of keysOf(article)) changeOf(key).leaving.push(article);
  for (const article of entering) for (const key of keysOf(article)) changeOf(key).entering.push(article);
  const lists = new Map<string, Article[]>();
  for (const [key, change] of changed) {
    const list = remade(previous.articlesByScope.get(key) ?? [], change.leaving, change.entering);
    if (list === undefined) return undefined;
    lists.set(key, list);
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
