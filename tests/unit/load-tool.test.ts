/**
 * The bench's load generator (scripts/load.ts): wrk's and autocannon's output read alike, a run
 * with failed requests refused, and autocannon - what a machine with nothing but Node and npm
 * has - run for real against a server in another process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findLoadTool, readAutocannonOutput, readWrkOutput, wrkMs } from '../../scripts/load.ts';

/** What `wrk -t1 -c32 -d3s --latency` printed against a wirefeed 304 (wrk 4.1.0, Debian). */
const WRK_OUTPUT = `Running 3s test @ http://localhost:8801/category/world/rss.xml
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   776.86us  489.79us  10.30ms   88.33%
    Req/Sec    43.07k    13.54k   56.11k    70.00%
  Latency Distribution
     50%  594.00us
     75%  842.00us
     90%    1.35ms
     99%    2.05ms
  128486 requests in 3.00s, 51.34MB read
Requests/sec:  42820.02
Transfer/sec:     17.11MB
`;

describe("the bench's load generator", () => {
  describe('chosen by what the PATH holds', () => {
    const path = process.env.PATH;
    afterEach(() => {
      process.env.PATH = path;
    });

    it('is wrk where wrk is installed, with the version it reports', () => {
      // A stand-in answering `wrk -v` as wrk 4.1.0 does (on stdout, with exit status 1).
      const bin = mkdtempSync(join(tmpdir(), 'wirefeed-wrk-'));
      writeFileSync(join(bin, 'wrk'), '#!/bin/sh\necho "wrk 4.1.0-test [epoll] Copyright (C) 2012 Will Glozer"\nexit 1\n');
      chmodSync(join(bin, 'wrk'), 0o755);
      try {
        process.env.PATH = bin;
        expect(findLoadTool()).toMatchObject({ name: 'wrk', version: '4.1.0-test', outrunsServers: true });
        // Unless autocannon is asked for.
        expect(findLoadTool(true).name).toBe('autocannon');
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    });

    it('is autocannon, from npm, where wrk is not installed', () => {
      process.env.PATH = mkdtempSync(join(tmpdir(), 'wirefeed-no-wrk-'));
      expect(findLoadTool()).toMatchObject({ name: 'autocannon', outrunsServers: false });
      rmSync(process.env.PATH, { recursive: true, force: true });
    });
  });

  it("reads wrk's latencies in microseconds, milliseconds and seconds as milliseconds", () => {
    expect([wrkMs('812.00us'), wrkMs('1.62ms'), wrkMs('1.01s')]).toEqual([0.812, 1.62, 1010]);
    expect(wrkMs('')).toBeNaN();
  });

  it('reads the rate and the median and 99th percentile latency wrk printed', () => {
    expect(readWrkOutput(WRK_OUTPUT)).toEqual({ rps: 42820, p50Ms: 0.594, p99Ms: 2.05, failed: 0 });
  });

  it("counts wrk's failed requests: other statuses and socket errors", () => {
    const failing = WRK_OUTPUT.replace('Requests/sec:', '  Socket errors: connect 0, read 2, write 0, timeout 3\n  Non-2xx or 3xx responses: 7\nRequests/sec:');
    expect(readWrkOutput(failing).failed).toBe(12);
  });

  it("reads autocannon's JSON, its 4xx, 5xx, errors and timeouts counted as failed", () => {
    const output = JSON.stringify({ requests: { average: 4012.5 }, latency: { p50: 7, p99: 19 }, '2xx': 0, '3xx': 12000, '4xx': 1, '5xx': 2, errors: 3, timeouts: 4 });
    expect(readAutocannonOutput(output)).toEqual({ rps: 4013, p50Ms: 7, p99Ms: 19, failed: 10 });
  });

  describe('autocannon, run against a server in another process', () => {
    let server: ReturnType<typeof spawn>;
    let url: string;

    beforeAll(async () => {
      // 304 for the tag asked for, 200 for a plain request, 500 for a tag that does not match.
      const program = `
        const server = require('node:http').createServer((request, response) => {
          const tag = request.headers['if-none-match'];
          response.writeHead(tag === undefined ? 200 : tag === '"v1"' ? 304 : 500, { ETag: '"v1"' });
          response.end(tag === undefined ? 'body' : undefined);
        });
        server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
      server = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [port] = (await once(server.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
      url = `http://127.0.0.1:${String(port).trim()}/`;
    });
    afterAll(() => {
      server.kill();
    });

    it('measures a rate and latencies', () => {
      const tool = findLoadTool(true);
      expect(tool.name).toBe('autocannon');
      expect(tool.outrunsServers).toBe(false);
      const result = tool.run(url, { 'If-None-Match': '"v1"' }, 1);
      expect(result.rps).toBeGreaterThan(0);
      expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
    });

    it('sends the headers it is given, and refuses a run whose requests failed', () => {
      // Only a request with this (stale) tag is answered 500.
      expect(() => findLoadTool(true).run(url, { 'If-None-Match': '"v0"' }, 1)).toThrow(/requests to .* failed/);
    });
  });
});
