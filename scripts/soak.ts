/**
 * `npm run soak` - content changing under load loses nothing.
 *
 * Starts the Node server (bundled, as `npm start` runs it) on a copy of the sample content, on
 * loopback only, and for SOAK_SECONDS (default 60; at most SOAK_MAX_REQUESTS requests):
 *   - readers (SOAK_READERS, default 8) fetch feeds, pages, the index and the OPML file, some with
 *     the ETag they saw last;
 *   - a writer, several times a second, rewrites articles, adds and deletes others, and leaves
 *     files half-written for a moment before completing them.
 * Every response must be a 200, 304 or 404 (404 only for articles the writer adds and deletes,
 * and not once an added article has been complete on disk for a second)
 * with a complete, well-formed body whose ETag is the hash of those very bytes (headers and body
 * from one snapshot); the sample articles - including those being rewritten and half-written -
 * must never be missing from the site feed, and once a rewrite has been complete on disk for a
 * second the site's JSON Feed must show it (title and body: its items are kept per article
 * version, so a stale one would show the old text); the server's memory must stay flat.
 * Writes bench/soak-results.json; exits 1 on any violation.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollablePort } from '../tests/support/server.ts';
import { parseXmlStrict } from '../tests/support/xml.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const MAX_REQUESTS = Number(process.env.SOAK_MAX_REQUESTS ?? 2_000_000);
const READERS = Number(process.env.SOAK_READERS ?? 8);
const PORT = pollablePort();
const BASE = `http://127.0.0.1:${PORT}`;

const root = mkdtempSync(join(tmpdir(), 'wirefeed-soak-'));
const content = join(root, 'content');
cpSync('content', content, { recursive: true });
execFileSync(process.execPath, ['scripts/bundle-node.mjs']);

const { BASE_URL: _inherited, ...env } = process.env;
const server = spawn(process.execPath, ['dist/node.mjs', 'serve', '--content', content, '--port', String(PORT), '--base-url', BASE, '--quiet'], {
  env: { ...env, CACHE_DIR: join(root, 'cache') },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverOutput = '';
server.stdout.on('data', (chunk) => (serverOutput += chunk));
server.stderr.on('data', (chunk) => (serverOutput += chunk));

async function waitUntilUp(): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`${BASE}/rss.xml`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((next) => setTimeout(next, 100));
  }
  throw new Error(`server did not start:\n${serverOutput}`);
}

function memoryMb(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

// The sample articles: they must never be missing. Three of them are rewritten and half-written.
const SAMPLE = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', `
  const { indexSource, assembleArticles } = await import('./src/articles/load.ts');
  const { createFsSource } = await import('./src/sources/fs.ts');
  const { createSite, DEFAULT_SITE_CONFIG } = await import('./src/site.ts');
  const site = createSite(DEFAULT_SITE_CONFIG, { baseUrl: 'http://x' });
  const { articles } = assembleArticles(await indexSource(createFsSource('content'), site));
  console.log(JSON.stringify(articles.map((a) => ({ id: a.id, path: a.path, slug: a.slug }))));
`], { encoding: 'utf8' })) as { id: string; path: string; slug: string }[];
const REWRITTEN = SAMPLE.slice(0, 3);

const violations: string[] = [];
const counts: Record<string, number> = {};
let requests = 0;
let writes = 0;
let halfWrites = 0;
const etags = new Map<string, string>();
const added = new Map<string, string>();
/** When each added article was complete on disk: a 404 for it a second later is a lost update. */
const addedAt = new Map<string, number>();
const LIVE_UPDATE_MS = 1000;
/**
 * What each rewritten sample article holds on disk: the step of its last rewrite (undefined:
 * the original), and when that was complete (undefined while it is half-written).
 */
const onDisk = new Map<string, { readonly rewrite: number | undefined; readonly completeAt: number | undefined }>();
let stop = false;

function violate(message: string): void {
  if (violations.length < 50) violations.push(message);
}

const paths = [
  '/rss.xml', '/atom.xml', '/feed.json', '/feed.json?limit=200', '/th/rss.xml', '/en/atom.xml', '/category/world/rss.xml', '/category/business/feed.json',
  '/th/category/thailand/atom.xml', '/', '/feeds.opml', ...SAMPLE.map((article) => `/articles/${encodeURIComponent(article.slug)}`),
];

