/**
 * What a `wirefeed` process is there to do, told before its command line is parsed (see
 * early.ts): a task another process started it for (indexing for a first start, see
 * parallel-index.ts; pages of an export, see parallel-export.ts), or the command the arguments
 * name, and whether a server may be restarting.
 *
 * @example
 * startsFromIndex(['--port', '3000']); // => true (serve is the default command)
 * startsFromIndex(['check', '--json']); // => false
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Set in the environment of a process started for a task: its name. */
export const TASK_VARIABLE = 'WIREFEED_TASK';

/** What a process may be started for: to index files (see parallel-index.ts), or to write pages of an export (see parallel-export.ts). */
const TASKS = ['index', 'export'] as const;
export type Task = (typeof TASKS)[number];

/** Whether this process was started for `task` (any task, when none is named). */
export function isTaskProcess(task?: Task): boolean {
  const value = process.env[TASK_VARIABLE];
  return task === undefined ? (TASKS as readonly (string | undefined)[]).includes(value) : value === task;
}

/**
 * The environment of a process started for `task`: this one's, with the task named, without
 * NODE_EXTRA_CA_CERTS. Node 20 reads every certificate that names (and its own roots) as a
 * process starts, whether or not it ever opens a TLS connection: about 0.1 s per process here,
 * with the system's bundle named. A task process opens no connection.
 */
export function taskEnvironment(task: Task): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...environment } = process.env;
  return { ...environment, [TASK_VARIABLE]: task };
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
