import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/staff/roles.ts';
import { newPartner, submit } from '../partners/support.ts';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';
import { waitFor } from '../support/waitFor.ts';
import { axeCheck, closeInOrder, type Site, scheduleNow, signInAsStaff, startSite } from './support.ts';

/**
 * The console's main journeys in Chromium against the app on a real port,
 * with the workers sending through the local SES endpoint. Every page visited
 * gets an axe check (no serious or critical violation). With SCREENSHOTS=1,
 * each main page is also saved to docs/screenshots/.
 */
let ses: LocalSes;
let site: Site;

beforeAll(async () => {
  ses = await startLocalSes();
  site = await startSite({
    sesEndpoint: ses.endpoint,
    workers: true,
    staff: ['editor', 'approver', 'admin'],
  });
});

afterAll(() => closeInOrder(site, ses));

const signIn = (role: Role) => signInAsStaff(site, role);

describe('the staff console in a browser', () => {
  it('an editor signs in, drafts a campaign, sends a test and schedules it; it arrives in the SES store', async () => {
    await addMembers(site.t.database.db, [
      member('ada@browser.example', ['society-news'], { name: 'Ada Lovelace', country: 'GB' }),
      member('henri@browser.example', ['society-news'], { name: 'Henri Poincaré', country: 'FR' }),
      member('nobody@browser.example', [], { country: 'GB' }),
    ]);
    const signInPage = await (await site.browser.newContext()).newPage();
    await signInPage.goto(`${site.base}/console/sign-in`);
    await axeCheck(signInPage, 'sign-in');
    await signInPage.context().close();

    const page = await signIn('editor');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel(/^Name/).fill('Browser newsletter');
    await page.getByLabel(/^Subject/).fill('News for {{first_name}}');
    await page.getByLabel(/^Countries/).fill('GB, FR');
    await expect
      .poll(() => page.locator('#audience-count').textContent())
      .toContain('2 members would receive it now.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('The draft is saved.').waitFor();
    await page
      .frameLocator('iframe[title="Preview at mobile width"]')
      .getByText('Dear Ada Lovelace')
      .waitFor();
    await axeCheck(page, 'campaign-edit');

    await page.getByRole('link', { name: 'Back to the campaign' }).click();
    await page.getByRole('button', { name: 'Send me a test' }).click();
    await page.getByText('The test message is on its way').waitFor();
    await waitFor(async () => (await ses.store()).find((m) => m.subject.startsWith('[TEST]')), {
      message: 'the test message',
    });

    await scheduleNow(page);
    const delivered = await waitFor(
      async () => {
        const mail = (await ses.store()).filter((m) => m.destination.to[0]!.endsWith('@browser.example'));
        return mail.filter((m) => !m.subject.startsWith('[TEST]')).length === 2 ? mail : null;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'both messages in the SES store' },
    );
    expect(delivered.map((m) => m.subject).sort()).toEqual(
      expect.arrayContaining(['News for Ada', 'News for Henri']),
    );
    // The progress bar follows the send; the page reloads itself when it is over.
    await page.locator('[data-campaign-state]', { hasText: 'completed' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-progress-text]').textContent()).toContain('2 of 2 sent');
    await axeCheck(page, 'campaign');

    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await axeCheck(page, 'campaigns');
    await page.context().close();
  });

  it('an editor records a phone opt-out and sees it in the member’s history', async () => {
    const page = await signIn('editor');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByLabel(/^Email address or membership number/).fill('henri@browser');
    await page.getByRole('button', { name: 'Search' }).click();
    await axeCheck(page, 'members');
    await page.getByRole('link', { name: 'henri@browser.example' }).click();
    await page.getByLabel('by phone').check();
    await page.getByLabel('Society news by email').selectOption('out');
    await page.getByLabel(/^Note/).fill('Phoned to stop the newsletter');
    await page.getByRole('button', { name: 'Record the request' }).click();
    await page.getByText('The request is recorded.').waitFor();
    const row = page.locator('table[aria-labelledby="history-heading"] tbody tr').first();
    expect(await row.textContent()).toContain('staff-phone');
    expect(await row.textContent()).toContain('Phoned to stop the newsletter');
    await axeCheck(page, 'member');
    await page.context().close();
  });

  it('an approver approves an offer with a note', async () => {
    const partner = await newPartner(site.t, 'Browser Books');
    const offerId = await submit(site.t, partner.key, { imageUrl: undefined });
    const page = await signIn('approver');
    await page.getByRole('link', { name: 'Offers' }).click();
    await axeCheck(page, 'offers');
    await page.getByRole('link', { name: 'Spring books sale' }).click();
    await page.getByRole('button', { name: 'Start the review' }).click();
    await page.getByLabel('Approve').check();
    await page.getByLabel(/^Note to the partner/).fill('Approved for the spring mailing');
    await axeCheck(page, 'offer-review');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.getByText('The review decision is recorded.').waitFor();
    const [row] = await site.t.database.sql`select state, review_note from offers where id = ${offerId}`;
    expect(row).toEqual({ state: 'approved', review_note: 'Approved for the spring mailing' });
    await page.context().close();
  });

  it('an admin’s pages pass axe', async () => {
    const page = await signIn('admin');
    for (const [link, name] of [
      ['Partners and keys', 'admin-partners'],
      ['Contracts and disclosures', 'admin-contracts'],
      ['Audit log', 'admin-audit'],
      ['Queue health', 'admin-queues'],
    ] as const) {
      await page.goto(`${site.base}/console/admin`);
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: link.replace(' and keys', ' and keys'), level: 1 }).waitFor();
      await axeCheck(page, name);
    }
    await page.context().close();
  });

  it('the first-sign-in, not-allowed and not-found pages pass axe and say what happened', async () => {
    const first = await (await site.browser.newContext()).newPage();
    await first.goto(`${site.base}/console/first-sign-in`);
    await first.getByRole('heading', { name: 'Set your password', level: 1 }).waitFor();
    await axeCheck(first, 'first-sign-in');
    await first.context().close();

    const page = await signIn('editor');
    const forbidden = await page.goto(`${site.base}/console/admin/staff`);
    expect(forbidden?.status()).toBe(403);
    await page.getByText('This page needs the admin role').waitFor();
    await axeCheck(page, 'forbidden');
    const missing = await page.goto(`${site.base}/console/campaigns/999999`);
    expect(missing?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Not found', level: 1 }).waitFor();
    await axeCheck(page, 'not-found');
    await page.context().close();
  });
});
