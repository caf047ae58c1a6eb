import { readFile } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { letThrough } from '../../src/let-through.ts';

/** Keeps the thread busy, as a step of a change made of thousands of files does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('letting requests through between the steps of long work', () => {
  let server: Server | undefined;
  let client: Socket | undefined;
  afterEach(async () => {
    client?.destroy();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server = client = undefined;
  });

  /**
   * Runs `rounds` times, from an I/O callback (where a change's steps run, after its files are
   * read): a request arrives during a step, something else is queued for the same turn of the
   * event loop (the request log's flush is), then `pause`. Gives how many of the rounds found
   * their request answered when the next step began.
   */
  async function answeredBeforeNextStep(pause: () => Promise<void>, rounds: number): Promise<number> {
    let answered = 0;
    server = createServer((_, response) => {
      answered += 1;
      response.end('ok');
    });
    const connected = new Promise((done) => server!.once('connection', done));
    await new Promise<void>((listening) => server!.listen(0, '127.0.0.1', listening));
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.resume();
    await connected;
    let inTime = 0;
    for (let round = 1; round <= rounds; round++) {
      await new Promise<void>((done) => {
        readFile(import.meta.filename, async () => {
          client!.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
          busy(5);
          setImmediate(() => busy(2));
          await pause();
          if (answered === round) inTime += 1;
          // The next round starts once this round's request is answered, however late.
          while (answered < round) await new Promise((next) => setTimeout(next, 1));
          done();
        });
      });
    }
    return inTime;
  }

  it('answers a request that came during a step before the next step begins, every time', async () => {
    expect(await answeredBeforeNextStep(letThrough, 20)).toBe(20);
  });

  it('does what a timer alone does not: when it is due before the loop polls, the next step runs first', async () => {
    const timerAlone = () => new Promise<void>((next) => setTimeout(next, 0));
    expect(await answeredBeforeNextStep(timerAlone, 5)).toBeLessThan(5);
  });
});
