/**
 * `Cache-Control` from the site's cache policy, shortened so that no cache keeps a response
 * past the moment its content is due to change (a scheduled article being published).
 *
 * @example
 * buildCacheControl({ maxAge: 300, staleWhileRevalidate: 600 }, now) // => 'public, max-age=300, stale-while-revalidate=600'
 */
import type { CachePolicy } from '../site.ts';

export function buildCacheControl(policy: CachePolicy, now: number, nextChange?: number): string {
  let maxAge = policy.maxAge;
  let stale = policy.staleWhileRevalidate;
  if (nextChange !== undefined) {
    const until = Math.max(0, Math.floor((nextChange - now) / 1000));
    maxAge = Math.min(maxAge, until);
    stale = Math.min(stale, until - maxAge);
  }
  return stale > 0 ? `public, max-age=${maxAge}, stale-while-revalidate=${stale}` : `public, max-age=${maxAge}`;
}

/** For errors: cacheable briefly, so that a fixed typo or a new category shows up soon. */
export const ERROR_CACHE_CONTROL = 'public, max-age=60';
