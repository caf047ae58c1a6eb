/**
 * Node entry point: the `wirefeed` command line (serve by default; see src/cli.ts), or, on a
 * thread it started to index files, that thread's work (see src/node/parallel-index.ts).
 */
// First, before the rest of the program is loaded (see early.ts).
import './node/early.ts';
import { runCli } from './cli.ts';
import { runIndexTask } from './node/parallel-index.ts';

if (!(await runIndexTask())) await runCli(process.argv.slice(2), new URL(import.meta.url));