function checkBody(path: string, type: string, body: Buffer, etag: string | null, asked: number): void {
  const text = body.toString('utf8');
  const expected = `"${createHash('sha256').update(body).digest().subarray(0, 16).toString('base64url')}"`;
  if (etag !== expected) violate(`${path}: ETag ${etag} is not the hash of the body sent with it (${expected})`);
  try {
    if (type.includes('xml') || type.includes('opml')) parseXmlStrict(text);
    else if (type.includes('json')) JSON.parse(text);
    else if (!text.trimEnd().endsWith('</html>')) throw new Error('the page is cut short');
  } catch (error) {
    violate(`${path}: body is not well-formed: ${(error as Error).message}`);
  }
  if (path === '/feed.json?limit=200') {
    const items = new Map((JSON.parse(text) as { items: { id: string; title: string; content_html: string }[] }).items.map((item) => [item.id, item]));
    for (const article of SAMPLE) if (!items.has(article.id)) violate(`site feed lacks sample article ${article.id}`);
    for (const article of REWRITTEN) {
      const state = onDisk.get(article.path);
      const item = items.get(article.id);
      // Only a version complete a second before the request, and still the one on disk, must show.
      if (item === undefined || state?.completeAt === undefined || asked - state.completeAt <= LIVE_UPDATE_MS) continue;
      const shown = /Rewrite marker (\d+)\./.exec(item.content_html)?.[1];
      const title = /^Rewritten (\d+)$/.exec(item.title)?.[1];
      const expected = state.rewrite === undefined ? undefined : String(state.rewrite);
      if (shown !== expected || title !== expected) {
        violate(`site JSON Feed shows ${article.id} as rewrite ${title ?? 'none'} (body ${shown ?? 'none'}), ${Math.round(asked - state.completeAt)} ms after rewrite ${expected ?? 'none'} was complete`);
      }
    }
  }
}

async function reader(): Promise<void> {
  while (!stop && requests < MAX_REQUESTS) {
    const dynamic = [...added.keys()];
    const slug = Math.random() < 0.1 && dynamic.length > 0 ? dynamic[Math.floor(Math.random() * dynamic.length)] : undefined;
    const path = slug !== undefined ? `/articles/${slug}` : paths[Math.floor(Math.random() * paths.length)]!;
    const complete = slug === undefined ? undefined : addedAt.get(slug);
    const asked = performance.now();
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    const known = etags.get(path);
    if (known && Math.random() < 0.3) headers['If-None-Match'] = known;
    requests += 1;
    try {
      const response = await fetch(`${BASE}${path}`, { headers });
      const body = Buffer.from(await response.arrayBuffer());
      counts[response.status] = (counts[response.status] ?? 0) + 1;
      if (response.status === 200) {
        const length = Number(response.headers.get('content-length'));
        if (length !== body.length) violate(`${path}: Content-Length ${length} but ${body.length} bytes`);
        etags.set(path, response.headers.get('etag') ?? '');
        checkBody(path, response.headers.get('content-type') ?? '', body, response.headers.get('etag'), asked);
      } else if (response.status === 404) {
        if (!path.startsWith('/articles/') || paths.includes(path)) violate(`${path}: 404 for something that always exists`);
        else if (complete !== undefined && asked - complete > LIVE_UPDATE_MS && addedAt.get(slug as string) === complete) {
          violate(`${path}: 404 for an article complete on disk ${Math.round(asked - complete)} ms before it was asked for`);
        }
      } else if (response.status !== 304) {
        violate(`${path}: status ${response.status}: ${body.toString('utf8').slice(0, 200)}`);
      }
    } catch (error) {
      violate(`${path}: request failed: ${(error as Error).message}`);
    }
  }
}

function articleText(code: string, title: string, date: string, category = 'WORLD'): string {
  return `---\ncode: "${code}"\ntitle: "${title}"\ndescription: "Soak test article."\ncategory: "${category}"\nlanguage: "en"\ndate: ${date}\n---\nBody of ${code}.\n\nSecond paragraph.\n`;
}

