import type { RequestListener } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StartupError } from '../../src/node/config.ts';
import { listenNow, type Listening } from '../../src/node/listen.ts';

/** A promise with its resolve function, for a listener loaded when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const answerWithPath: RequestListener = (request, response) => response.end(`answered ${request.url}`);

describe('taking a port at once and answering on it with a listener loaded after', () => {
  const open: Listening[] = [];
  afterEach(async () => {
    for (const { server } of open.splice(0)) await new Promise((done) => server.close(done));
  });

  it('holds the requests that come before the listener, answers them in order once it is loaded, and the later ones straight away', async () => {
    const listener = deferred<RequestListener>();
    const calls: string[] = [];
    const listening = await listenNow(0, () => {
      calls.push('load');
      return listener.promise;
    });
    open.push(listening);
    expect(listening.port).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${listening.port}`;
    let arrived = 0;
    listening.server.on('request', () => (arrived += 1));
    let answered = 0;
    const ask = async (path: string) => {
      const text = await (await fetch(`${url}${path}`)).text();
      answered += 1;
      return text;
    };
    const early = [ask('/a')];
    await vi.waitFor(() => expect(arrived).toBe(1));
    early.push(ask('/b'));
    await vi.waitFor(() => expect(arrived).toBe(2));
    // Both have reached the server, and neither is answered.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(0);
    const order: string[] = [];
    listener.resolve((request, response) => {
      order.push(request.url ?? '');
      answerWithPath(request, response);
    });
    await listening.answering;
    expect(await Promise.all(early)).toEqual(['answered /a', 'answered /b']);
    expect(order).toEqual(['/a', '/b']);
    expect(await (await fetch(`${url}/c`)).text()).toBe('answered /c');
    expect(calls).toEqual(['load']);
  });

  it('says which port is in use, as a start-up error, and does not load the listener (it is loaded once the port is taken)', async () => {
    const taken = await listenNow(0, async () => answerWithPath);
    open.push(taken);
    let loaded = false;
    const again = listenNow(taken.port, async () => {
      loaded = true;
      return answerWithPath;
    });
    await expect(again).rejects.toThrow(StartupError);
    await expect(again).rejects.toThrow(`port ${taken.port} is in use; choose another with PORT or --port`);
    expect(loaded).toBe(false);
  });
});
