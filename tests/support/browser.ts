/**
 * A real headless Chromium for page tests, driven by playwright-core.
 *
 * Which Chromium: CHROMIUM_PATH if set; else Debian's `chromium` package (/usr/bin/chromium,
 * what .ci/run installs); else the Chromium build published on npm as @sparticuz/chromium
 * (a devDependency, self-contained down to its NSS libraries), so that `npm test` runs on a
 * machine that has nothing but Node and npm. WIREFEED_CHROMIUM=npm forces the last one.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** Which Chromium runs, for messages: "/usr/bin/chromium (Debian)" and so on. */
  readonly description: string;
}

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

async function findChromium(): Promise<{ path: string; description: string }> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return { path: configured, description: `${configured} (CHROMIUM_PATH)` };
  }
  if (process.env.WIREFEED_CHROMIUM !== 'npm' && existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, description: `${DEBIAN_CHROMIUM} (Debian)` };
  // @sparticuz/chromium unpacks its libraries only when it believes it runs on Amazon Linux
  // 2023, and reads that from the environment when it is first imported.
  process.env.AWS_LAMBDA_JS_RUNTIME ??= 'nodejs20.x';
  const { default: packaged } = await import('@sparticuz/chromium');
  return { path: await packaged.executablePath(), description: '@sparticuz/chromium (npm)' };
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const { path, description } = await findChromium();
  const browser = await chromium.launch({
    executablePath: path,
    // No sandbox: CI containers run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run', '--font-render-hinting=none'],
  });
  return { browser, description };
}

/** A neutral 1200x675 picture served in place of every image from another origin. */
export const PLACEHOLDER_IMAGE = {
  contentType: 'image/svg+xml',
  body: '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675"><rect width="1200" height="675" fill="#8a9bb0"/><circle cx="600" cy="300" r="120" fill="#c4ccd6"/><rect x="0" y="480" width="1200" height="195" fill="#6f8196"/></svg>',
};
