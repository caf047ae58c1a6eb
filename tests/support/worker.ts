/**
 * Builds the Workers data for a content folder and runs the Worker in the real workerd runtime
 * (`wrangler dev`, local and offline), with a wrangler config of its own so that the project's
 * ./build folder is never touched.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildWorkerData, wranglerConfigFor, type BuildResult } from '../../scripts/build-worker.ts';
import { findFreePort } from './server.ts';

export interface RunningWorker {
  readonly url: string;
  readonly build: BuildResult;
  readonly output: () => string;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  readonly contentDir?: string;
  readonly baseUrl: string;
  readonly now?: number;
}

export interface PreparedWorker {
  readonly root: string;
  readonly config: string;
  readonly build: BuildResult;
}

/** Builds the Worker data into a temporary folder with a wrangler config pointing at it. */
export async function prepareWorker(options: WorkerOptions): Promise<PreparedWorker> {
  const root = mkdtempSync(join(tmpdir(), 'wirefeed-worker-'));
  const outDir = join(root, 'build');
  const build = await buildWorkerData({
    contentDir: resolve(options.contentDir ?? 'content'),
    configPath: resolve('wirefeed.config.json'),
    configRequired: true,
    baseUrl: options.baseUrl,
    outDir,
    now: options.now ?? Date.now(),
    log: () => undefined,
  });
  writeFileSync(join(root, 'wrangler.toml'), wranglerConfigFor(outDir, 'wirefeed-test'));
  return { root, config: join(root, 'wrangler.toml'), build };
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { root, config, build } = await prepareWorker(options);
  const port = await findFreePort();
  const child = spawn(resolve('node_modules/.bin/wrangler'), ['dev', '--config', config, '--port', String(port), '--ip', '127.0.0.1', '--persist-to', join(root, 'state')], {
    cwd: root,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((done) => child.once('exit', done));
      // wrangler starts workerd as a child: end the whole process group.
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`wrangler dev did not start:\n${output}`)), 60_000);
      child.stdout?.on('data', () => {
        if (output.includes('Ready on')) {
          clearTimeout(timer);
          ready();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`wrangler dev exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, build, output: () => output, stop };
}
