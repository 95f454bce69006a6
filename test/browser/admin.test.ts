import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStaffPassword } from '../../src/console/setPassword.ts';
import { disclosures } from '../../src/db/schema.ts';
import { addCampaign, addContract, addSubcontractor } from '../subcontractors/fixtures.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { freePort } from '../support/freePort.ts';
import { repoRoot } from '../support/spawnNode.ts';

/**
 * The administration journeys in Chromium: an admin adds a colleague, who
 * sets a password with the one-time link and signs in with the role given;
 * the admin records a subcontractor, a contract, a postal seed and a
 * deletion confirmation. Every page gets an axe check; SCREENSHOTS=1 saves
 * them to docs/screenshots/.
 */
let t: TestApp;
let server: Server;
let browser: Browser;
let base: string;
const PASSWORD = 'correct horse battery staple';
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = process.env.SCREENSHOTS === '1';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ env: { PUBLIC_URL: base } });
  await setStaffPassword(t.database.db, { email: 'admin@staff.example' }, PASSWORD, 'test');
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
});

/** Fails on any serious or critical axe violation; saves a screenshot when asked. */
async function check(page: Page, name: string) {
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

async function signIn(email: string) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${base}/console/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
  return page;
}

async function adminPage(page: Page, link: string, heading = link) {
  await page.goto(`${base}/console/admin`);
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

describe('administration in a browser', () => {
  it('an admin adds a staff member; they set a password with the link and sign in with the role given', async () => {
    const page = await signIn('admin@staff.example');
    await page.goto(`${base}/console/admin`);
    await check(page, 'admin-home');
    await adminPage(page, 'Staff');
    await check(page, 'admin-staff');
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel('Email', { exact: true }).fill('grace@staff.example');
    await page.getByLabel('Role', { exact: true }).selectOption('approver');
    await page.getByRole('button', { name: 'Add the staff member' }).click();
    const link = (await page.locator('.key').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${base}/console/password-link/sml_`));
    await expect.poll(() => page.getByRole('cell', { name: 'Grace Hopper' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await check(page, 'admin-staff-detail');
    await page.context().close();

    const newcomer = await (await browser.newContext()).newPage();
    newcomer.setDefaultTimeout(10_000);
    await newcomer.goto(link);
    await newcomer.getByRole('heading', { name: 'Set your password' }).waitFor();
    await check(newcomer, 'password-link');
    await newcomer.getByLabel('New password').fill(PASSWORD);
    await newcomer.getByLabel('The same password again').fill(PASSWORD);
    await newcomer.getByRole('button', { name: 'Set my password' }).click();
    await newcomer.getByText('Your password is set').waitFor();
    await newcomer.getByLabel('Email address').fill('grace@staff.example');
    await newcomer.getByLabel('Password').fill(PASSWORD);
    await newcomer.getByRole('button', { name: 'Sign in' }).click();
    await newcomer.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(await newcomer.locator('header .who').textContent()).toContain('Grace Hopper (approver)');
    await newcomer.goto(link);
    await newcomer.getByRole('heading', { name: 'This link no longer works' }).waitFor();
    await newcomer.context().close();
  }, 120_000);

  it('an admin records a subcontractor, a contract, a postal seed and a deletion confirmation', async () => {
    const page = await signIn('admin@staff.example');
    await adminPage(page, 'Contracts and disclosures');
    await page.getByLabel('Name', { exact: true }).fill('Northern Print');
    await page.getByLabel('Service').selectOption('postal');
    await page.getByRole('button', { name: 'Register the subcontractor' }).click();
    await page.getByText('The subcontractor is registered.').waitFor();

    await page
      .getByLabel('Subcontractor', { exact: true })
      .selectOption({ label: 'Northern Print (postal)' });
    await page.getByLabel('Reference').fill('NP-2031');
    await page.getByLabel('postalAddress').check();
    await page.getByLabel('name', { exact: true }).check();
    await page.getByLabel('email', { exact: true }).uncheck();
    await page.getByLabel('Valid from').fill('2031-01-01');
    await page.getByLabel('Valid to').fill('2030-01-01');
    await page.getByRole('button', { name: 'Record the contract' }).click();
    await page.getByText('validTo must not be before validFrom').first().waitFor();
    await check(page, 'admin-contract-error');
    await page.getByLabel('Valid to').fill('2031-12-31');
    await page.getByRole('button', { name: 'Record the contract' }).click();
    await page.getByText('The contract is recorded.').waitFor();
    await expect.poll(() => page.getByRole('cell', { name: 'NP-2031', exact: true }).count()).toBe(1);
    await check(page, 'admin-contracts');

    await adminPage(page, 'Seeds');
    await page.getByLabel('Name on the envelope').fill('Mrs Decoy');
    await page.getByLabel('Address line 1').fill('7 Quiet Lane');
    await page.getByLabel('City', { exact: true }).fill('Leeds');
    await page.getByLabel('Country').fill('GB');
    await page.getByRole('button', { name: 'Add the seed' }).click();
    await page.getByText('The postal seed is added').waitFor();
    await expect.poll(() => page.getByRole('cell', { name: '7 Quiet Lane, Leeds, GB' }).count()).toBe(1);
    await check(page, 'admin-seeds');

    const db = t.database.db;
    const sub = await addSubcontractor(db, 'email');
    const contractId = await addContract(db, sub);
    const campaignId = await addCampaign(db, { contractId });
    await db.insert(disclosures).values({
      reference: 'D-BROWSER',
      subcontractorId: sub,
      contractId,
      campaignId,
      fields: ['email'],
      recipientCount: 3,
      seedIds: [],
      deleteBy: new Date(Date.now() - 3_600_000),
    });
    await adminPage(page, 'Deletion confirmations');
    await page.getByText('overdue since').waitFor();
    await check(page, 'admin-disclosures');
    await page.getByLabel('Note').fill('written confirmation received');
    await page.getByRole('button', { name: 'Record deletion of D-BROWSER as confirmed' }).click();
    await page.getByText('The deletion is recorded as confirmed.').waitFor();
    expect(await page.getByText('D-BROWSER').count()).toBe(0);
    const [row] = await t.database
      .sql`select deletion_confirmed_at from disclosures where reference = 'D-BROWSER'`;
    expect(row!.deletion_confirmed_at).not.toBeNull();
    await page.context().close();
  }, 120_000);
});
