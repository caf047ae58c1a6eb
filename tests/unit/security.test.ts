import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_SECURITY_HEADERS, SCRIPT, SCRIPT_HASH, STYLE, STYLE_HASH } from '../../src/pages/document.ts';
import { createTestApp, validArticle } from '../support/fixtures.ts';

describe('security headers', () => {
  it('allows exactly the stylesheet the pages carry (update STYLE_HASH when STYLE changes)', () => {
    expect(STYLE_HASH).toBe(`sha256-${createHash('sha256').update(STYLE).digest('base64')}`);
  });

  it('allows exactly the copy-button script the index page carries (update SCRIPT_HASH when SCRIPT changes)', () => {
    expect(SCRIPT_HASH).toBe(`sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`);
  });

  it.each(['/', '/articles/a'])('%s sends the CSP, nosniff and a referrer policy', async (path) => {
    const { app } = createTestApp({ 'a.md': validArticle() });
    const response = await app.request(path);
    expect(response.status).toBe(200);
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Scripts: the copy-button script by its hash, nothing else (no 'self', no inline, no eval).
    expect(response.headers.get('content-security-policy')).toContain(`script-src '${SCRIPT_HASH}';`);
    expect(response.headers.get('content-security-policy')).not.toMatch(/'self'|'unsafe-inline'|'unsafe-eval'/);
  });

  it.each(['/rss.xml', '/atom.xml', '/feed.json', '/feeds.opml'])('%s sends nosniff', async (path) => {
    const { app } = createTestApp({ 'a.md': validArticle() });
    expect((await app.request(path)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
