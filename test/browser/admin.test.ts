import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosures } from '../../src/db/schema.ts';
import { PASSWORD } from '../console/support.ts';
import { addCampaign, addContract, addSubcontractor } from '../subcontractors/fixtures.ts';
import { axeCheck, type Site, signInAsStaff, startSite } from './support.ts';

/**
 * The administration journeys in Chromium: an admin adds a colleague, who
 * sets a password with the one-time link and signs in with the role given;
 * the admin records a subcontractor, a contract, a postal seed and a
 * deletion confirmation. Every page gets an axe check; SCREENSHOTS=1 saves
 * them to docs/screenshots/.
 */
let site: Site;

beforeAll(async () => {
  site = await startSite({ staff: ['admin'] });
});

afterAll(() => site?.close());

async function signInAsAdmin() {
  const page = await signInAsStaff(site, 'admin');
  page.setDefaultTimeout(10_000);
  return page;
}

async function adminPage(page: Page, link: string, heading = link) {
  await page.goto(`${site.base}/console/admin`);
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

describe('administration in a browser', () => {
  it('an admin adds a staff member; they set a password with the link and sign in with the role given', async () => {
    const page = await signInAsAdmin();
    await page.goto(`${site.base}/console/admin`);
    await axeCheck(page, 'admin-home');
    await adminPage(page, 'Staff');
    await axeCheck(page, 'admin-staff');
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel('Email', { exact: true }).fill('grace@staff.example');
    await page.getByLabel('Role', { exact: true }).selectOption('approver');
    await page.getByRole('button', { name: 'Add the staff member' }).click();
    const link = (await page.locator('.key').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${site.base}/console/password-link/sml_`));
    await expect.poll(() => page.getByRole('cell', { name: 'Grace Hopper' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await axeCheck(page, 'admin-staff-detail');
    await page.context().close();

    const newcomer = await (await site.browser.newContext()).newPage();
    newcomer.setDefaultTimeout(10_000);
    await newcomer.goto(link);
    await newcomer.getByRole('heading', { name: 'Set your password' }).waitFor();
    await axeCheck(newcomer, 'password-link');
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
    const page = await signInAsAdmin();
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
    await axeCheck(page, 'admin-contract-error');
    await page.getByLabel('Valid to').fill('2031-12-31');
    await page.getByRole('button', { name: 'Record the contract' }).click();
    await page.getByText('The contract is recorded.').waitFor();
    await expect.poll(() => page.getByRole('cell', { name: 'NP-2031', exact: true }).count()).toBe(1);
    await axeCheck(page, 'admin-contracts');

    await adminPage(page, 'Seeds');
    await page.getByLabel('Name on the envelope').fill('Mrs Decoy');
    await page.getByLabel('Address line 1').fill('7 Quiet Lane');
    await page.getByLabel('City', { exact: true }).fill('Leeds');
    await page.getByLabel('Country').fill('GB');
    await page.getByRole('button', { name: 'Add the seed' }).click();
    await page.getByText('The postal seed is added').waitFor();
    await expect.poll(() => page.getByRole('cell', { name: '7 Quiet Lane, Leeds, GB' }).count()).toBe(1);
    await axeCheck(page, 'admin-seeds');

    const db = site.t.database.db;
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
    await axeCheck(page, 'admin-disclosures');
    await page.getByLabel('Note').fill('written confirmation received');
    await page.getByRole('button', { name: 'Record deletion of D-BROWSER as confirmed' }).click();
    await page.getByText('The deletion is recorded as confirmed.').waitFor();
    expect(await page.getByText('D-BROWSER').count()).toBe(0);
    const [row] = await site.t.database
      .sql`select deletion_confirmed_at from disclosures where reference = 'D-BROWSER'`;
    expect(row!.deletion_confirmed_at).not.toBeNull();
    await page.context().close();
  }, 120_000);
});
