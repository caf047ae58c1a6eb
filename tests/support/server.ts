/**
 * Starts the real Node host (`src/node.ts`) as a child process on a free port and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A port for a server that is polled before it listens: below the range Linux takes ephemeral
 * ports from (32768-60999). A client polling a port in that range may be given the same port as
 * its own, connect to itself, and hold the port, so that the server then fails to listen
 * (EADDRINUSE: it ended a 100k benchmark run once, polled through a 5 s cold start).
 */
export function pollablePort(): number {
  return 20000 + Math.floor(Math.random() * 12000);
}

export interface RunningServer {
  readonly url: string;
  readonly output: () => string;
  /** Sends `signal` (SIGTERM unless named) and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** Taken as started once it says it has read its articles (`'loaded'`, the default), or as soon as it says it listens, which it does before it reads them. */
  readonly until?: 'listening' | 'loaded';
  /** Run the bundle as `npx wirefeed` does (bin/wirefeed.mjs), another build than src/ run under tsx (the default). */
  readonly bundled?: boolean;
}

/** Starts the server over `env`'s configuration (see {@link StartOptions}). */
export async function startNodeServer(env: Record<string, string> = {}, { until = 'loaded', bundled = false }: StartOptions = {}): Promise<RunningServer> {
  const port = await findFreePort();
  // Vite puts BASE_URL=/ into the test process's environment; the server must not inherit it.
  const { BASE_URL: _viteBaseUrl, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, bundled ? ['bin/wirefeed.mjs'] : ['--import', 'tsx', 'src/node.ts'], {
    // No index in node_modules/.cache unless a test asks for one: test servers run with other
    // base URLs, and the user's next `npm start` would find their index and have to discard it.
    env: { ...inherited, CACHE_DIR: 'off', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      if (until === 'listening' ? output.includes('wirefeed: listening on') : / feeds from .* in \d+ ms/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
