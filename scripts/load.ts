/**
 * The bench's load generator: wrk where it is installed (Debian and Ubuntu: `apt-get install
 * wrk`), else autocannon from npm (a devDependency), so that `npm run bench` runs on a machine
 * with nothing but Node and npm. Both are run the same way - one thread, 32 connections, 3 s,
 * no Accept-Encoding (identity bodies) - in a process of their own, which this one waits for:
 * a load generator on this process's event loop would take the servers' core.
 *
 * wrk, written in C, outruns both servers here; autocannon, written in JavaScript, does not
 * where there are bodies to read: on this machine (autocannon 9.0.0, the 1k corpus) it took
 * about 530 feeds of 475 KB a second from either server where wrk took 7,600-7,700, and 11,300
 * article pages of 20 KB where wrk took 20,000-30,000 (304s, with no body, about as many as
 * wrk). Both sides of such a comparison show autocannon's own ceiling, and their ratio then
 * says little. The bench's results name the tool, and say so.
 *
 * @example
 * const tool = findLoadTool(process.argv.includes('--autocannon'));
 * const { rps, p50Ms, p99Ms } = tool.run('http://127.0.0.1:8787/rss.xml', { 'If-None-Match': '"abc"' });
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One run against one URL: requests a second, and the median and 99th percentile latency. */
export interface LoadResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * What a run read, with the requests that failed: answered neither 2xx nor 3xx, or lost to a
 * socket error or a timeout. A rate of failures is no rate to compare (a server answering 500
 * at once looks fast), so {@link LoadTool.run} refuses a run with any.
 */
export interface LoadReading extends LoadResult {
  readonly failed: number;
}

export interface LoadTool {
  /** `wrk` or `autocannon`. */
  readonly name: 'wrk' | 'autocannon';
  /** Its version, as it reports it. */
  readonly version: string;
  /** Whether it outruns the servers it measures (see the module's note). */
  readonly outrunsServers: boolean;
  /** Loads `url` for `seconds` (3 by default) with 32 connections and returns what it measured; throws if any request failed. */
  run(url: string, headers?: Record<string, string>, seconds?: number): LoadResult;
}

const CONNECTIONS = 32;
const SECONDS = 3;

const round = (value: number) => Number(value.toFixed(3));

/** A wrk latency (`812.00us`, `1.62ms`, `1.01s`) in milliseconds. */
export function wrkMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!match) return Number.NaN;
  const number = Number(match[1]);
  return match[2] === 'us' ? number / 1000 : match[2] === 's' ? number * 1000 : number;
}

/** What `wrk --latency` printed, read (it prints a line of socket errors and one of other statuses only when there are any). */
export function readWrkOutput(output: string): LoadReading {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const p50 = /\s50%\s+([\d.]+\w+)/.exec(output)?.[1] ?? '';
  const p99 = /\s99%\s+([\d.]+\w+)/.exec(output)?.[1] ?? '';
  const otherStatuses = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors:(.*)/.exec(output)?.[1]?.match(/\d+/g) ?? [];
  const failed = otherStatuses + socketErrors.reduce((sum, count) => sum + Number(count), 0);
  return { rps: Math.round(rps), p50Ms: round(wrkMs(p50)), p99Ms: round(wrkMs(p99)), failed };
}

/** What `autocannon --json` printed, read: its requests a second on average over the run. */
export function readAutocannonOutput(output: string): LoadReading {
  const result = JSON.parse(output) as { requests: { average: number }; latency: { p50: number; p99: number }; '4xx': number; '5xx': number; errors: number; timeouts: number };
  const failed = result['4xx'] + result['5xx'] + result.errors + result.timeouts;
  return { rps: Math.round(result.requests.average), p50Ms: round(result.latency.p50), p99Ms: round(result.latency.p99), failed };
}

/** `reading` without its count of failures, or an error if it has any. */
function succeeded(tool: string, url: string, reading: LoadReading): LoadResult {
  const { failed, ...result } = reading;
  if (failed > 0) throw new Error(`${tool}: ${failed} requests to ${url} failed (neither 2xx nor 3xx, or no answer); a rate of failures is not measured`);
  return result;
}

const headerArgs = (headers: Record<string, string>) => Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);

function wrk(version: string): LoadTool {
  return {
    name: 'wrk',
    version,
    outrunsServers: true,
    run: (url, headers = {}, seconds = SECONDS) =>
      succeeded('wrk', url, readWrkOutput(execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...headerArgs(headers), url], { encoding: 'utf8' }))),
  };
}

function autocannon(): LoadTool {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('autocannon/package.json');
  const { version, bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; bin: string | Record<string, string> };
  const script = join(dirname(manifest), typeof bin === 'string' ? bin : (bin.autocannon as string));
  return {
    name: 'autocannon',
    version,
    outrunsServers: false,
    run: (url, headers = {}, seconds = SECONDS) => {
      const args = [script, '--json', '--connections', String(CONNECTIONS), '--duration', String(seconds), ...headerArgs(headers), url];
      // Its progress bar and table go to stderr; the JSON alone to stdout.
      const output = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return succeeded('autocannon', url, readAutocannonOutput(output));
    },
  };
}

/** wrk when it is on the PATH (unless `preferAutocannon`), else autocannon. */
export function findLoadTool(preferAutocannon = false): LoadTool {
  if (!preferAutocannon) {
    const found = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
    // `wrk -v` prints "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." and exits 1.
    if (found.error === undefined) return wrk(found.stdout.split(' ')[1] ?? '');
  }
  return autocannon();
}