async function writer(): Promise<void> {
  let step = 0;
  mkdirSync(join(content, 'soak'), { recursive: true });
  const originals = new Map(REWRITTEN.map((article) => [article.path, readFileSync(join(content, article.path), 'utf8')]));
  while (!stop) {
    step += 1;
    const roll = Math.random();
    try {
      if (roll < 0.35) {
        // rewrite a sample article with a new title and a marker at the end of its body
        const article = REWRITTEN[step % REWRITTEN.length]!;
        const original = originals.get(article.path)!;
        writeFileSync(join(content, article.path), `${original.replace(/^title: .*$/m, `title: "Rewritten ${step}"`).trimEnd()}\n\nRewrite marker ${step}.\n`);
        onDisk.set(article.path, { rewrite: step, completeAt: performance.now() });
      } else if (roll < 0.55) {
        // half-write a sample article, then complete it
        const article = REWRITTEN[step % REWRITTEN.length]!;
        const original = originals.get(article.path)!;
        onDisk.set(article.path, { rewrite: undefined, completeAt: undefined });
        writeFileSync(join(content, article.path), original.slice(0, Math.floor(original.indexOf('\n---', 4) / 2)));
        halfWrites += 1;
        await new Promise((next) => setTimeout(next, 50 + Math.random() * 150));
        writeFileSync(join(content, article.path), original);
        onDisk.set(article.path, { rewrite: undefined, completeAt: performance.now() });
      } else if (roll < 0.8 || added.size === 0) {
        const slug = `soak-${step}`;
        const text = articleText(`SOAK-${step}`, `Added ${step}`, new Date(Date.now() - 1000).toISOString());
        if (Math.random() < 0.3) {
          writeFileSync(join(content, 'soak', `${slug}.md`), text.slice(0, 40));
          halfWrites += 1;
          await new Promise((next) => setTimeout(next, 50));
        }
        writeFileSync(join(content, 'soak', `${slug}.md`), text);
        added.set(slug, `soak/${slug}.md`);
        addedAt.set(slug, performance.now());
      } else {
        const [slug, path] = [...added.entries()][Math.floor(Math.random() * added.size)]!;
        unlinkSync(join(content, path));
        added.delete(slug);
        addedAt.delete(slug);
      }
      writes += 1;
    } catch (error) {
      violate(`writer: ${(error as Error).message}`);
    }
    await new Promise((next) => setTimeout(next, 100 + Math.random() * 150));
  }
  for (const [path, original] of originals) writeFileSync(join(content, path), original);
}

await waitUntilUp();
const started = performance.now();
const memory: number[] = [];
const sampler = setInterval(() => memory.push(memoryMb()), 1000);
setTimeout(() => (stop = true), SECONDS * 1000);
await Promise.all([writer(), ...Array.from({ length: READERS }, () => reader())]);
clearInterval(sampler);
const elapsed = (performance.now() - started) / 1000;
// The server writes its index as it stops: let it finish before its folders go.
await new Promise((exited) => {
  server.once('exit', exited);
  server.kill('SIGTERM');
});
rmSync(root, { recursive: true, force: true });

// Memory after the first 5 s of warm-up, and at the end.
const warm = memory.slice(Math.min(5, memory.length - 1));
const result = {
  seconds: Math.round(elapsed),
  requests,
  requestsPerSecond: Math.round(requests / elapsed),
  statuses: counts,
  writes,
  halfWrites,
  memoryMb: { afterWarmUp: warm[0] ?? 0, peak: Math.max(...warm), end: warm.at(-1) ?? 0 },
  violations,
};
if (result.memoryMb.end - result.memoryMb.afterWarmUp > 64) violate(`memory grew from ${result.memoryMb.afterWarmUp} MB to ${result.memoryMb.end} MB`);
mkdirSync('bench', { recursive: true });
writeFileSync('bench/soak-results.json', `${JSON.stringify({ ...result, violations }, null, 2)}\n`);
console.log(JSON.stringify({ ...result, violations }, null, 2));
process.exit(violations.length > 0 ? 1 : 0);
