/**
 * `wirefeed check`: lints a content folder the way the service reads it, and reports every
 * problem with its path, line, field and reason - as text for people, or JSON for CI - and the
 * articles that are scheduled (dated after the check), which no feed or page shows yet.
 */
import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';
import { formatProblem, type Article, type Problem } from '../articles/article.ts';
import { assembleArticles, indexSource, type IndexMany } from '../articles/load.ts';
import { modifiedFieldOf } from '../articles/normalize.ts';
import { parseArticleFile } from '../articles/parse.ts';
import { comparePaths, type ContentSource } from '../sources/source.ts';
import { createReportingFsSource } from '../sources/fs.ts';
import { createProgress } from './progress.ts';
import type { Settings } from './settings.ts';

/** An article dated after the check: held back from every feed and page until its `date`. */
export interface ScheduledArticle {
  readonly path: string;
  /** Its page, `/articles/{slug}` once published. */
  readonly slug: string;
  /** When it is published: ISO 8601 in the site's time zone (`2024-12-01T09:00:00+07:00`). */
  readonly date: string;
}

export interface CheckReport {
  readonly contentDir: string;
  readonly files: number;
  /** Every article that can be served, the scheduled ones among them. */
  readonly articles: number;
  readonly drafts: number;
  readonly errors: number;
  readonly warnings: number;
  /** Folders that could not be read (each also an error among the problems): their files are not counted. */
  readonly unreadableFolders: number;
  /** Symbolic links named like articles or leading to folders (each also a warning among the problems): never followed. */
  readonly skippedLinks: number;
  readonly problems: readonly Problem[];
  /** The articles not published yet, the next first. */
  readonly scheduled: readonly ScheduledArticle[];
}

export interface CheckOptions {
  readonly quiet?: boolean;
  readonly indexMany?: IndexMany;
  /** The time the check is made for (default: now): what is scheduled, what is ahead of it. */
  readonly now?: number;
}

export async function checkContent(settings: Settings, options: CheckOptions = {}): Promise<CheckReport> {
  const progress = createProgress('wirefeed check', options);
  const { indexMany, now = Date.now() } = options;
  const { timeZone } = settings.site;
  const onProgress = (done: number, total: number) => progress.update(done, total);
  const { source, listingProblems } = createReportingFsSource(settings.contentDir);
  const entries = await indexSource(source, settings.site, { onProgress, ...(indexMany ? { indexMany } : {}) });
  progress.stop();
  const assembled = assembleArticles(entries);
  const { articles, drafts } = assembled;
  const scheduled = articles.filter((article) => article.published > now).sort((a, b) => a.published - b.published || comparePaths(a.path, b.path));
  // Whether a change is ahead of now depends on when the check runs, so it is no problem of the
  // file the index could keep: it is found here, for the articles already published.
  const changedAhead = articles.filter((article) => article.published <= now && article.updated > now);
  const aheadProblems = await Promise.all(changedAhead.map((article) => changeAheadProblem(source, article, timeZone)));
  const problems = [...listingProblems, ...assembled.problems, ...aheadProblems].sort((a, b) => comparePaths(a.path, b.path));
  return {
    contentDir: settings.contentDir,
    files: entries.length,
    articles: articles.length,
    drafts,
    errors: problems.filter((problem) => problem.severity === 'error').length,
    warnings: problems.filter((problem) => problem.severity === 'warning').length,
    unreadableFolders: listingProblems.filter((problem) => problem.severity === 'error').length,
    skippedLinks: listingProblems.filter((problem) => problem.severity === 'warning').length,
    problems,
    scheduled: scheduled.map((article) => ({ path: article.path, slug: article.slug, date: isoIn(article.published, timeZone) })),
  };
}

function isoIn(time: number, timeZone: string): string {
  return formatISO(new TZDate(time, timeZone));
}

/**
 * The warning for a published article whose modification time is still ahead: feeds and its
 * page show that time as written, as when it and every feed that holds it last changed.
 */
async function changeAheadProblem(source: ContentSource, article: Article, timeZone: string): Promise<Problem> {
  const message = `is in the future (${isoIn(article.updated, timeZone)}): feeds and the page show it as written, so readers see this article, and every feed that holds it, as changed then`;
  // The field and its line are the file's: read it again (one file per such article).
  const parsed = await source.read(article.path).then(
    (text) => parseArticleFile(article.path, text),
    () => undefined,
  );
  if (!parsed?.ok) return { path: article.path, severity: 'warning', field: 'updated', message };
  const field = modifiedFieldOf(parsed.value.data);
  const line = parsed.value.lines[field];
  return { path: article.path, severity: 'warning', field, message, ...(line === undefined ? {} : { line }) };
}

/** `1 draft`, `2 drafts`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The report for people: one line per problem, one per scheduled article, then a summary. */
export function formatReport(report: CheckReport): string {
  const lines = report.problems.map(formatProblem);
  for (const article of report.scheduled) lines.push(`${article.path}: scheduled: held back from every feed and page until ${article.date} (/articles/${article.slug})`);
  const fileErrors = report.errors - report.unreadableFolders;
  const faults = [
    ...(fileErrors > 0 ? [`${count(fileErrors, 'file cannot', 'files cannot')} be served`] : []),
    ...(report.unreadableFolders > 0 ? [`${count(report.unreadableFolders, 'folder cannot', 'folders cannot')} be read`] : []),
  ];
  const verdict = faults.length > 0 ? faults.join(', ') : 'every file can be served';
  const links = report.skippedLinks > 0 ? `; ${count(report.skippedLinks, 'symbolic link')} not followed` : '';
  const scheduled = report.scheduled.length > 0 ? ` (${report.scheduled.length} scheduled)` : '';
  const counts = [count(report.files, 'file'), `${count(report.articles, 'article')}${scheduled}`, count(report.drafts, 'draft'), count(report.errors, 'error'), count(report.warnings, 'warning')];
  lines.push(`wirefeed check: ${counts.join(', ')}: ${verdict}${links}`);
  return `${lines.join('\n')}\n`;
}
