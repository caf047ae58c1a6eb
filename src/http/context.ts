/**
 * What route handlers share: the site, the content store, the clock and the host's
 * compression; and the per-request view of the current snapshot (catalog + time = what is
 * published now), with the memo of rendered responses.
 */
import type { Article } from '../articles/article.ts';
import { countScheduled, selectPublished } from '../catalog/query.ts';
import type { ContentStore, Snapshot } from '../catalog/snapshot.ts';
import type { Site } from '../site.ts';
import { createRepresentation, type Compression, type Representation } from './representation.ts';

export interface RouteDeps {
  readonly site: Site;
  readonly store: ContentStore;
  /** Milliseconds since the epoch; injected so that tests and builds fix "now". */
  readonly now: () => number;
  /** Content codings the host can produce (none on Workers: the platform compresses). */
  readonly compression?: Compression | undefined;
}

/** One request's view: the snapshot, and which of its articles are published at `now`. */
export interface View {
  readonly snapshot: Snapshot;
  readonly now: number;
  /** Identifies what is published within the snapshot; part of every memo key that depends on it. */
  readonly publicationKey: string;
  /** Newest `updated` among all published articles (0 when there are none). */
  readonly siteUpdated: number;
  readonly published: readonly Article[];
}

export async function openView(deps: RouteDeps): Promise<View> {
  const snapshot = await deps.store.current();
  const now = deps.now();
  const scheduled = countScheduled(snapshot.catalog.articles, now);
  const publicationKey = `scheduled:${scheduled}`;
  const published = selectPublished(snapshot.catalog.articles, now);
  const siteUpdated = snapshot.memo(`site-updated|${publicationKey}`, () =>
    published.reduce((newest, article) => Math.max(newest, article.updated), 0),
  );
  return { snapshot, now, publicationKey, siteUpdated, published };
}

export interface Rendered {
  readonly text: string;
  readonly contentType: string;
  readonly lastModified: number;
}

/** The representation stored under `key` in the snapshot, rendered and hashed on first use only. */
export function cachedRepresentation(view: View, key: string, render: () => Rendered): Promise<Representation> {
  const cached = view.snapshot.responses.get(key) as Promise<Representation> | undefined;
  if (cached) return cached;
  const { text, contentType, lastModified } = render();
  const representation = createRepresentation(text, contentType, lastModified);
  view.snapshot.responses.set(key, representation, text.length);
  return representation;
}
