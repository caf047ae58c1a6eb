/**
 * Catalog -> OPML 2.0 subscription list of every feed: one folder per format (import the one
 * your reader prefers), one outline per scope, all URLs absolute.
 *
 * @example
 * const opml = renderOpml({ site, scopes, updated });
 */
import type { Scope } from '../catalog/catalog.ts';
import { describeScopeTitle, formatRfc822 } from '../feeds/feed.ts';
import { close, empty, leaf, open, toDocument, XML_DECLARATION } from '../feeds/xml.ts';
import type { Site } from '../site.ts';
import { createUrls, FEED_FORMAT_NAMES, FEED_FORMATS, type FeedFormat } from '../urls.ts';

/** OPML `version` attribute values readers know; JSON Feed has none. */
const OPML_VERSIONS: Readonly<Record<FeedFormat, string | undefined>> = { rss: 'RSS2', atom: 'ATOM', json: undefined };

export interface OpmlInput {
  readonly site: Site;
  readonly scopes: readonly Scope[];
  /** Newest change on the site, for `dateModified`. */
  readonly updated: number;
}

export function renderOpml({ site, scopes, updated }: OpmlInput): string {
  const urls = createUrls(site.baseUrl);
  const lines = [XML_DECLARATION, open(0, 'opml', { version: '2.0' }), open(1, 'head')];
  lines.push(leaf(2, 'title', `${site.title} feeds`));
  lines.push(leaf(2, 'dateModified', formatRfc822(updated)));
  lines.push(leaf(2, 'ownerName', site.author.name));
  lines.push(leaf(2, 'docs', 'http://opml.org/spec2.opml'));
  lines.push(close(1, 'head'), open(1, 'body'));
  for (const format of FEED_FORMATS) {
    const name = FEED_FORMAT_NAMES[format];
    lines.push(open(2, 'outline', { text: `${site.title} (${name})`, title: `${site.title} (${name})` }));
    for (const scope of scopes) {
      const title = describeScopeTitle(site, scope);
      lines.push(
        empty(3, 'outline', {
          type: 'rss',
          text: title,
          title,
          xmlUrl: urls.feed(scope, format),
          htmlUrl: urls.home,
          version: OPML_VERSIONS[format],
          language: scope.language?.tag,
        }),
      );
    }
    lines.push(close(2, 'outline'));
  }
  lines.push(close(1, 'body'), close(0, 'opml'));
  return toDocument(lines);
}
