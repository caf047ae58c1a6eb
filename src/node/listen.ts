/**
 * Taking a port at once, and answering on it with a request listener that is loaded after:
 * requests that come before the listener is there are held, then answered in the order they
 * came. The Node host takes its port before it reads its articles (a port in use is found at
 * once, and a feed reader polling while the server restarts waits a moment rather than being
 * refused), and loads @hono/node-server while the first scan waits for the file system.
 *
 * @example
 * const { port, answering } = await listenNow(8080, async () => (await import('@hono/node-server')).getRequestListener(app.fetch));
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { StartupError } from './config.ts';

export interface Listening {
  readonly server: Server;
  /** The port taken: the one asked for, or the one the system chose for 0. */
  readonly port: number;
  /** Settles once the listener is loaded and every held request handed to it. */
  readonly answering: Promise<void>;
}

/**
 * Listens on `port` (every address, as Node's `listen` does), then calls `load` for the
 * listener. Rejects with a {@link StartupError} naming the port when it cannot be taken.
 */
export async function listenNow(port: number, load: () => Promise<RequestListener>): Promise<Listening> {
  const held: [IncomingMessage, ServerResponse][] = [];
  const hold = (request: IncomingMessage, response: ServerResponse) => void held.push([request, response]);
  const server = createServer(hold);
  await new Promise<void>((listening, refused) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : error.code === 'EACCES' ? 'may not be taken by this user' : `cannot be taken (${error.message})`;
      refused(new StartupError(`port ${port} ${why}; choose another with PORT or --port`));
    };
    server.once('error', fail);
    server.listen(port, () => {
      server.off('error', fail);
      listening();
    });
  });
  const address = server.address();
  const answering = load().then((answer) => {
    server.off('request', hold).on('request', answer);
    for (const [request, response] of held.splice(0)) answer(request, response);
  });
  return { server, port: typeof address === 'object' && address !== null ? address.port : port, answering };
}
