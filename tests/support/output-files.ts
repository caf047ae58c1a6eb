/**
 * The files a build wrote into a folder, for tests that compare one build with another byte for
 * byte and tell which files a later build wrote again (by their modification times).
 */
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A time the built files are set to, so that a file written again shows it was. */
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

/** Every file under `dir`, by its path there, with its bytes. */
export function filesOf(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(relative(dir, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'latin1'));
  }
  return files;
}

/** Sets every file under `dir` to a time long ago; {@link writtenSince} then names those written since. */
export function ageFiles(dir: string): void {
  for (const path of filesOf(dir).keys()) utimesSync(join(dir, path), LONG_AGO, LONG_AGO);
}

/** The files under `dir` written since {@link ageFiles}, by their paths there, sorted. */
export function writtenSince(dir: string): string[] {
  return [...filesOf(dir).keys()].filter((path) => statSync(join(dir, path)).mtimeMs !== LONG_AGO.getTime()).sort();
}
