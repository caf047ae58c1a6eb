/**
 * Feed requests -> representations: page and limit checked, the page's articles selected,
 * the model built and rendered once, and kept over changes that leave it as it is. Shared by
 * the feed routes and by WebSub change detection, so that both see exactly the bytes readers
 * get.
 */
import type { Scope } from '../catalog/catalog.ts';
import { scopeKey } from '../catalog/catalog.ts';
import { countScheduled, selectNextPublicationIn, selectPublished } from '../catalog/query.ts';
import { renderAtom } from '../feeds/atom.ts';
import { buildFeedModel, countPages, type FeedModel, type Paging } from '../feeds/feed.ts';
import { renderJsonFeed } from '../feeds/json-feed.ts';
import { renderRss } from '../feeds/rss.ts';
import type { Site } from '../site.ts';
import type { FeedFormat } from '../urls.ts';
import { cachedRepresentation, lastChangeOf, takenOutOf, type RouteDeps, type View } from './context.ts';
import type { Representation } from './representation.ts';
import { CONTENT_TYPES } from './respond.ts';

const RENDERERS: Readonly<Record<FeedFormat, (model: FeedModel) => string | Uint8Array>> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

export interface PageRequest {
  readonly page: number;
  readonly limit: number;
  readonly limitChosen: boolean;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const POSITIVE_INTEGER = /^[1-9]\d{0,8}$/;

/** Reads `?page=` and `?limit=`; anything but a whole number in range is refused with a reason. */
export function parsePageRequest(page: string | undefined, limit: string | undefined, site: Site): Checked<PageRequest> {
  if (page !== undefined && !POSITIVE_INTEGER.test(page)) return { ok: false, message: 'page must be a whole number from 1' };
  if (limit !== undefined && (!POSITIVE_INTEGER.test(limit) || Number(limit) > site.maxFeedSize)) {
    return { ok: false, message: `limit must be a whole number from 1 to ${site.maxFeedSize}` };
  }
  return {
    ok: true,
    value: { page: page === undefined ? 1 : Number(page), limit: limit === undefined ? site.feedSize : Number(limit), limitChosen: limit !== undefined },
  };
}

export interface FeedResponse {
  readonly representation: Promise<Representation>;
  /** When this response's content next changes on its own (a scheduled article in scope). */
  readonly nextChange?: number;
}

export function representFeed(deps: RouteDeps, view: View, format: FeedFormat, scope: Scope, request: PageRequest): Checked<FeedResponse> {
  const { site } = deps;
  const { snapshot } = view;
  const key = scopeKey(scope);
  const inScope = snapshot.catalog.articlesByScope.get(key) ?? [];
  // Scheduled articles lead a scope's list: how many still wait says which of its articles are out.
  const scheduled = countScheduled(inScope, view.now);
  const articles = snapshot.memo(`scope|${key}|${scheduled}`, () => selectPublished(inScope, view.now));
  const pages = countPages(articles.length, request.limit);
  if (request.page > pages) return { ok: false, message: `no page ${request.page} of this feed: it has ${pages} page${pages === 1 ? '' : 's'}` };
  const paging: Paging = { ...request, total: articles.length };
  const start = (request.page - 1) * request.limit;
  const shown = articles.slice(start, start + request.limit);
  const takenOut = takenOutOf(view, key);
  // Everything the feed is made of beyond the site's configuration: it is made again when one of these changes.
  const inputs = [
    scope.language?.name,
    scope.language?.tag,
    scope.category?.name,
    articles.length,
    takenOut,
    shown.length === 0 ? view.siteUpdated : 0,
    ...shown,
    ...shown.map((article) => snapshot.contentVersionOf(article)),
  ];
  // The scope's own count of waiting articles, not the site's: an article scheduled elsewhere does not make it anew.
  const memoKey = `feed|${format}|${key}|${request.page}|${request.limitChosen ? request.limit : ''}|scheduled:${scheduled}`;
  const representation = cachedRepresentation(
    deps,
    view,
    memoKey,
    shown,
    (content) => {
      const model = buildFeedModel({ site, scope, articles: shown, paging, content, fallbackUpdated: view.siteUpdated });
      return { body: RENDERERS[format](model), contentType: CONTENT_TYPES[format], lastModified: lastChangeOf(model.updated, shown, takenOut) };
    },
    { inputs },
  );
  const nextChange = selectNextPublicationIn(snapshot.catalog, scope, view.now);
  return { ok: true, value: { representation, ...(nextChange === undefined ? {} : { nextChange }) } };
}
