/**
 * Catalog + scope + time -> the articles a response shows. Scheduled articles (dated in the
 * future) are held back until their time; the clock is always passed in, never read here.
 *
 * @example
 * const items = selectFeedArticles(catalog, { category }, Date.now(), 50);
 */
import type { Article } from '../articles/article.ts';
import { scopeKey, type Catalog, type Scope } from './catalog.ts';

/** How many leading entries of a newest-first list are still scheduled at `now` (binary search). */
export function countScheduled(articles: readonly Article[], now: number): number {
  let low = 0;
  let high = articles.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((articles[middle] as Article).published > now) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The published part of a newest-first list. */
export function selectPublished(articles: readonly Article[], now: number): readonly Article[] {
  const scheduled = countScheduled(articles, now);
  return scheduled === 0 ? articles : articles.slice(scheduled);
}

/** Every published article of a scope, newest first. */
export function selectScope(catalog: Catalog, scope: Scope, now: number): readonly Article[] {
  return selectPublished(catalog.articlesByScope.get(scopeKey(scope)) ?? [], now);
}

/** The time the next scheduled article is published, if any is waiting. */
export function selectNextPublication(catalog: Catalog, now: number): number | undefined {
  const scheduled = countScheduled(catalog.articles, now);
  return scheduled === 0 ? undefined : catalog.articles[scheduled - 1]?.published;
}

/** A published article by slug; scheduled articles are not found until their time. */
export function selectArticle(catalog: Catalog, slug: string, now: number): Article | undefined {
  const article = catalog.articleBySlug.get(slug);
  return article && article.published <= now ? article : undefined;
}

/**
 * Every scope worth listing (index page, OPML): the whole site, each language, each category,
 * and each category x language pair that holds at least one article. Sorted by language, then
 * category, the whole site first.
 */
export function selectListedScopes(catalog: Catalog): readonly Scope[] {
  const scopes: Scope[] = [{}];
  for (const category of catalog.categories) scopes.push({ category });
  for (const language of catalog.languages) {
    scopes.push({ language });
    for (const category of catalog.categories) {
      if (catalog.articlesByScope.has(scopeKey({ language, category }))) scopes.push({ language, category });
    }
  }
  return scopes;
}

/** The scopes an article appears in: the site, its language, its category, both. */
export function selectScopesOf(catalog: Catalog, article: Article): readonly Scope[] {
  const language = catalog.languageBySlug.get(article.language.toLowerCase());
  const category = article.category && catalog.categoryBySlug.get(article.category.slug);
  const scopes: Scope[] = [{}];
  if (language) scopes.push({ language });
  if (category) scopes.push({ category });
  if (language && category) scopes.push({ language, category });
  return scopes;
}

/** When the next scheduled article of a scope is published, if one is waiting. */
export function selectNextPublicationIn(catalog: Catalog, scope: Scope, now: number): number | undefined {
  const articles = catalog.articlesByScope.get(scopeKey(scope)) ?? [];
  const scheduled = countScheduled(articles, now);
  return scheduled === 0 ? undefined : articles[scheduled - 1]?.published;
}
