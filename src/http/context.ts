/**
 * What route handlers share: the site, the content store, the clock and the host's
 * compression; and the per-request view of the current snapshot (catalog + time = what is
 * published now), with the memo of rendered responses.
 */
import type { BundleFiles } from '../articles/bundle.ts';
import type { Context } from 'hono';
import type { Article } from '../articles/article.ts';
import { countScheduled, selectPublished } from '../catalog/query.ts';
import type { ContentLookup, ContentNeeds, ContentStore, KeptResponse, ReadyAnswer, Snapshot } from '../catalog/snapshot.ts';
import type { Site } from '../site.ts';
import { createRepresentation, type Compression, type Representation, type Sha256 } from './representation.ts';
import { contextHeaders, createAnswer, serveAnswer, type Answer, type RespondOptions } from './respond.ts';

export interface RouteDeps {
  readonly site: Site;
  readonly store: ContentStore;
  /** Milliseconds since the epoch; injected so that tests and builds fix "now". */
  readonly now: () => number;
  /** Content codings the host can produce (none on Workers: the platform compresses). */
  readonly compression?: Compression | undefined;
  /** The host's SHA-256 for entity tags, when it has one quicker to hand than WebCrypto's. */
  readonly sha256?: Sha256 | undefined;
  /** Responses rendered ahead of time (by the Workers build), looked up before rendering. */
  readonly prebuilt?: PrebuiltResponses | undefined;
  /** The files beside page bundles' articles (the Node host's content folder); none served without. */
  readonly bundleFiles?: BundleFiles | undefined;
}

/** Representations rendered at build time, by the memo key a request would render them under. */
export interface PrebuiltResponses {
  get(key: string): Promise<Representation | undefined>;
}

/** One request's view: the snapshot, and which of its articles are published at `now`. */
export interface View {
  readonly snapshot: Snapshot;
  readonly now: number;
  /** Identifies what is published within the snapshot; part of every memo key that depends on it. */
  readonly publicationKey: string;
  /** How many articles are still scheduled (what the publication key names). */
  readonly scheduled: number;
  /** Newest `updated` among all published articles (0 when there are none). */
  readonly siteUpdated: number;
  readonly published: readonly Article[];
}

export async function openView(deps: RouteDeps): Promise<View> {
  // The last complete snapshot: a change being made does not hold requests up; only a first start, with none yet, does.
  const snapshot = deps.store.peek() ?? (await deps.store.current());
  const now = deps.now();
  const scheduled = countScheduled(snapshot.catalog.articles, now);
  const publicationKey = `scheduled:${scheduled}`;
  const published = selectPublished(snapshot.catalog.articles, now);
  const siteUpdated = snapshot.catalog.latestUpdateFrom[scheduled] ?? 0;
  return { snapshot, now, publicationKey, scheduled, siteUpdated, published };
}

/** A request URL's path and query: the key of a ready answer. */
export function requestKey(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf('//') + 2));
}

export interface RememberedAnswer extends ReadyAnswer {
  readonly answer: Answer;
  /** How many articles were still scheduled when it was made (see `publicationKeyOf`). */
  readonly scheduled: number;
}

/** What a ready answer counts for: its headers, a few of them for each coding (its response's bytes count where they are kept). */
const ANSWER_SIZE = 2048;

/** The kept response of each representation made by cachedRepresentation. */
const keptResponses = new WeakMap<Representation, KeptResponse>();

/**
 * What to do when a coded variant of a representation made by cachedRepresentation is made to
 * send it: count those bytes too, where its response is kept.
 */
export function recount(view: View, representation: Representation): () => void {
  const { responses } = view.snapshot;
  return () => {
    const kept = keptResponses.get(representation);
    if (kept !== undefined && responses.peek(kept.key) === kept) responses.set(kept.key, kept, representation.heldBytes());
  };
}

/**
 * Answers a request with a representation made by cachedRepresentation, and keeps the answer
 * for the request's URL in the snapshot, so that the next request for it is answered before
 * routing. Only for responses that depend on nothing but the URL (and Accept-Encoding and
 * validators, which the answer handles itself).
 */
