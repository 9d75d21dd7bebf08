import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, which scripts/ensure-chromium.sh installs before `npm test`. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, and quiet on the network: without the background-networking
 * flags Chromium calls home at start (updates, sync, field trials), which
 * this machine's closed network refuses and a test must not depend on.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a profile of its own, removed on close, so that no run sees another's state. */
export async function launchChromium(viewport = { width: 1360, height: 900 }): Promise<Browser> {
  await access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: npm test installs it (scripts/ensure-chromium.sh); run that script, or npm test, first.`);
  });
  const profile = await mkdtemp(join(tmpdir(), 'ti-credits-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  readonly page: Page;
  /** Every request the page made, the document's own included, in order. */
  readonly requests: readonly string[];
  /** Console errors (a refused load shows here as a CSP violation), uncaught errors and dialogs (an injected alert). */
  readonly complaints: readonly string[];
}

/**
 * Opens an HTML file by its file:// URL and waits until its script has drawn
 * it (`<html data-ready>`). Any request for something other than that file
 * is recorded and refused, so a page that reaches out shows it in `requests`
 * and gets nothing back.
 */
export async function openFile(browser: Browser, path: string): Promise<OpenedPage> {
  const url = pathToFileURL(path).href;
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const complaints: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') complaints.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => complaints.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    complaints.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url);
  // A locator rather than waitForFunction: the page's policy forbids evaluating strings as script, and the tests keep that policy on.
  await page.locator('html[data-ready]').waitFor({ state: 'attached' });
  return { page, requests, complaints };
}
