import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPartner } from '../partners/support.ts';
import { json } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { axeCheck, type Site, signInAsStaff, startSite } from './support.ts';

/**
 * The partner portal in Chromium against the app on a real port: an admin
 * adds a portal user in the console, the user sets a password through the
 * one-time link, signs in, submits an offer, follows its review and reads
 * its results. Every page gets an axe check (no serious or critical
 * violation); with SCREENSHOTS=1 each is saved to docs/screenshots/.
 */
let site: Site;
const PARTNER_PASSWORD = 'a long partner passphrase';

beforeAll(async () => {
  site = await startSite({ staff: ['admin'] });
});

afterAll(() => site?.close());

/** As if the offer's campaign had gone out: twelve members in France received it, eleven deliveries reported. */
async function recordResults(campaignId: number) {
  const ids = await addMembers(
    site.t.database.db,
    Array.from({ length: 12 }, (_, i) =>
      member(`reader${i}@portal.example`, ['partner-offers'], { country: 'FR', language: 'fr' }),
    ),
  );
  for (const [i, memberId] of ids.entries()) {
    const [r] = await site.t.database.sql`
      insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language, state, sent_at)
      values (${campaignId}, ${memberId}, ${`reader${i}@portal.example`}, ${randomBytes(32).toString('hex')}, 'fr', 'sent', now())
      returning id::int`;
    if (i < 11) {
      await site.t.database
        .sql`insert into campaign_events (campaign_id, recipient_id, type) values (${campaignId}, ${r!.id}, 'delivery')`;
    }
  }
}

describe('the partner portal in a browser', () => {
  it('an admin adds a portal user; the user sets a password, signs in, submits an offer, follows its review and reads its results', async () => {
    const partner = await newPartner(site.t, 'Portal Travel');

    // The admin adds the user in the console and copies the one-time link.
    const admin = await signInAsStaff(site, 'admin');
    await admin.goto(`${site.base}/console/admin/partners`);
    await admin.getByRole('link', { name: 'Portal users of Portal Travel' }).click();
    await admin.getByRole('heading', { name: 'Portal users of Portal Travel', level: 1 }).waitFor();
    await admin.getByLabel('Name').fill('Paula Pilot');
    await admin.getByLabel('Email').fill('paula@travel.example');
    await admin.getByRole('button', { name: 'Add the user' }).click();
    await admin.getByText('Set-password link for Paula Pilot').waitFor();
    const link = (await admin.locator('.key').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${site.base}/partner/set-password\\?token=sml_`));
    await expect.poll(() => admin.getByRole('cell', { name: 'no password yet' }).count()).toBe(1);
    await axeCheck(admin, 'admin-partner-users');
    await admin.context().close();

    // The partner user follows the link and chooses a password.
    const page = await (await site.browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await axeCheck(page, 'partner-portal-set-password');
    await page.getByLabel('New password', { exact: true }).fill(PARTNER_PASSWORD);
    await page.getByLabel('New password again').fill(PARTNER_PASSWORD);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('Your password is set. Sign in with it.').waitFor();
    await axeCheck(page, 'partner-portal-sign-in');

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
    await axeCheck(page, 'partner-portal-offers');

    // The link was for one use only.
    const reuse = await (await site.browser.newContext()).newPage();
    await reuse.goto(link);
    await reuse.getByRole('heading', { name: 'This link can no longer be used' }).waitFor();
    await reuse.context().close();

    await page.getByRole('link', { name: 'Submit a new offer' }).click();
    await axeCheck(page, 'partner-portal-new-offer');
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
    const [row] = await site.t.database.sql`
      select o.id::int, o.state, a.actor from offers o
        join audit_log a on a.target = 'offer:' || o.id and a.action = 'offer.submit'
       where o.title = 'Members fly for less' and o.partner_id = ${partner.id}`;
    expect(row!.state).toBe('submitted');
    expect(row!.actor).toMatch(/^partner-user:\d+$/);

    // Staff review it; the partner follows the review in the portal.
    const review = (body: object) =>
      site.t.call('POST', `/api/offers/${row!.id}/review`, body, site.t.tokens.approver);
    expect((await review({ to: 'in-review' })).status).toBe(200);
    await page.reload();
    await expect.poll(() => page.locator('p', { hasText: 'State:' }).textContent()).toContain('in-review');
    expect((await review({ to: 'approved', note: 'Approved for the spring mailing.' })).status).toBe(200);
    await page.reload();
    await expect.poll(() => page.locator('p', { hasText: 'State:' }).textContent()).toContain('approved');
    await page.getByText('Reviewer’s note: Approved for the spring mailing.').waitFor();

    // It is scheduled and goes out; the partner reads aggregate results, never a member.
    const scheduled = await site.t.call(
      'POST',
      `/api/offers/${row!.id}/schedule`,
      {},
      site.t.tokens.approver,
    );
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
    await axeCheck(page, 'partner-portal-offer');

    // Signing out ends the session: the portal asks to sign in again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.goto(`${site.base}/partner/offers`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.context().close();
  }, 120_000);
});