export function answer(c: Context, view: View, representation: Representation, options: RespondOptions): Response | Promise<Response> {
  const kept = keptResponses.get(representation);
  const made = createAnswer(representation, options, recount(view, representation));
  if (kept !== undefined) {
    const remembered: RememberedAnswer = { answer: made, scheduled: view.scheduled, kept };
    view.snapshot.keepAnswer(requestKey(c.req.url), remembered, ANSWER_SIZE);
  }
  return serveAnswer(contextHeaders(c), made, view.now);
}

/**
 * The `Last-Modified` of a response that shows `articles`: `updated`, the newest `updated` among
 * them, the newest time one of their files changed, or `takenOut`, when the response's scope last
 * lost an article (see `takenOutOf`), whichever is latest. `updated` alone would not move for an
 * edit that leaves it as it was, or for an article added with an older date than the newest; the
 * articles' times would not move (or would go back) for an article deleted or moved elsewhere; and
 * a reader that sends only `If-Modified-Since` would be told "not modified".
 * (On a fresh checkout every file's time is the checkout's: such a reader reads each response
 * once more after a deploy, as from any static host.)
 */
export function lastChangeOf(updated: number, articles: readonly Article[], takenOut = 0): number {
  let last = Math.max(updated, takenOut);
  for (const article of articles) {
    const fileTime = article.fileTime;
    if (fileTime !== undefined && fileTime > last) last = fileTime;
  }
  return last;
}

/** When an article was last taken out of the scope `key` names (`''`, the whole site, by default) in the view's snapshot; 0 if never. */
export function takenOutOf(view: View, key = ''): number {
  return view.snapshot.takenOutAt.get(key) ?? 0;
}

export interface Rendered {
  /** Text, or its UTF-8 bytes when the renderer wrote those (JSON Feed). */
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly lastModified: number;
}

/** How a representation is memoized (see cachedRepresentation). */
export interface MemoOptions {
  /** What the render needs of the articles: their HTML (by default) or only their every field. */
  readonly needs?: ContentNeeds;
  /**
   * Everything the representation depends on beyond the site's configuration, when that can be
   * said: it is then used again while a request gives the same inputs, in this snapshot or a later
   * one (see KeptResponse). Without, it serves this snapshot only, under its key.
   */
  readonly inputs?: readonly unknown[];
}

/** Whether a kept response's inputs are a request's: both none, or the same values one by one. */
function sameInputs(kept: readonly unknown[] | undefined, asked: readonly unknown[] | undefined): boolean {
  if (kept === undefined || asked === undefined) return kept === asked;
  if (kept.length !== asked.length) return false;
  for (let index = 0; index < kept.length; index++) if (!Object.is(kept[index], asked[index])) return false;
  return true;
}

/**
 * The representation stored under `key` in the snapshot, made on first use only (or when its
 * inputs changed): taken from the pre-built responses when the host has them, else rendered
 * (once the HTML of `articles`, the articles it shows in full, is at hand, or with `'details'`
 * only their every field) and hashed.
 */
export function cachedRepresentation(
  deps: RouteDeps,
  view: View,
  key: string,
  articles: readonly Article[],
  render: (content: ContentLookup) => Rendered,
  { needs = 'html', inputs }: MemoOptions = {},
): Promise<Representation> {
  const { responses } = view.snapshot;
  const cached = responses.get(key);
  if (cached !== undefined && sameInputs(cached.inputs, inputs)) return cached.made as Promise<Representation>;
  const representation = (async () => {
    const prebuilt = await deps.prebuilt?.get(key);
    if (prebuilt) return prebuilt;
    const content = await view.snapshot.loadContent(articles, needs);
    const { body, contentType, lastModified } = render(content);
    return createRepresentation(body, contentType, lastModified, deps.sha256);
  })();
  const kept: KeptResponse = { key, made: representation, ...(inputs === undefined ? {} : { inputs }) };
  responses.set(key, kept, 0);
  // Account for the real size once known (re-inserting also drops anything now over budget).
  representation.then(
    (made) => {
      keptResponses.set(made, kept);
      if (responses.peek(key) === kept) responses.set(key, kept, made.heldBytes());
    },
    () => undefined,
  );
  return representation;
}
