/**
 * Cloudflare Workers host. Serves what `npm run build` compiled: the catalog comes bundled in
 * the script (parsed once per isolate, at start-up); article HTML and pre-rendered responses
 * are Static Assets fetched through the ASSETS binding, one file per need. No Markdown parser,
 * sanitizer or YAML engine is in this bundle, and nothing here compresses: the platform does.
 */
import type { Hono } from 'hono';
import data from 'wirefeed:data';
import { createApp } from './app.ts';
import { createFixedStore } from './catalog/snapshot.ts';
import { createPrebuiltResponses, createPrebuiltSnapshot, type AssetFetcher } from './prebuilt.ts';

export interface Env {
  readonly ASSETS: AssetFetcher;
}

let app: Hono | undefined;

function createWorkerApp(env: Env): Hono {
  const snapshot = createPrebuiltSnapshot(data, env.ASSETS);
  return createApp({
    site: data.site,
    store: createFixedStore(snapshot),
    prebuilt: createPrebuiltResponses(data, env.ASSETS),
  });
}

export default {
  fetch(request: Request, env: Env, context: unknown): Response | Promise<Response> {
    app ??= createWorkerApp(env);
    return app.fetch(request, env, context as never);
  },
};
