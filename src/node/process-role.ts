/**
 * What a `wirefeed` process is there to do, told before its command line is parsed (see
 * early.ts): an indexing process of a first start (see parallel-index.ts), or the command the
 * arguments name, and whether a server may be restarting.
 *
 * @example
 * startsFromIndex(['--port', '3000']); // => true (serve is the default command)
 * startsFromIndex(['check', '--json']); // => false
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Set in the environment of an indexing process. */
export const TASK_VARIABLE = 'WIREFEED_INDEX_TASK';

/** Whether this process was started to index files (see parallel-index.ts). */
export function isIndexingProcess(): boolean {
  return process.env[TASK_VARIABLE] === '1';
}

/** The command line's commands that do not start from the persisted index, as `serve` (the default) and `index` do (see src/cli.ts). */
const OTHER_COMMANDS = new Set(['build', 'check', 'help']);

/**
 * Whether arguments (after `node` and the script) will run a command that starts from the
 * persisted index - `serve`, or `index`, which writes what it reads - judged before they are
 * parsed: not when the first word that is not an option names another command, or when help
 * or the version is asked for. An option's value may be taken for the command (`--content
 * build`); a wrong guess costs a start a little time, never a result (see early.ts).
 */
export function startsFromIndex(args: readonly string[]): boolean {
  if (args.some((arg) => arg === '-h' || arg === '--help' || arg === '-V' || arg === '--version')) return false;
  const command = args.find((arg) => !arg.startsWith('-'));
  return command === undefined || !OTHER_COMMANDS.has(command);
}

/** The folder of the persisted index (`CACHE_DIR`, else under node_modules/.cache, like other tools' caches; `off`: none). */
export function cacheDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.CACHE_DIR ?? resolve('node_modules/.cache/wirefeed');
}

/**
 * The name of a persisted index file (see defaultIndexPath), not of the HTML kept beside it:
 * its content folder's part, then its configuration's and its build's, 8 characters each.
 * Indexes were once named by the folder alone, then by folder and configuration; no build reads
 * those any more (see forgetOtherConfigurations).
 */
export const INDEX_FILE_NAME = /^(index-[\w-]{16})((?:-[\w-]{8}){0,2})\.json$/;

/**
 * Whether a server started with this environment may be restarting: its cache folder holds an
 * index. Of some content folder, not necessarily its own: which one is not known before the
 * command line is parsed. A wrong guess costs a start a little time, never a result.
 */
export function mayRestart(env: NodeJS.ProcessEnv = process.env): boolean {
  const cacheDir = cacheDirOf(env);
  if (cacheDir === 'off') return false;
  try {
    return readdirSync(cacheDir).some((name) => INDEX_FILE_NAME.test(name));
  } catch {
    return false; // no cache folder yet
  }
}
