/**
 * The settings of a Node command: flags first, then environment variables, then defaults.
 * Every mistake becomes a StartupError naming the flag, variable or configuration key.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Site } from '../site.ts';
import { readCacheMegabytes, readConfigFile, readPort, resolveSite, StartupError, type CacheBudget } from './config.ts';
import { cacheDirOf } from './process-role.ts';

export interface SettingsInput {
  readonly content?: string | undefined;
  readonly port?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly config?: string | undefined;
}

export interface Settings {
  readonly port: number;
  readonly contentDir: string;
  readonly site: Site;
  /** Where the persisted index lives, or 'off'. */
  readonly cacheDir: string;
  /** Byte budgets of the caches (`CACHE_MB`). */
  readonly cacheBudget: CacheBudget;
}

export function readSettings(input: SettingsInput = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const port = readPort(input.port ?? env.PORT, input.port === undefined ? 'PORT' : '--port');
  const contentDir = resolve(input.content ?? env.CONTENT_DIR ?? 'content');
  if (!existsSync(contentDir) || !statSync(contentDir).isDirectory()) throw new StartupError(`content folder ${contentDir} does not exist`);
  const configFile = input.config ?? env.WIREFEED_CONFIG;
  const configPath = resolve(configFile ?? 'wirefeed.config.json');
  const site = resolveSite(readConfigFile(configPath, configFile !== undefined), input.baseUrl ?? env.BASE_URL, port, input.baseUrl === undefined ? 'BASE_URL' : '--base-url');
  const cacheDir = cacheDirOf(env);
  const cacheBudget = readCacheMegabytes(env.CACHE_MB);
  return { port, contentDir, site, cacheDir, cacheBudget };
}
