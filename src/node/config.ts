/**
 * Reads the site configuration file and the environment of the Node host, and turns every
 * mistake into one line that names the setting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, createSite, DEFAULT_SITE_CONFIG, parseSiteConfig, type Site, type SiteConfig } from '../site.ts';

/** A setting that stops start-up; the message names the file or variable and the key. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export function readConfigFile(path: string, required: boolean): SiteConfig {
  if (!existsSync(path)) {
    if (required) throw new StartupError(`configuration file ${path} does not exist`);
    return DEFAULT_SITE_CONFIG;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StartupError(`configuration file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseSiteConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) throw new StartupError(`configuration file ${path}: ${error.message}`);
    throw error;
  }
}

/** `name` is where the value came from (`--port` or `PORT`), for the message. */
export function readPort(value: string | undefined, name = 'PORT'): number {
  const port = Number(value ?? 8787);
  if (value?.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StartupError(`${name} must be a number from 0 to 65535, not "${value}"`);
  }
  return port;
}

/** Megabytes of cache memory when `CACHE_MB` names none: see {@link readCacheMegabytes}. */
export const DEFAULT_CACHE_MB = 128;

/** Byte budgets of the caches. */
export interface CacheBudget {
  /** Rendered responses: their bodies and coded variants. */
  readonly responseBytes: number;
  /** Article content: HTML and the JSON Feed items made from it. */
  readonly contentBytes: number;
  /** Ready answers by URL: their headers. */
  readonly answerBytes: number;
}

/**
 * The memory budget of the caches (`CACHE_MB`): half for rendered responses (the 81 full feeds
 * of the sample OPML fit in 64 MB with a coded form each), a quarter for article content and a
 * quarter for ready answers.
 */
export function readCacheMegabytes(value: string | undefined, name = 'CACHE_MB'): CacheBudget {
  const megabytes = Number(value ?? DEFAULT_CACHE_MB);
  if (value?.trim() === '' || !Number.isInteger(megabytes) || megabytes < 3 || megabytes > 65536) {
    throw new StartupError(`${name} must be a whole number of megabytes from 3 to 65536, not "${value}"`);
  }
  const quarter = Math.floor((megabytes * 1_000_000) / 4);
  return { responseBytes: 2 * quarter, contentBytes: quarter, answerBytes: quarter };
}

/**
 * How often `serve` checks every folder for changes when told to check instead of watching
 * (`--poll` or `POLL_MS`, in milliseconds): for network file systems (NFS, SMB) and mounts that
 * send no change events. `undefined` when neither is given: the folders are watched.
 */
export function readPollMs(value: string | undefined, name = 'POLL_MS'): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (value.trim() === '' || !Number.isInteger(ms) || ms < 100 || ms > 3_600_000) {
    throw new StartupError(`${name} must be a whole number of milliseconds from 100 to 3600000, not "${value}"`);
  }
  return ms;
}

/** Most processes `--jobs` may ask for. */
export const MAX_JOBS = 64;

/** `--jobs`: how many processes render an export's pages (see parallel-export.ts); `undefined` when not given. */
export function readJobs(value: string | undefined, name = '--jobs'): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (value.trim() === '' || !Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) {
    throw new StartupError(`${name} must be a whole number of processes from 1 to ${MAX_JOBS}, not "${value}"`);
  }
  return jobs;
}

/** `name` is where an explicit base URL came from (`--base-url` or `BASE_URL`), for the message. */
export function resolveSite(config: SiteConfig, baseUrl: string | undefined, port: number, name = 'BASE_URL'): Site {
  try {
    return createSite(config, { baseUrl: baseUrl ?? config.baseUrl ?? `http://localhost:${port}` });
  } catch (error) {
    if (error instanceof ConfigError) throw new StartupError(`${name}: ${error.reason}`);
    throw error;
  }
}
