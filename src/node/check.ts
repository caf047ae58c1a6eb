/**
 * `wirefeed check`: lints a content folder the way the service reads it, and reports every
 * problem with its path, line, field and reason - as text for people, or JSON for CI.
 */
import { formatProblem, type Problem } from '../articles/article.ts';
import { assembleArticles, indexSource, type IndexMany } from '../articles/load.ts';
import { createReportingFsSource } from '../sources/fs.ts';
import { createProgress } from './progress.ts';
import type { Settings } from './settings.ts';

export interface CheckReport {
  readonly contentDir: string;
  readonly files: number;
  readonly articles: number;
  readonly drafts: number;
  readonly errors: number;
  readonly warnings: number;
  /** Folders that could not be read (each also an error among the problems): their files are not counted. */
  readonly unreadableFolders: number;
  /** Symbolic links named like articles or leading to folders (each also a warning among the problems): never followed. */
  readonly skippedLinks: number;
  readonly problems: readonly Problem[];
}

export async function checkContent(settings: Settings, options: { readonly quiet?: boolean; readonly indexMany?: IndexMany } = {}): Promise<CheckReport> {
  const progress = createProgress('wirefeed check', options);
  const { indexMany } = options;
  const onProgress = (done: number, total: number) => progress.update(done, total);
  const { source, listingProblems } = createReportingFsSource(settings.contentDir);
  const entries = await indexSource(source, settings.site, { onProgress, ...(indexMany ? { indexMany } : {}) });
  progress.stop();
  const assembled = assembleArticles(entries);
  const { articles, drafts } = assembled;
  const problems = [...listingProblems, ...assembled.problems];
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
  };
}

/** The report for people: one line per problem, then a summary. */
export function formatReport(report: CheckReport): string {
  const lines = report.problems.map(formatProblem);
  const fileErrors = report.errors - report.unreadableFolders;
  const faults = [
    ...(fileErrors > 0 ? [`${fileErrors} files cannot be served`] : []),
    ...(report.unreadableFolders > 0 ? [`${report.unreadableFolders} folders cannot be read`] : []),
  ];
  const verdict = faults.length > 0 ? faults.join(', ') : 'every file can be served';
  const links = report.skippedLinks > 0 ? `; ${report.skippedLinks} symbolic links not followed` : '';
  lines.push(
    `wirefeed check: ${report.files} files, ${report.articles} articles, ${report.drafts} drafts, ${report.errors} errors, ${report.warnings} warnings: ${verdict}${links}`,
  );
  return `${lines.join('\n')}\n`;
}
