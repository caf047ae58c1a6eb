/**
 * The one shape an article has once it has been read: validated, normalized, immutable.
 * Nothing downstream (catalog, feeds, pages) looks at front matter again.
 */
import type { Person } from '../site.ts';

export interface Category {
  /** Lower-case, URL-safe form used in routes (`world`). */
  readonly slug: string;
  /** Display name: the site configuration's, else as first written (`WORLD`). */
  readonly name: string;
}

export interface Article {
  /** Permanent identity: the `code` field, or `path:<file path>` when it has none. */
  readonly id: string;
  /** URL slug of the article page, unique in the collection. */
  readonly slug: string;
  /** Path of the source file, relative to the content folder, with `/` separators. */
  readonly path: string;
  readonly title: string;
  /** Plain-text summary: `description`, else the first paragraph of the body. */
  readonly description: string;
  /** Canonical BCP 47 tag (`en`, `th`, `pt-BR`). */
  readonly language: string;
  readonly category?: Category | undefined;
  readonly tags: readonly string[];
  /** Empty when the article names no author; the site's author stands in. */
  readonly authors: readonly Person[];
  /** Publication time, milliseconds since the epoch. */
  readonly published: number;
  /** Last modification time (>= published), milliseconds since the epoch. */
  readonly updated: number;
  /** Absolute URL of the lead image. */
  readonly image?: string | undefined;
  /** Absolute URL where the article was first published. */
  readonly originUrl?: string | undefined;
  /**
   * When its file last changed (the file system's time), where the source tells it. Never
   * shown as a date: it is what moves the HTTP `Last-Modified` of what shows the article when
   * `updated` does not (an edit that leaves `updated` as it was, an article added with an
   * older date), see `lastChangeOf`.
   */
  readonly fileTime?: number | undefined;
}

export type Severity = 'error' | 'warning';

/**
 * Something wrong with one content file. An `error` keeps the file out of every feed and
 * page (but a file that was good before, whose last good version is served: see
 * {@link KEPT_VERSION}); a `warning` is reported and the article is served.
 */
export interface Problem {
  readonly path: string;
  readonly severity: Severity;
  readonly message: string;
  readonly field?: string;
  readonly line?: number;
}

/** The warning that a file in error is served in its last good version (see keepLastGood in catalog/content-store.ts). */
export const KEPT_VERSION = 'the last good version of this file is served until it is valid again';

/** Files in error, each counted once however many problems it has: those kept out, and those served in their last good version. */
export interface FilesInError {
  readonly skipped: number;
  readonly kept: number;
}

export function filesInError(problems: readonly Problem[]): FilesInError {
  const failed = new Set<string>();
  const kept = new Set<string>();
  for (const { path, severity, message } of problems) {
    if (message === KEPT_VERSION) kept.add(path);
    else if (severity === 'error') failed.add(path);
  }
  let skipped = 0;
  for (const path of failed) if (!kept.has(path)) skipped += 1;
  return { skipped, kept: kept.size };
}

/** `count` and `noun`, the noun plural unless the count is one: `counted(1, 'article')` is '1 article'. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** What a start or a build says of its files in error: '1 file skipped, 2 files served in their last good version'; '' when none are. */
export function describeFilesInError({ skipped, kept }: FilesInError): string {
  return [
    ...(skipped > 0 ? [`${counted(skipped, 'file')} skipped`] : []),
    ...(kept > 0 ? [`${counted(kept, 'file')} served in ${kept === 1 ? 'its' : 'their'} last good version`] : []),
  ].join(', ');
}

/** Formats a problem as one line: `content/a.md:7: date: cannot read "soon" as a date`. */
export function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? problem.path : `${problem.path}:${problem.line}`;
  const field = problem.field === undefined ? '' : `${problem.field}: `;
  return `${where}: ${problem.severity}: ${field}${problem.message}`;
}
