import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_SECURITY_HEADERS, SCRIPT, SCRIPT_PATH, STYLE, STYLE_HASH } from '../../src/pages/document.ts';
import { createTestApp, validArticle } from '../support/fixtures.ts';
import { parseHtmlDocument } from '../support/html.ts';

describe('security headers', () => {
  it('allows exactly the stylesheet the pages carry (update STYLE_HASH when STYLE changes)', () => {
    expect(STYLE_HASH).toBe(`sha256-${createHash('sha256').update(STYLE).digest('base64')}`);
  });

  it('serves the copy-button script as a file of its own, JavaScript, with nosniff', async () => {
    const { app } = createTestApp({ 'a.md': validArticle() });
    const response = await app.request(SCRIPT_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{22}"$/);
    expect(await response.text()).toBe(SCRIPT);
  });

  it.each([
    ['/', [`src https://news.example${SCRIPT_PATH}`]],
    ['/articles/a', ['application/ld+json']],
  ])('%s has no inline script but the JSON-LD data block', async (path, expected) => {
    const { app } = createTestApp({ 'a.md': validArticle() });
    const scripts = parseHtmlDocument(await (await app.request(path)).text()).elements.filter((element) => element.tag === 'script');
    expect(scripts.map((script) => (script.attributes.src ? `src ${script.attributes.src}` : script.attributes.type))).toEqual(expected);
    for (const script of scripts) if (script.attributes.src) expect(script.text).toBe('');
  });

  it.each(['/', '/articles/a'])('%s sends the CSP, nosniff and a referrer policy', async (path) => {
    const { app } = createTestApp({ 'a.md': validArticle() });
    const response = await app.request(path);
    expect(response.status).toBe(200);
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Scripts: files from our own origin only (the copy-button file); no inline code, no eval.
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(response.headers.get('content-security-policy')).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  });

  it.each(['/rss.xml', '/atom.xml', '/feed.json', '/feeds.opml'])('%s sends nosniff', async (path) => {
    const { app } = createTestApp({ 'a.md': validArticle() });
    expect((await app.request(path)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
