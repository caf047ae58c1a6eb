/**
 * WebSub publishing: which canonical feed URLs changed between two looks at the content, and
 * telling the hub about them (`hub.mode=publish`, one POST per feed). Change is measured on
 * the bytes readers get, through the same representations the routes serve.
 *
 * @example
 * const publisher = createWebSubPublisher({ hub, fetch });
 * await publisher.publish(changedUrls);
 */
import { selectListedScopes } from '../catalog/query.ts';
import { createUrls, FEED_FORMATS } from '../urls.ts';
import { openView, type RouteDeps } from './context.ts';
import { representFeed } from './feed-responses.ts';

/** ETag of the first page of every listed feed, by canonical URL. */
export async function collectFeedTags(deps: RouteDeps): Promise<Map<string, string>> {
  const view = await openView(deps);
  const urls = createUrls(deps.site.baseUrl);
  const tags = new Map<string, string>();
  const first = { page: 1, limit: deps.site.feedSize, limitChosen: false };
  for (const scope of selectListedScopes(view.snapshot.catalog)) {
    for (const format of FEED_FORMATS) {
      const feed = representFeed(deps, view, format, scope, first);
      if (feed.ok) tags.set(urls.feed(scope, format), (await feed.value.representation).etag);
    }
  }
  return tags;
}

/** URLs whose tag differs, or that are new, in `after` compared with `before`. */
export function findChangedFeeds(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [...after].filter(([url, tag]) => before.get(url) !== tag).map(([url]) => url);
}

export interface WebSubPublisherOptions {
  readonly hub: string;
  readonly fetch: typeof fetch;
  readonly onError?: (url: string, reason: string) => void;
}

export interface WebSubPublisher {
  /** Notifies the hub of each URL; resolves with the URLs the hub accepted. */
  publish(urls: readonly string[]): Promise<string[]>;
}

export function createWebSubPublisher(options: WebSubPublisherOptions): WebSubPublisher {
  return {
    async publish(urls) {
      const accepted: string[] = [];
      for (const url of urls) {
        try {
          const response = await options.fetch(options.hub, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
          });
          if (response.ok) accepted.push(url);
          else options.onError?.(url, `hub answered ${response.status}`);
        } catch (error) {
          options.onError?.(url, (error as Error).message);
        }
      }
      return accepted;
    },
  };
}
