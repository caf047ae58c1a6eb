/**
 * Smoke test of the real Node server: `src/node.ts` started as `npm start` would, over the
 * bundled content, answered over real HTTP.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAtom, checkJsonFeed, checkRss } from '../support/feed-rules.ts';
import { validArticle } from '../support/fixtures.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';

describe('the Node server', () => {
  let server: RunningServer;
  const base = 'https://public.example';
  beforeAll(async () => {
    server = await startNodeServer({ BASE_URL: base });
  });
  afterAll(() => server?.stop());

  it('says at start-up how many articles and feeds it serves, and where', () => {
    expect(server.output()).toMatch(/wirefeed: 17 articles, 54 feeds from .*content/);
    expect(server.output()).toContain('(public URL https://public.example/)');
  });

  it.each([
    ['/category/world/rss.xml', checkRss],
    ['/th/atom.xml', checkAtom],
    ['/en/category/business/feed.json', checkJsonFeed],
  ])('serves %s, valid, with self links from BASE_URL', async (path, check) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(check(await response.text(), { selfUrl: `${base}${path}` })).toEqual([]);
  });

  it('serves article pages and the index', async () => {
    expect((await fetch(`${server.url}/articles/000_af66a0ef15b64f64`)).status).toBe(200);
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers 404 for an unknown category', async () => {
    const response = await fetch(`${server.url}/category/nope/rss.xml`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not found: no category "nope"\n');
  });
});

describe("the Node server's log", () => {
  const linesOf = (output: string) => output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON line per request: time, method, path, status, bytes, ms', async () => {
    const server = await startNodeServer({ CACHE_DIR: 'off' });
    try {
      const feed = await fetch(`${server.url}/th/rss.xml?page=1`, { headers: { 'accept-encoding': 'identity' } });
      const body = await feed.arrayBuffer();
      await fetch(`${server.url}/nope`);
      await fetch(`${server.url}/rss.xml`, { method: 'HEAD' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const requests = linesOf(server.output()).filter((line) => 'method' in line);
      expect(requests).toHaveLength(3);
      for (const line of requests) {
        expect(Object.keys(line)).toEqual(['time', 'method', 'path', 'status', 'bytes', 'ms']);
        expect(Date.parse(String(line.time))).not.toBeNaN();
        expect(line.ms).toBeTypeOf('number');
      }
      expect(requests[0]).toMatchObject({ method: 'GET', path: '/th/rss.xml?page=1', status: 200 });
      // What went on the wire: the body and the status line and headers before it.
      expect(requests[0]?.bytes).toBeGreaterThan(body.byteLength + 200);
      expect(requests[0]?.bytes).toBeLessThan(body.byteLength + 2000);
      expect(requests[1]).toMatchObject({ method: 'GET', path: '/nope', status: 404 });
      expect(requests[2]).toMatchObject({ method: 'HEAD', path: '/rss.xml', status: 200 });
    } finally {
      await server.stop();
    }
  });

  it('writes one JSON line per content problem, naming file, line, field and reason', async () => {
    const server = await startNodeServer({ CACHE_DIR: 'off', CONTENT_DIR: 'tests/fixtures/hostile', QUIET: '1' });
    try {
      const problems = linesOf(server.output()).filter((line) => line.event === 'problem');
      expect(problems).toContainEqual(
        expect.objectContaining({ path: 'date-unparseable.md', line: 7, field: 'date', severity: 'error', message: expect.stringMatching(/^cannot read "next tuesday" as a date; write ISO 8601/) }),
      );
      expect(new Set(problems.map((problem) => problem.text)).size).toBe(problems.length);
    } finally {
      await server.stop();
    }
  });

  it('is quiet about requests with --quiet or QUIET=1, and still says where it listens', async () => {
    const server = await startNodeServer({ CACHE_DIR: 'off', QUIET: '1' });
    try {
      await fetch(`${server.url}/rss.xml`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(linesOf(server.output())).toEqual([]);
      expect(server.output()).toMatch(/^wirefeed: listening on http:\/\/localhost:\d+ \(public URL http:\/\/localhost:\d+\/\)\nwirefeed: 17 articles, 54 feeds from .* in \d+ ms \(every file read, CACHE_DIR is off\)\n$/);
    } finally {
      await server.stop();
    }
  });
});

describe('the Node server stopped right after start', () => {
  // SIGHUP: the terminal it ran in closed (an ssh session dropped).
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('finishes writing its index and keeps the HTML it rendered on %s, so that the next start finds both', async (signal) => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'wirefeed-index-'));
    try {
      const first = await startNodeServer({ CACHE_DIR: cacheDir, QUIET: '1', BASE_URL: 'https://news.example' });
      expect((await fetch(`${first.url}/rss.xml`)).status).toBe(200);
      await first.stop(signal);
      const files = readdirSync(cacheDir).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toMatch(/^index-[\w-]+\.html\.json$/);
      expect(files[1]).toBe(files[0]!.replace('.html.json', '.json'));
      // the HTML of the articles the feed showed
      expect(readFileSync(join(cacheDir, files[0]!), 'utf8')).toContain('<p>');
      const second = await startNodeServer({ CACHE_DIR: cacheDir, QUIET: '1', BASE_URL: 'https://news.example' });
      await second.stop();
      // Both were usable: no complaint about either.
      expect(second.output()).not.toContain('index-cache');
      expect(readdirSync(cacheDir).sort()).toEqual(files);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('the Node server of one folder started with two configurations by turns', () => {
  it('keeps an index for each, so that neither makes every start of the other a first one', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'wirefeed-index-'));
    try {
      const outputs: string[] = [];
      for (const baseUrl of ['https://news.example', 'https://staging.news.example', 'https://news.example', 'https://staging.news.example']) {
        const server = await startNodeServer({ CACHE_DIR: cacheDir, QUIET: '1', BASE_URL: baseUrl });
        expect((await fetch(`${server.url}/rss.xml`)).status).toBe(200);
        await server.stop();
        outputs.push(server.output());
      }
      // Two indexes and the HTML kept beside each; each start after the first two found its own.
      const files = readdirSync(cacheDir);
      expect(files.filter((name) => name.endsWith('.html.json'))).toHaveLength(2);
      expect(files).toHaveLength(4);
      for (const output of outputs) expect(output).not.toContain('index-cache');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('a start prepared by wirefeed index', () => {
  /** `wirefeed index` run as the server is run here (from src/, so that both are the same build). */
  const index = (env: Record<string, string>) => {
    const { BASE_URL: _vite, ...inherited } = process.env;
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/node.ts', 'index', '--quiet'], { encoding: 'utf8', env: { ...inherited, ...env } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  // A whole second, so that setting it again gives the same stamp to the nanosecond.
  const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
  /** Rewrites a file with text of the same length and its earlier time (anHourAgo): only reading it tells it changed. */
  const rewriteUnstamped = (file: string, text: string) => {
    expect(statSync(file).mtimeMs).toBe(anHourAgo * 1000);
    expect(Buffer.byteLength(text)).toBe(statSync(file).size);
    writeFileSync(file, text);
    utimesSync(file, anHourAgo, anHourAgo);
  };
  const items = async (url: string) => ((await (await fetch(`${url}/feed.json`)).json()) as { items: { title: string; content_html: string }[] }).items;

  /** Two articles, one of them (`file`, "Before") last changed an hour ago, and a cache folder, both removed by `cleanup`. */
  const twoArticles = () => {
    const content = mkdtempSync(join(tmpdir(), 'wirefeed-prepared-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'wirefeed-index-'));
    const file = join(content, 'a.md');
    writeFileSync(file, validArticle({ title: '"Before"' }, 'Body before.\n'));
    utimesSync(file, anHourAgo, anHourAgo);
    writeFileSync(join(content, 'b.md'), validArticle({ code: '"ART-2"', title: '"Other"', date: '2024-11-19T10:00:00Z' }));
    const env = { CONTENT_DIR: content, CACHE_DIR: cacheDir, BASE_URL: 'https://news.example' };
    const cleanup = () => {
      rmSync(content, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    };
    return { content, cacheDir, file, env, cleanup };
  };
  /** Asserts that a server shows "Before" as `wirefeed index` read it: the article from the index, its HTML from what was kept. */
  const expectPrepared = async (server: RunningServer) => {
    const shown = (await items(server.url)).find((item) => item.title !== 'Other');
    expect(shown).toEqual(expect.objectContaining({ title: 'Before', content_html: expect.stringContaining('Body before.') }));
    expect(server.output()).not.toContain('index-cache');
    expect(server.output()).toMatch(/^wirefeed: 2 articles, \d+ feeds from .* in \d+ ms \(from the index\)$/m);
  };

  it("is a restart: the server's first start reads no file the index holds unchanged, nor renders its HTML again", async () => {
    const { content, cacheDir, file, env, cleanup } = twoArticles();
    try {
      const prepared = index(env);
      expect(prepared.stderr).toBe('');
      expect(prepared.status).toBe(0);
      expect(prepared.stdout).toMatch(
        new RegExp(`^wirefeed index: 2 articles from ${content} in \\d+ ms \\(every file read, no usable index\\); the first feeds' 2 rendered; written to ${cacheDir}/index-[\\w-]+\\.json for links to https://news\\.example/\n$`),
      );
      expect(readdirSync(cacheDir).sort()).toEqual([expect.stringMatching(/\.html\.json$/), expect.stringMatching(/^index-[\w-]+\.json$/)]);

      // Same size, same time: a restart takes the article from the index and its HTML from
      // what was kept, so the server shows what `wirefeed index` read, not the file as it is now.
      rewriteUnstamped(file, validArticle({ title: '"Latter"' }, 'Body latter.\n'));
      const server = await startNodeServer({ ...env, QUIET: '1' });
      try {
        await expectPrepared(server);
      } finally {
        await server.stop();
      }

      // A file whose time changed is read again, at start as by `wirefeed index`.
      utimesSync(file, new Date(), new Date());
      const again = index(env);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain(' ms (from the index, 1 file read); ');
      const restarted = await startNodeServer({ ...env, QUIET: '1' });
      try {
        const shown = (await items(restarted.url)).find((item) => item.title !== 'Other');
        expect(shown).toEqual(expect.objectContaining({ title: 'Latter', content_html: expect.stringContaining('Body latter.') }));
      } finally {
        await restarted.stop();
      }
    } finally {
      cleanup();
    }
  });

  it('is not undone by the server it replaces, of another build, which writes its own index and HTML when it stops', async () => {
    const { file, env, cleanup } = twoArticles();
    try {
      // The running server: the bundle, as `npx wirefeed` runs it, another build than src/ under tsx.
      const replaced = await startNodeServer({ ...env, QUIET: '1' }, { bundled: true });
      expect(await items(replaced.url)).toHaveLength(2);
      // The next build is prepared while it runs; it then stops, keeping the HTML it rendered.
      const prepared = index(env);
      expect(prepared.stderr).toBe('');
      expect(prepared.status).toBe(0);
      rewriteUnstamped(file, validArticle({ title: '"Latter"' }, 'Body latter.\n'));
      await replaced.stop();
      const server = await startNodeServer({ ...env, QUIET: '1' });
      try {
        await expectPrepared(server);
      } finally {
        await server.stop();
      }
    } finally {
      cleanup();
    }
  });

  it('says so at start when it was prepared for other settings, as a server on another port without BASE_URL is, naming the setting', async () => {
    const { env, cleanup } = twoArticles();
    try {
      expect(index({ ...env, BASE_URL: 'https://staging.news.example' }).status).toBe(0);
      const server = await startNodeServer({ ...env, QUIET: '1' });
      await server.stop();
      expect(server.output()).toMatch(
        / feeds from .* in \d+ ms \(every file read, no usable index: the cache holds one of another configuration, where baseUrl is "https:\/\/staging\.news\.example", not "https:\/\/news\.example"\)$/m,
      );
    } finally {
      cleanup();
    }
  });

  it('names each file it cannot serve, and still writes the index of the others', () => {
    const content = mkdtempSync(join(tmpdir(), 'wirefeed-prepared-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'wirefeed-index-'));
    writeFileSync(join(content, 'a.md'), validArticle());
    writeFileSync(join(content, 'broken.md'), validArticle({ code: '"ART-2"', date: '"soon"' }));
    try {
      const { status, stdout, stderr } = index({ CONTENT_DIR: content, CACHE_DIR: cacheDir, BASE_URL: 'https://news.example' });
      expect(status).toBe(0);
      expect(stderr).toMatch(/^broken\.md:\d+: error: date: cannot read "soon" as a date/m);
      expect(stdout).toMatch(/^wirefeed index: 1 article .*; 1 file skipped, run wirefeed check\n$/);
      expect(readdirSync(cacheDir).filter((name) => /^index-[\w-]+\.json$/.test(name))).toHaveLength(1);
    } finally {
      rmSync(content, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('stops with status 2 when CACHE_DIR is off, as there is nowhere to write', () => {
    const { status, stderr } = index({ CACHE_DIR: 'off' });
    expect(status).toBe(2);
    expect(stderr).toBe('wirefeed: CACHE_DIR is off, so there is no index to write; set it to the folder the server will use\n');
  });
});

describe('the Node server while it reads its articles', () => {
  it('listens before it reads them, and answers a request made meanwhile once they are read, rather than refusing it', async () => {
    // Enough files that reading them takes a while after the port is taken.
    const content = mkdtempSync(join(tmpdir(), 'wirefeed-many-'));
    const count = 3000;
    for (let n = 0; n < count; n += 1) {
      const date = new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
      writeFileSync(join(content, `a${n}.md`), validArticle({ code: `"ART-${n}"`, title: `"Story ${n}"`, date }));
    }
    try {
      const server = await startNodeServer({ CONTENT_DIR: content, CACHE_DIR: 'off', QUIET: '1' }, { until: 'listening' });
      try {
        const saidBefore = server.output();
        const response = await fetch(`${server.url}/rss.xml`);
        // The request went out before the server said it had read the articles...
        expect(saidBefore).not.toContain('feeds from');
        // ...and was answered with all of them read.
        expect(response.status).toBe(200);
        expect(checkRss(await response.text())).toEqual([]);
        expect(server.output()).toMatch(new RegExp(`^wirefeed: listening on .*\\nwirefeed: ${count} articles, `));
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(content, { recursive: true, force: true });
    }
  });
});

describe('the Node server with bad settings', () => {
  it('stops with a message naming a missing content folder', async () => {
    await expect(startNodeServer({ CONTENT_DIR: 'no-such-folder' })).rejects.toThrow(/content folder .*no-such-folder does not exist/);
  });

  it('stops with status 2 and a message naming the configuration file, the key and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-config-'));
    const file = join(dir, 'wirefeed.config.json');
    writeFileSync(file, JSON.stringify({ title: 'News', cache: { maxAge: -5 } }));
    try {
      await expect(startNodeServer({ WIREFEED_CONFIG: file })).rejects.toThrow(
        /server exited with 2:\n.*configuration file .*wirefeed\.config\.json: configuration key "cache\.maxAge": must be a whole number from 0 to 31536000/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops with a message naming an invalid CACHE_MB', async () => {
    await expect(startNodeServer({ CACHE_MB: 'lots' })).rejects.toThrow(/CACHE_MB must be a whole number of megabytes from 3 to 65536, not "lots"/);
  });

  it('stops with a message naming an invalid BASE_URL', async () => {
    await expect(startNodeServer({ BASE_URL: 'not a url' })).rejects.toThrow(/BASE_URL: "not a url" is not an absolute URL/);
  });

  it('stops with status 2 and a message naming a port in use, not a stack trace', async () => {
    const first = await startNodeServer({}, { until: 'listening' });
    try {
      const port = new URL(first.url).port;
      const second = startNodeServer({ PORT: port });
      await expect(second).rejects.toThrow(new RegExp(`server exited with 2:\nwirefeed: port ${port} is in use; choose another with PORT or --port\n$`));
    } finally {
      await first.stop();
    }
  });
});
