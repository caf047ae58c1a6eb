/**
 * The pages in a real headless Chromium, served by the real Node server: layout facts on a
 * 375 px phone screen in light and dark mode, no requests to other origins but the articles'
 * own pictures (and the site's icon, for the tab), the copy-link buttons working under the
 * page's Content-Security-Policy, and screenshots for the README (written to SCREENSHOT_DIR,
 * default test-results/screenshots; `npm run screenshots` refreshes docs/screenshots).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, PLACEHOLDER_IMAGE } from '../support/browser.ts';
import { startNodeServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join('test-results', 'screenshots');
const PHONE = { width: 375, height: 812 };
const SEED = '/articles/000_af66a0ef15b64f64';
const THAI = '/articles/th-export-growth';
const WIDE = '/articles/wide-things';
/** The site's icon, which every page links and the browser fetches for the tab (wirefeed.config.json). */
const SITE_ICON = (JSON.parse(readFileSync('wirefeed.config.json', 'utf8')) as { icon?: string }).icon;

interface Visit {
  readonly page: Page;
  /** Every request the page made, by URL and resource type. */
  readonly requests: readonly { url: string; type: string }[];
  /** Console errors and uncaught exceptions, CSP violations among them. */
  readonly errors: readonly string[];
}

/** Layout facts of the page as the browser laid it out. */
interface Layout {
  readonly viewportWidth: number;
  readonly scrollWidth: number;
  /** Elements whose right edge passes the viewport, outside scrollable boxes. */
  readonly overflowing: readonly string[];
  readonly title: { text: string; top: number; bottom: number; left: number; right: number; covered: boolean; visible: boolean } | undefined;
  readonly images: readonly { src: string; complete: boolean; naturalWidth: number; naturalHeight: number; width: number; height: number; right: number; containerWidth: number }[];
  readonly colors: { background: string; text: string; link: string | undefined };
}

