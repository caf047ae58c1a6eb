/**
 * The `wirefeed` command line.
 *
 *   wirefeed serve [--content DIR] [--port N] [--base-url URL] [--config FILE] [--quiet] [--poll MS]
 *   wirefeed build --out DIR [--content DIR] [--base-url URL] [--config FILE] [--jobs N] [--full]
 *   wirefeed check [--content DIR] [--config FILE] [--json]
 *   wirefeed index [--content DIR] [--port N] [--base-url URL] [--config FILE] [--quiet]
 *   wirefeed --help | --version
 *
 * Flags win over the environment (CONTENT_DIR, PORT, BASE_URL, WIREFEED_CONFIG), which wins
 * over the defaults.
 */
import { Command, CommanderError } from 'commander';
import { counted, describeFilesInError, type FilesInError } from './articles/article.ts';
import { GENERATOR } from './feeds/feed.ts';
import { resolve } from 'node:path';
import { checkContent, formatReport } from './node/check.ts';
import { exportSite } from './node/export.ts';
import { readJobs, readPollMs, StartupError } from './node/config.ts';
import { taskProcesses } from './node/resources.ts';
import { prepareStart } from './node/prepare.ts';
import { serve } from './node/serve.ts';
import { createParallelRenderer } from './node/parallel-export.ts';
import { createParallelIndexer } from './node/parallel-index.ts';
import { readSettings, type Settings } from './node/settings.ts';

/** The options every command reads its settings with, alike in each. */
const CONTENT_OPTION = ['-c, --content <dir>', 'folder of articles (env CONTENT_DIR, default ./content)'] as const;
const CONFIG_OPTION = ['--config <file>', 'configuration file (env WIREFEED_CONFIG, default ./wirefeed.config.json)'] as const;

/** The end of a build's or an index's summary line for its files in error: '; 1 file skipped, run wirefeed check'. */
function inErrorNote(inError: FilesInError): string {
  const described = describeFilesInError(inError);
  return described === '' ? '' : `; ${described}, run wirefeed check`;
}

interface CommonFlags {
  readonly content?: string;
  readonly port?: string;
  readonly baseUrl?: string;
  readonly config?: string;
}

/**
 * `entry`: the module that started the program. Given, every command reads a large folder in
 * one process per core, each running that module again (see parallel-index.ts).
 */
