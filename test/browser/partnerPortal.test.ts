import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStaffPassword } from '../../src/console/setPassword.ts';
import { newPartner } from '../partners/support.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { freePort } from '../support/freePort.ts';
import { addMembers, member } from '../support/members.ts';
import { repoRoot } from '../support/spawnNode.ts';

/**
 * The partner portal in Chromium against the app on a real port: an admin
 * adds a portal user in the console, the user sets a password through the
 * one-time link, signs in, submits an offer, follows its review and reads
 * its results. Every page gets an axe check (no serious or critical
 * violation); with SCREENSHOTS=1 each is saved to docs/screenshots/.
 */
let t: TestApp;
let server: Server;
let browser: Browser;
let base: string;
const STAFF_PASSWORD = 'correct horse battery staple';
const PARTNER_PASSWORD = 'a long partner passphrase';
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const screenshots = process.env.SCREENSHOTS === '1';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ env: { PUBLIC_URL: base } });
  await setStaffPassword(t.database.db, { email: 'admin@staff.example' }, STAFF_PASSWORD, 'test');
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

/** As if the offer's campaign had gone out: twelve members in France received it, eleven deliveries reported. */
async function recordResults(campaignId: number) {
  const ids = await addMembers(
    t.database.db,
    Array.from({ length: 12 }, (_, i) =>
      member(`reader${i}@portal.example`, ['partner-offers'], { country: 'FR', language: 'fr' }),
    ),
  );
  for (const [i, memberId] of ids.entries()) {
    const [r] = await t.database.sql`
      insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language, state, sent_at)
      values (${campaignId}, ${memberId}, ${`reader${i}@portal.example`}, ${randomBytes(32).toString('hex')}, 'fr', 'sent', now())
      returning id::int`;
    if (i < 11) {
      await t.database
        .sql`insert into campaign_events (campaign_id, recipient_id, type) values (${campaignId}, ${r!.id}, 'delivery')`;
    }
  }
}

describe('the partner portal in a browser', () => {
  it('an admin adds a portal user; the user sets a password, signs in, submits an offer, follows its review and reads its results', async () => {
    const partner = await newPartner(t, 'Portal Travel');

    // The admin adds the user in the console and copies the one-time link.
    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await admin.goto(`${base}/console/sign-in`);
    await admin.getByLabel('Email address').fill('admin@staff.example');
    await admin.getByLabel('Password').fill(STAFF_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    await admin.goto(`${base}/console/admin/partners`);
    await admin.getByRole('link', { name: 'Portal users of Portal Travel' }).click();
    await admin.getByRole('heading', { name: 'Portal users of Portal Travel', level: 1 }).waitFor();
    await admin.getByLabel('Name').fill('Paula Pilot');
    await admin.getByLabel('Email').fill('paula@travel.example');
    await admin.getByRole('button', { name: 'Add the user' }).click();
    await admin.getByText('Set-password link for Paula Pilot').waitFor();
    const link = (await admin.locator('.key').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${base}/partner/set-password\\?token=sml_`));
    await expect.poll(() => admin.getByRole('cell', { name: 'no password yet' }).count()).toBe(1);
    await check(admin, 'admin-partner-users');
    await admin.context().close();

    // The partner user follows the link and chooses a password.
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await check(page, 'partner-portal-set-password');
    await page.getByLabel('New password', { exact: true }).fill(PARTNER_PASSWORD);
    await page.getByLabel('New password again').fill(PARTNER_PASSWORD);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('Your password is set. Sign in with it.').waitFor();
    await check(page, 'partner-portal-sign-in');

    // A wrong password first: one answer, no session.
    await page.getByLabel('Email address').fill('paula@travel.example');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('That email address and password do not match.').waitFor();
    await page.getByLabel('Password').fill(PARTNER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your offers' }).waitFor();
    await page.getByText('Paula Pilot, Portal Travel').waitFor();
    await page.getByText('No offers yet.').waitFor();
    await check(page, 'partner-portal-offers');

    // The link was for one use only.
    const reuse = await (await browser.newContext()).newPage();
    await reuse.goto(link);
    await reuse.getByRole('heading', { name: 'This link can no longer be used' }).waitFor();
    await reuse.context().close();

    await page.getByRole('link', { name: 'Submit a new offer' }).click();
    await check(page, 'partner-portal-new-offer');
    const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    const to = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 16);
    await page.locator('#title').fill('Members fly for less');
    await page.locator('#subject').fill('A travel offer for members');
    await page.locator('#headline').fill('Fly for less');
    await page.locator('#body').fill('Members get **15%** off.');
    await page.locator('#ctaUrl').fill('https://travel.example/members');
    await page.locator('#windowFrom').fill(from);
    await page.locator('#windowTo').fill(to);
    await page.locator('#maxRecipients').fill('300');
    await page.locator('#countries').fill('FR');
    await page.getByRole('button', { name: /Submit/ }).click();
    await page.getByRole('heading', { name: 'Members fly for less' }).waitFor();
    await expect.poll(() => page.locator('p', { hasText: 'State:' }).textContent()).toContain('submitted');
    const [row] = await t.database.sql`
      select o.id::int, o.state, a.actor from offers o
        join audit_log a on a.target = 'offer:' || o.id and a.action = 'offer.submit'
       where o.title = 'Members fly for less' and o.partner_id = ${partner.id}`;
    expect(row!.state).toBe('submitted');
    expect(row!.actor).toMatch(/^partner-user:\d+$/);

    // Staff review it; the partner follows the review in the portal.
    const review = (body: object) => t.call('POST', `/api/offers/${row!.id}/review`, body, t.tokens.approver);
    expect((await review({ to: 'in-review' })).status).toBe(200);
    await page.reload();
    await expect.poll(() => page.locator('p', { hasText: 'State:' }).textContent()).toContain('in-review');
    expect((await review({ to: 'approved', note: 'Approved for the spring mailing.' })).status).toBe(200);
    await page.reload();
    await expect.poll(() => page.locator('p', { hasText: 'State:' }).textContent()).toContain('approved');
    await page.getByText('Reviewer’s note: Approved for the spring mailing.').waitFor();

    // It is scheduled and goes out; the partner reads aggregate results, never a member.
    const scheduled = await t.call('POST', `/api/offers/${row!.id}/schedule`, {}, t.tokens.approver);
    expect(scheduled.status, await scheduled.clone().text()).toBe(201);
    await recordResults((await json(scheduled)).campaignId);
    await page.getByRole('link', { name: 'All offers' }).click();
    await page.getByRole('link', { name: 'Members fly for less' }).click();
    await page.getByRole('heading', { name: 'Results' }).waitFor();
    const results = page.locator('table').first();
    await expect.poll(() => results.getByRole('row', { name: /^Sent/ }).textContent()).toBe('Sent12');
    await expect
      .poll(() => results.getByRole('row', { name: /^Delivered/ }).textContent())
      .toBe('Delivered11');
    await expect.poll(() => results.getByRole('row', { name: /^Bounced/ }).textContent()).toBe('Bounced<10');
    await expect.poll(() => page.getByRole('row', { name: /^FR/ }).textContent()).toBe('FR12');
    expect(await page.content()).not.toContain('reader0@portal.example');
    await check(page, 'partner-portal-offer');

    // Signing out ends the session: the portal asks to sign in again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.goto(`${base}/partner/offers`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.context().close();
  }, 120_000);
});
