/**
 * Source -> articles: read every file once, parse, normalize, and enforce the collection-wide
 * rules (unique `code`, unique slug). Files are taken in path order, so "the second file" of a
 * clash is always the same one.
 *
 * @example
 * const { articles, problems } = await loadArticles(createFsSource('content'), site);
 */
import type { Site } from '../site.ts';
import type { ContentSource } from '../sources/source.ts';
import type { Article, Problem } from './article.ts';
import { normalizeArticle, type NormalizeResult } from './normalize.ts';
import { parseArticleFile } from './parse.ts';

export interface LoadedArticles {
  /** Every publishable article (drafts and files with errors left out), in path order. */
  readonly articles: readonly Article[];
  /** Markdown content of each article, by id. */
  readonly bodies: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
  readonly drafts: number;
}

/** Reads one file into an article (or problems), isolating any failure to that file. */
async function readArticle(source: ContentSource, path: string, site: Site): Promise<NormalizeResult> {
  let text: string;
  try {
    text = await source.read(path);
  } catch (error) {
    const problem: Problem = { path, severity: 'error', message: `cannot be read: ${(error as Error).message}` };
    return { draft: false, problems: [problem] };
  }
  const parsed = parseArticleFile(path, text);
  if (!parsed.ok) return { draft: false, problems: [parsed.problem] };
  return normalizeArticle(path, parsed.value, site);
}

/** How many files are read at once: enough to keep the disk busy, few enough for any fd limit. */
const READ_CONCURRENCY = 64;

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function loadArticles(source: ContentSource, site: Site): Promise<LoadedArticles> {
  const entries = await source.list();
  const results = await mapWithConcurrency(entries, READ_CONCURRENCY, (entry) => readArticle(source, entry.path, site));

  const articles: Article[] = [];
  const bodies = new Map<string, string>();
  const problems: Problem[] = [];
  const pathById = new Map<string, string>();
  const pathBySlug = new Map<string, string>();
  let drafts = 0;
  for (const result of results) {
    problems.push(...result.problems);
    const { article } = result;
    if (article === undefined) continue;
    if (result.draft) {
      drafts += 1;
      continue;
    }
    const sameId = pathById.get(article.id);
    if (sameId !== undefined) {
      problems.push({ path: article.path, severity: 'error', field: 'code', message: `"${article.id}" is already the code of ${sameId}` });
      continue;
    }
    const sameSlug = pathBySlug.get(article.slug);
    if (sameSlug !== undefined) {
      problems.push({ path: article.path, severity: 'error', field: 'slug', message: `"${article.slug}" is already the slug of ${sameSlug}` });
      continue;
    }
    pathById.set(article.id, article.path);
    pathBySlug.set(article.slug, article.path);
    articles.push(article);
    bodies.set(article.id, result.body ?? '');
  }
  return { articles, bodies, problems, drafts };
}
