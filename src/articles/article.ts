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
 * page; a `warning` is reported and the article is served.
 */
export interface Problem {
  readonly path: string;
  readonly severity: Severity;
  readonly message: string;
  readonly field?: string;
  readonly line?: number;
}

/** Formats a problem as one line: `content/a.md:7: date: cannot read "soon" as a date`. */
export function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? problem.path : `${problem.path}:${problem.line}`;
  const field = problem.field === undefined ? '' : `${problem.field}: `;
  return `${where}: ${problem.severity}: ${field}${problem.message}`;
}
