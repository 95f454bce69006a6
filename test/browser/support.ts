import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { setStaffPassword } from '../../src/console/setPassword.ts';
import { registerWorkers } from '../../src/jobs/registerWorkers.ts';
import type { Role } from '../../src/staff/roles.ts';
import { PASSWORD } from '../console/support.ts';
import { createTestApp, type TestApp, type TestAppOptions } from '../support/app.ts';
import { freePort } from '../support/freePort.ts';
import { repoRoot } from '../support/spawnNode.ts';

/** The Chromium installed on the machine; nothing here ever downloads a browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Frames in the page's own process: full-page screenshots then show the sandboxed previews.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-site-isolation-trials',
      '--disable-features=IsolateOrigins,site-per-process',
    ],
  });
}

/** The origin the app will be served on: known before the app exists, so PUBLIC_URL can name it. */
export async function freeBase(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

export interface ServedApp {
  close(): Promise<void>;
}

/** Serves `app` on the loopback port of `base` until `close` is called. */
export async function serveApp(app: Pick<TestApp['app'], 'fetch'>, base: string): Promise<ServedApp> {
  const port = Number(new URL(base).port);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  return {
    async close() {
      // Keep-alive connections from the browser would hold `close` open forever.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Closes each in the order given, skipping what a failed start never opened. */
export async function closeInOrder(...things: Array<{ close(): Promise<unknown> } | undefined>) {
  for (const thing of things) await thing?.close();
}

/** Gives each role's seeded staff account (`<role>@staff.example`) the test password. */
export async function giveStaffPasswords(t: TestApp, roles: readonly Role[]) {
  for (const role of roles) {
    await setStaffPassword(t.database.db, { email: `${role}@staff.example` }, PASSWORD, 'test');
  }
}

/** The app served on a real port and a browser to visit it with. */
export interface Site {
  base: string;
  t: TestApp;
  browser: Browser;
  close(): Promise<void>;
}

export interface SiteOptions extends TestAppOptions {
  /** Where to serve; a free loopback port by default. Give one when something must know it first. */
  base?: string;
  /** Run the queue workers, so scheduled campaigns go out. */
  workers?: boolean;
  /** Roles whose staff accounts get the test password. */
  staff?: readonly Role[];
}

/** A fresh test app (PUBLIC_URL is its own address) served on a real port, and Chromium. */
export async function startSite(options: SiteOptions = {}): Promise<Site> {
  const { base = await freeBase(), workers, staff = [], ...appOptions } = options;
  const t = await createTestApp({ ...appOptions, env: { ...appOptions.env, PUBLIC_URL: base } });
  let served: ServedApp | undefined;
  try {
    if (workers) await registerWorkers(t.deps, { globalRate: 100 });
    await giveStaffPasswords(t, staff);
    served = await serveApp(t.app, base);
    const browser = await launchChromium();
    return { base, t, browser, close: () => closeInOrder(browser, served, t) };
  } catch (error) {
    await closeInOrder(served, t);
    throw error;
  }
}

/** A fresh context signed in to the console as the role's staff account, on the campaigns page. */
export async function signInAsStaff(
  site: Pick<Site, 'browser' | 'base'>,
  role: Role,
  contextOptions: BrowserContextOptions = {},
): Promise<Page> {
  const context = await site.browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...contextOptions,
  });
  const page = await context.newPage();
  await page.goto(`${site.base}/console`);
  await page.getByLabel('Email address').fill(`${role}@staff.example`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
  return page;
}

/** On a campaign's page: schedules it for midnight UTC today, a time already past, so it goes out at once. */
export async function scheduleNow(page: Page) {
  await page.getByLabel('Date').fill(new Date().toISOString().slice(0, 10));
  await page.getByLabel('Time', { exact: true }).fill('00:00');
  await page.getByLabel('Time zone').selectOption('UTC');
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.getByText('The campaign is scheduled.').waitFor();
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Axe's violations on the page as `rule: targets`, only those of the given impacts when some are named. */
export async function axeViolations(page: Page, impacts?: readonly string[]): Promise<string[]> {
  // Evaluated rather than added as a script tag: the pages' CSP rightly refuses inline scripts.
  await page.evaluate(await axeSource);
  return page.evaluate(async (only) => {
    const result = await (globalThis as any).axe.run();
    return result.violations
      .filter((v: any) => !only || only.includes(v.impact))
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  }, impacts);
}

/**
 * Fails on any serious or critical axe violation. With SCREENSHOTS=1 the
 * whole page is saved to docs/screenshots/<screenshot>.png (by default the
 * name; `false` for none).
 */
export async function axeCheck(page: Page, name: string, options: { screenshot?: string | false } = {}) {
  expect(await axeViolations(page, ['serious', 'critical']), `axe on ${name}`).toEqual([]);
  const screenshot = options.screenshot ?? name;
  if (process.env.SCREENSHOTS === '1' && screenshot) {
    // Chromium paints a frame below the fold only once it has been on screen for a frame or two.
    for (const frame of await page.locator('iframe').all()) {
      await frame.scrollIntoViewIfNeeded();
      await page.evaluate(
        () =>
          new Promise((painted) =>
            (globalThis as any).requestAnimationFrame(() =>
              (globalThis as any).requestAnimationFrame(painted),
            ),
          ),
      );
    }
    await page.screenshot({
      path: join(repoRoot, 'docs', 'screenshots', `${screenshot}.png`),
      fullPage: true,
    });
  }
}
