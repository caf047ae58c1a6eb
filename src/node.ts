/**
 * Node entry point: the `wirefeed` command line (serve by default). See src/cli.ts.
 */
import { runCli } from './cli.ts';

await runCli(process.argv.slice(2));
