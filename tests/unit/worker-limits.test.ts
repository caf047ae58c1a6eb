/**
 * `npm run build` says, before a deploy, which of Cloudflare's limits the build goes past: a
 * warning where a plan still takes it, an error where none does.
 */
import { describe, expect, it } from 'vitest';
import { WORKER_LIMITS, workerLimitProblems } from '../../scripts/build-worker.ts';
import { CATALOG_WARNING_ARTICLES, WORKER_LIMITS as CACHE_BUDGETS, workerLimits } from '../../src/prebuilt.ts';

const MiB = 1024 * 1024;
const small = { articles: 1000, files: 146, largestFile: 90_000, dataBytes: 0.2 * MiB, dataGzipBytes: 0.05 * MiB };

describe("the Worker build's check of Cloudflare's limits", () => {
  it('finds nothing for a build within every limit, up to each limit itself', () => {
    expect(workerLimitProblems(small)).toEqual([]);
    expect(
      workerLimitProblems({ articles: CATALOG_WARNING_ARTICLES, files: WORKER_LIMITS.assetFiles.free, largestFile: WORKER_LIMITS.assetFileBytes, dataBytes: 16 * MiB, dataGzipBytes: WORKER_LIMITS.gzipBytes.free }),
    ).toEqual([]);
  });

  it('warns of more Static Asset files than the free plan takes, and refuses more than Workers Paid takes', () => {
    expect(workerLimitProblems({ ...small, files: 20_073 })).toEqual([{ severity: 'warning', message: '20,073 Static Asset files: more than the 20,000 of the free plan (Workers Paid takes 100,000)' }]);
    expect(workerLimitProblems({ ...small, files: 100_084 })).toEqual([
      { severity: 'error', message: '100,084 Static Asset files: more than the 100,000 a Worker version may have on Workers Paid; serve this many articles from the Node host' },
    ]);
  });

  it('refuses a content file larger than a Static Asset file may be', () => {
    expect(workerLimitProblems({ ...small, largestFile: 26 * MiB })).toEqual([
      { severity: 'error', message: 'a content file of 26.0 MiB: more than the 25.0 MiB a Static Asset file may be; an article this large is better served from the Node host' },
    ]);
  });

  it('warns of a catalog larger compressed than the free plan takes, and refuses one larger than Workers Paid takes', () => {
    expect(workerLimitProblems({ ...small, dataGzipBytes: 3.4 * MiB })).toEqual([
      { severity: 'warning', message: 'the catalog alone is 3.4 MiB compressed: more than the 3.0 MiB a Worker may be on the free plan (Workers Paid takes 10.0 MiB)' },
    ]);
    expect(workerLimitProblems({ ...small, dataGzipBytes: 17 * MiB }).map(({ severity }) => severity)).toEqual(['error']);
  });

  it('warns of a catalog large enough to near the start-up limit as the Worker parses it', () => {
    const [problem, ...others] = workerLimitProblems({ ...small, dataBytes: 17 * MiB });
    expect(others).toEqual([]);
    expect(problem?.severity).toBe('warning');
    expect(problem?.message).toMatch(/^the Worker parses a 17\.0 MiB catalog as it starts: .* against Cloudflare's 1 s start-up limit/);
  });

  it('warns of a catalog that leaves the caches little of the isolate', () => {
    const [problem, ...others] = workerLimitProblems({ ...small, articles: 180_000 });
    expect(others).toEqual([]);
    expect(problem?.severity).toBe('warning');
    expect(problem?.message).toMatch(/^180,000 articles: the Worker's catalog takes most of the isolate's 128 MB .* past about 160,000 Cloudflare may stop the isolate \(error 1102\)/);
  });
});

describe("the Worker's cache budgets", () => {
  it('are whole up to 100,000 articles', () => {
    expect(workerLimits(17)).toEqual(CACHE_BUDGETS);
    expect(workerLimits(100_000)).toEqual(CACHE_BUDGETS);
  });

  it('shrink in step as the catalog grows, to a sixteenth at 200,000 articles and beyond', () => {
    const budgets = [100_000, 125_000, 150_000, 175_000, 200_000, 400_000].map((articles) => workerLimits(articles).responseCacheSize);
    expect(budgets).toEqual([12_000_000, 9_000_000, 6_000_000, 3_000_000, 750_000, 750_000]);
    expect(workerLimits(150_000).contentCacheSize).toBe(CACHE_BUDGETS.contentCacheSize / 2);
  });
});