export function createProgram(entry?: URL): Command {
  // The indexing processes' scratch files go next to the index (on disk; /tmp is often memory).
  const indexingFor = (settings: Settings) =>
    entry
      ? { indexMany: createParallelIndexer({ root: settings.contentDir, site: settings.site, entry, ...(settings.cacheDir === 'off' ? {} : { scratchDir: settings.cacheDir }) }) }
      : {};
  const program = new Command('wirefeed')
    .description('RSS, Atom and JSON Feed for a folder of Markdown articles')
    .version(GENERATOR.version, '-v, --version')
    .showHelpAfterError('(run wirefeed --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  wirefeed                                       serve ./content on http://localhost:8787
  wirefeed serve --content posts --port 3000 --base-url https://news.example
  wirefeed build --out public --base-url https://news.example
  wirefeed check --json                          list every content problem as JSON
  wirefeed index --base-url https://news.example
                                                 write the index where a release is made, so
                                                 that the server's first start is a restart

Configuration: ./wirefeed.config.json (JSON Schema: wirefeed.schema.json).
Documentation: README.md`,
    );

  program
    .command('serve', { isDefault: true })
    .description('serve every feed and article page over HTTP (the default command)')
    .option(...CONTENT_OPTION)
    .option('-p, --port <n>', 'port to listen on (env PORT, default 8787)')
    .option('-b, --base-url <url>', 'public base URL of every link (env BASE_URL, default http://localhost:PORT)')
    .option(...CONFIG_OPTION)
    .option('-q, --quiet', 'no progress bar and no line per request (env QUIET=1)')
    .option('--poll <ms>', 'check every folder for changes every <ms> instead of watching it, for NFS, SMB and mounts that send no change events (env POLL_MS)')
    .action(async (flags: CommonFlags & { quiet?: boolean; poll?: string }) => {
      const settings = readSettings(flags);
      const pollMs = readPollMs(flags.poll ?? process.env.POLL_MS, flags.poll === undefined ? 'POLL_MS' : '--poll');
      const running = serve({ ...settings, ...indexingFor(settings), quiet: flags.quiet ?? process.env.QUIET === '1', ...(pollMs === undefined ? {} : { pollMs }) });
      // Installed before the server listens, so that a signal at any moment stops it cleanly
      // (the index is written before the process ends).
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.once(signal, () => void running.then((server) => server.close()).finally(() => process.exit(0)));
      }
      await running;
    });

  program
    .command('build')
    .description('export every feed and page as static files, with a _headers file for static hosts')
    .requiredOption('-o, --out <dir>', 'folder to write (emptied first)')
    .option(...CONTENT_OPTION)
    .option('-b, --base-url <url>', 'public base URL of every link (env BASE_URL; set it to where the files will be served)')
    .option(...CONFIG_OPTION)
    .option('-j, --jobs <n>', 'processes that render the pages (default: one per core, at most 8, as many as memory allows; each holds the catalog)')
    .option('--full', 'render every page into an emptied folder (default: only the article pages whose files changed since the last export into it)')
    .option('-q, --quiet', 'no progress output')
    .action(async (flags: CommonFlags & { out: string; jobs?: string; full?: boolean; quiet?: boolean }) => {
      const started = performance.now();
      const settings = readSettings(flags);
      // Unless told, one process per core as memory allows, the export's own among them (it
      // renders a slice too): decided once the catalog is read (see exportProcesses).
      const jobs = readJobs(flags.jobs);
      if (flags.baseUrl === undefined && process.env.BASE_URL === undefined && settings.site.baseUrl.startsWith('http://localhost:')) {
        console.warn(`wirefeed build: links point to ${settings.site.baseUrl}/; pass --base-url or set "baseUrl" in the configuration to where the files will be served`);
      }
      const parallel = entry && (jobs ?? taskProcesses()) > 1 ? { parallel: { renderMany: createParallelRenderer({ entry }), ...(jobs === undefined ? {} : { processes: jobs }) } } : {};
      const result = await exportSite({ ...settings, ...indexingFor(settings), ...parallel, outDir: resolve(flags.out), full: flags.full ?? false, quiet: flags.quiet ?? false });
      console.log(
        `wirefeed build: ${counted(result.files.length, 'file')} for ${counted(result.articles, 'article')} in ${resolve(flags.out)} (${Math.round(performance.now() - started)} ms` +
          `${result.processes > 1 ? `, pages rendered by ${result.processes} processes` : ''}` +
          `${result.kept > 0 ? `, ${result.kept} article pages kept from the last export: their files are unchanged` : ''}), links to ${settings.site.baseUrl}/` +
          inErrorNote(result.inError),
      );
    });

  program
    .command('check')
    .description('check every article file and report each problem with its path, line and field; exit 1 if a file cannot be served or a folder cannot be read')
    .option(...CONTENT_OPTION)
    .option(...CONFIG_OPTION)
    .option('--json', 'print the report as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const settings = readSettings({ ...flags, baseUrl: process.env.BASE_URL ?? 'http://localhost:8787' });
      const report = await checkContent(settings, { quiet: flags.json === true, ...indexingFor(settings) });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      process.exitCode = report.errors > 0 ? 1 : 0;
    });

  program
    .command('index')
    .description(
      "read every article and write the index and HTML a server's start reads (in CACHE_DIR), then exit: run it where a release is made (a container image, a deploy step) with the server's settings, so that its first start there is a restart",
    )
    .option(...CONTENT_OPTION)
    .option('-p, --port <n>', 'the port the server will listen on, when it makes the base URL (env PORT, default 8787)')
    .option('-b, --base-url <url>', 'public base URL of every link (env BASE_URL, default http://localhost:PORT)')
    .option(...CONFIG_OPTION)
    .option('-q, --quiet', 'no progress output')
    .action(async (flags: CommonFlags & { quiet?: boolean }) => {
      const started = performance.now();
      const settings = readSettings(flags);
      const prepared = await prepareStart(settings, { quiet: flags.quiet ?? false, ...indexingFor(settings) });
      console.log(
        `wirefeed index: ${counted(prepared.articles, 'article')} from ${settings.contentDir} in ${Math.round(performance.now() - started)} ms (${prepared.read}); ` +
          `the first feeds' ${prepared.rendered} rendered; written to ${prepared.file} for links to ${settings.site.baseUrl}/` +
          inErrorNote(prepared.inError),
      );
    });

  return program;
}

/** Runs the command line; settings mistakes end it with status 2 and one line naming the setting. */
export async function runCli(argv: readonly string[], entry?: URL): Promise<void> {
  const program = createProgram(entry);
  // `serve` is the default command, so commander would take a mistyped command for an argument
  // of serve; name it as what it is instead.
  const commands = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== 'help' && !commands.includes(first)) {
    console.error(`wirefeed: unknown command "${first}" (commands: ${commands.join(', ')}; run wirefeed --help for usage)`);
    process.exit(1);
  }
  try {
    await program.exitOverride().parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof StartupError) {
      console.error(`wirefeed: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
}
