import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { freePort } from '../support/freePort.ts';
import { type OidcTestProvider, startOidcProvider } from '../support/oidcProvider.ts';
import { repoRoot } from '../support/spawnNode.ts';

/**
 * Console single sign-on in Chromium: the sign-in page offers the provider,
 * the provider's own sign-in and consent pages are filled in as a person
 * would, and the browser comes back signed in. Console pages get an axe
 * check (no serious or critical violation).
 */
let idp: OidcTestProvider;
let t: TestApp;
let server: Server;
let browser: Browser;
let base: string;
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = process.env.SCREENSHOTS === '1';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider({
    redirectUri: `${base}/console/sign-in/oidc/callback`,
    accounts: {
      'approver-at-idp': { email: 'approver@staff.example', email_verified: true },
      'someone-else': { email: 'someone@elsewhere.example', email_verified: true },
    },
  });
  t = await createTestApp({ env: { ...idp.env, PUBLIC_URL: base, OIDC_LABEL: 'Society login' } });
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await t?.close();
  await idp?.close();
});

async function check(page: Page, name: string) {
  // Evaluated rather than added as a script tag: the pages' CSP rightly refuses inline scripts.
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run();
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
  if (screenshots) {
    await page.screenshot({ path: join(repoRoot, 'docs', 'screenshots', `${name}.png`), fullPage: true });
  }
}

/** From the console's sign-in page, through the provider's pages, as `login`. */
async function signInWithProvider(page: Page, login: string) {
  await page.goto(`${base}/console/campaigns`);
  await page.getByRole('link', { name: 'Sign in with Society login' }).click();
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === base);
}

describe('console single sign-on in a browser', () => {
  it('an approver clicks "Sign in with Society login", signs in at the provider and lands on the campaigns', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/console/sign-in`);
    await check(page, 'sign-in-sso');

    await signInWithProvider(page, 'approver-at-idp');
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/campaigns');
    await page.getByText('approver (approver)').waitFor();
    await check(page, 'campaigns-after-sso');
    await context.close();
  });

  it('someone the provider knows but the console does not is told so, and is not signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithProvider(page, 'someone-else');
    await page.getByRole('alert').getByText('No enabled staff account has the email address').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/sign-in/oidc/callback');
    await check(page, 'sign-in-sso-refused');
    await page.goto(`${base}/console/campaigns`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await context.close();
  });
});
