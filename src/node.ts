/**
 * Node entry point: the `wirefeed` command line (serve by default; see src/cli.ts), or, in a
 * process it started to index files or to write pages of an export, that process's work (see
 * src/node/parallel-index.ts and src/node/parallel-export.ts).
 */
// First, before the rest of the program is loaded (see early.ts).
import './node/early.ts';
import { runCli } from './cli.ts';
import { runExportTask } from './node/parallel-export.ts';
import { runIndexTask } from './node/parallel-index.ts';

if (!(await runIndexTask()) && !(await runExportTask())) await runCli(process.argv.slice(2), new URL(import.meta.url));
