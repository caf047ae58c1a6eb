/**
 * Cloudflare Workers host. Serves what `npm run build` compiled: the catalog comes bundled in
 * the script (parsed and indexed once per isolate, while the script starts); each article's
 * fields and HTML, and pre-rendered responses, are Static Assets fetched through the ASSETS
 * binding when a request needs them. No Markdown parser, sanitizer or YAML engine is in this bundle, and nothing here
 * compresses: the platform does.
 */
import data from 'wirefeed:data';
import { createApp } from './app.ts';
import { createFixedStore } from './catalog/snapshot.ts';
import { createPrebuiltBundleFiles, createPrebuiltCatalog, createPrebuiltResponses, createPrebuiltSnapshot, type AssetFetcher } from './prebuilt.ts';

export interface Env {
  readonly ASSETS: AssetFetcher;
}

// The binding only arrives with a request; everything else is built while the script starts,
// which has a budget of its own (1 s) instead of the request's CPU time.
let bound: AssetFetcher | undefined;
const assets: AssetFetcher = {
  fetch: (request) => {
    if (bound === undefined) throw new Error('the ASSETS binding is not configured (see wrangler.toml)');
    return bound.fetch(request);
  },
};
const catalog = createPrebuiltCatalog(data);
const app = createApp({
  site: data.site,
  store: createFixedStore(createPrebuiltSnapshot(catalog, assets)),
  prebuilt: createPrebuiltResponses(data, assets),
  bundleFiles: createPrebuiltBundleFiles(data, assets),
  quickStart: true,
});

/**
 * Has V8 finish the collection that building the catalog set off while the script starts (its
 * own budget), not in the first request: a burst of short-lived garbage (some 4 MB) at the end of
 * start-up. Measured in workerd at 100,000 articles, ten fresh isolates each way, the first
 * request took 17-24 ms of CPU without it (past the free plan's 10 ms) and 7.6-8.6 ms with it,
 * what an empty Worker's first request takes; `npm run bench:worker`, net of an empty Worker:
 * 13.8 ms, then 4.9 ms. Start-up took about 20 ms more (the sample content's about 5 ms).
 */
function collectBeforeFirstRequest(): number {
  let made = 0;
  for (let round = 0; round < 8192; round += 1) made += new Array<number>(128).fill(round).length;
  return made;
}
collectBeforeFirstRequest();

export default {
  fetch(request: Request, env: Env, context: unknown): Response | Promise<Response> {
    bound = env.ASSETS;
    return app.fetch(request, env, context as never);
  },
};