function readLayout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const viewportWidth = document.documentElement.clientWidth;
    const scrolls = (element: Element) => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX);
    const insideScroller = (element: Element) => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) if (scrolls(parent)) return true;
      return false;
    };
    const overflowing = [...document.body.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > viewportWidth + 0.5 && !insideScroller(element))
      .map((element) => `<${element.tagName.toLowerCase()}> ${element.textContent?.slice(0, 40) ?? ''}`);
    const h1 = document.querySelector('h1');
    const box = h1?.getBoundingClientRect();
    const style = h1 ? getComputedStyle(h1) : undefined;
    const atCenter = box ? document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height, 20) / 2) : null;
    const main = document.querySelector('main');
    const mainStyle = main ? getComputedStyle(main) : undefined;
    const column = main && mainStyle ? main.clientWidth - parseFloat(mainStyle.paddingLeft) - parseFloat(mainStyle.paddingRight) : viewportWidth;
    const link = document.querySelector('main a:not(.button)');
    return {
      viewportWidth,
      scrollWidth: document.documentElement.scrollWidth,
      overflowing,
      title:
        h1 && box && style
          ? {
              text: h1.textContent ?? '',
              top: box.top,
              bottom: box.bottom,
              left: box.left,
              right: box.right,
              covered: atCenter === null || !(atCenter === h1 || h1.contains(atCenter)),
              visible: style.visibility === 'visible' && style.display !== 'none' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0,
            }
          : undefined,
      images: [...document.querySelectorAll('main img')].map((image) => {
        const img = image as HTMLImageElement;
        const rect = img.getBoundingClientRect();
        return {
          src: img.currentSrc,
          complete: img.complete,
          naturalWidth: img.naturalWidth,
          naturalHeight: img.naturalHeight,
          width: rect.width,
          height: rect.height,
          right: rect.right,
          containerWidth: column,
        };
      }),
      colors: {
        background: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        link: link ? getComputedStyle(link).color : undefined,
      },
    };
  });
}

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe('pages in headless Chromium', () => {
  let browser: Browser;
  let sample: RunningServer;
  let layout: RunningServer;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // No BASE_URL: links then point at the server itself (http://localhost:PORT), so that
    // "same origin" in these tests means the server.
    let description: string;
    [{ browser, description }, sample, layout] = await Promise.all([
      launchChromium(),
      startNodeServer({ QUIET: '1', CACHE_DIR: 'off' }),
      startNodeServer({ QUIET: '1', CACHE_DIR: 'off', CONTENT_DIR: 'tests/fixtures/layout' }),
    ]);
    console.info(`pages tested in ${description} ${browser.version()}`);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sample?.stop(), layout?.stop()]);
  });

  const origin = (server: RunningServer) => server.url.replace('127.0.0.1', 'localhost');

  async function visit(server: RunningServer, path: string, options: { colorScheme?: 'light' | 'dark'; width?: number; context?: BrowserContext } = {}): Promise<Visit> {
    const context = options.context ?? (await browser.newContext({ viewport: { ...PHONE, width: options.width ?? PHONE.width }, colorScheme: options.colorScheme ?? 'light' }));
    const page = await context.newPage();
    const requests: { url: string; type: string }[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push({ url: request.url(), type: request.resourceType() }));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    // Pictures live on other sites; the test answers for them, so nothing leaves the machine.
    await page.route(
      (url) => url.origin !== origin(server),
      (route) =>
        route.fulfill(
          route.request().url().includes('tiny')
            ? { contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" fill="#888"/></svg>' }
            : PLACEHOLDER_IMAGE,
        ),
    );
    const response = await page.goto(`${origin(server)}${path}`, { waitUntil: 'load' });
    expect(response?.status(), path).toBe(200);
    return { page, requests, errors };
  }

  /** The facts every page must hold on a phone. */
  /** `ownRequests`: what the page may load from the server besides itself (`"script /copy-link.js"`). */
  async function expectReadableOnAPhone({ page, requests, errors }: Visit, server: RunningServer, expectedTitle: string, ownRequests: readonly string[] = []) {
    const facts = await readLayout(page);
    expect(facts.viewportWidth).toBe(PHONE.width);
    // No horizontal overflow: nothing but the scrollable boxes (code, tables) is wider than the screen.
    expect(facts.scrollWidth).toBe(facts.viewportWidth);
    expect(facts.overflowing).toEqual([]);
    // The title is visible in the first screen, whole, and nothing covers it.
    expect(facts.title?.text).toBe(expectedTitle);
    expect(facts.title?.visible).toBe(true);
    expect(facts.title?.covered).toBe(false);
    expect(facts.title!.top).toBeGreaterThanOrEqual(0);
    expect(facts.title!.bottom).toBeLessThanOrEqual(PHONE.height);
    expect(facts.title!.left).toBeGreaterThanOrEqual(0);
    expect(facts.title!.right).toBeLessThanOrEqual(facts.viewportWidth);
    // Every image loaded, fits the column, keeps its proportions and is never stretched.
    for (const image of facts.images) {
      expect(image.complete && image.naturalWidth > 0, image.src).toBe(true);
      expect(image.width, image.src).toBeGreaterThan(0);
      expect(image.width, image.src).toBeLessThanOrEqual(Math.min(image.containerWidth, image.naturalWidth) + 0.5);
      expect(image.right, image.src).toBeLessThanOrEqual(facts.viewportWidth);
      expect(Math.abs(image.height - (image.width * image.naturalHeight) / image.naturalWidth), image.src).toBeLessThan(1.5);
    }
    // Readable: body text and links against the background pass WCAG AA (4.5:1).
    expect(contrast(facts.colors.text, facts.colors.background)).toBeGreaterThanOrEqual(4.5);
    if (facts.colors.link) expect(contrast(facts.colors.link, facts.colors.background)).toBeGreaterThanOrEqual(4.5);
    // Nothing from other origins but the pictures the page shows and the tab's icon (which the
    // browser fetches as "other", when it gets to it); no error, no CSP violation.
    const pictures = new Set(facts.images.map((image) => image.src));
    const foreign = requests.filter((request) => new URL(request.url).origin !== origin(server) && request.url !== SITE_ICON);
    for (const request of foreign) {
      expect(request.type, request.url).toBe('image');
      expect(pictures, request.url).toContain(request.url);
    }
    // From the server itself: the page and what it is expected to load, nothing else.
    const own = requests.filter((request) => request.type !== 'document' && new URL(request.url).origin === origin(server));
    expect(own.map((request) => `${request.type} ${new URL(request.url).pathname}`)).toEqual(ownRequests);
    expect(errors).toEqual([]);
    return facts;
  }

  it('shows the index readably on a phone, every feed with a working copy-link button', async () => {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: origin(sample) });
    const visit_ = await visit(sample, '/', { context });
    await expectReadableOnAPhone(visit_, sample, 'Wirefeed News', ['script /copy-link.js']);
    const { page } = visit_;
    await page.screenshot({ path: join(SCREENSHOTS, 'index-phone.png') });

    // The script file ran (under the CSP: scripts from this origin only, none inline) and
    // showed a button by every feed link.
    const buttons = page.locator('button[data-copy]');
    expect(await buttons.count()).toBe(54);
    expect(await page.locator('button[data-copy]:visible').count()).toBe(54);
    const opml = page.getByRole('link', { name: 'Download feeds.opml' });
    expect(await opml.isVisible()).toBe(true);
    expect(await opml.getAttribute('href')).toBe(`${origin(sample)}/feeds.opml`);

    // Copying puts the feed's URL on the clipboard and says so.
    const thaiWorld = page.getByRole('button', { name: 'Copy the Atom link of World' }).nth(2);
    await thaiWorld.click();
    const expected = `${origin(sample)}/th/category/world/atom.xml`;
    expect(await thaiWorld.getAttribute('data-copy')).toBe(expected);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    expect(await thaiWorld.textContent()).toBe('Copied');
    expect(await page.locator('#copy-status').textContent()).toBe(`Link copied: ${expected}`);
    await context.close();
  });

  it('shows the seed article readably on a phone, photos with captions', async () => {
    const visited = await visit(sample, SEED);
    const facts = await expectReadableOnAPhone(visited, sample, 'Putin ‘open to Ukraine truce talks with Trump’');
    // The lead picture and the two photos of the body, all shown at the column's width.
    expect(facts.images).toHaveLength(3);
    for (const image of facts.images) expect(image.width).toBeCloseTo(image.containerWidth, 0);
    expect(await visited.page.locator('figcaption').count()).toBe(2);
    await visited.page.screenshot({ path: join(SCREENSHOTS, 'article-phone.png') });
    await visited.page.context().close();
  });

  it('follows the reader into dark mode with readable contrast', async () => {
    const light = await readLayout((await visit(sample, SEED, { colorScheme: 'light' })).page);
    const visited = await visit(sample, SEED, { colorScheme: 'dark' });
    const dark = await expectReadableOnAPhone(visited, sample, 'Putin ‘open to Ukraine truce talks with Trump’');
    expect(dark.colors.background).not.toBe(light.colors.background);
    // A dark page: the background is darker than the text.
    expect(contrast(dark.colors.background, 'rgb(0, 0, 0)')).toBeLessThan(contrast(dark.colors.text, 'rgb(0, 0, 0)'));
    await visited.page.screenshot({ path: join(SCREENSHOTS, 'article-phone-dark.png') });
    await visited.page.context().close();
  });

  it('shows a Thai article readably on a phone', async () => {
    const visited = await visit(sample, THAI);
    await expectReadableOnAPhone(visited, sample, 'ส่งออกตุลาคมโต 14.6% สูงกว่าที่คาด');
    expect(await visited.page.locator('html').getAttribute('lang')).toBe('th');
    await visited.page.context().close();
  });

  it('keeps an article of unbreakable words, wide tables, long code and huge images inside a phone screen', async () => {
    const visited = await visit(layout, WIDE);
    const facts = await expectReadableOnAPhone(
      visited,
      layout,
      'Supercalifragilisticexpialidocious-antidisestablishmentarianism-pneumonoultramicroscopicsilicovolcanoconiosis: a headline that will not break',
    );
    const sized = facts.images.find((image) => image.src.endsWith('/sized.jpg'));
    expect(sized?.width).toBeCloseTo(sized!.containerWidth, 0);
    // A picture smaller than the column keeps its own size.
    const tiny = facts.images.find((image) => image.src.endsWith('/tiny.png'));
    expect(tiny).toMatchObject({ width: 60, height: 30 });
    // Tables and code scroll inside their own box instead of widening the page.
    for (const selector of ['table', 'pre']) {
      const box = await visited.page.locator(`main ${selector}`).evaluate((element) => ({ client: element.clientWidth, scroll: element.scrollWidth }));
      expect(box.scroll, selector).toBeGreaterThan(box.client);
    }
    await visited.page.context().close();
  });

  it('uses a readable line length on a wide screen', async () => {
    const visited = await visit(sample, SEED, { width: 1280 });
    const width = await visited.page.locator('main p').first().evaluate((element) => element.getBoundingClientRect().width);
    const fontSize = await visited.page.locator('main p').first().evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    // About 60-80 characters a line: between 30 and 45 em.
    expect(width / fontSize).toBeGreaterThan(30);
    expect(width / fontSize).toBeLessThan(45);
    await visited.page.screenshot({ path: join(SCREENSHOTS, 'article-desktop.png') });
    const index = await visit(sample, '/', { width: 1280, context: visited.page.context() });
    await index.page.screenshot({ path: join(SCREENSHOTS, 'index-desktop.png') });
    await visited.page.context().close();
  });
});
