import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcTestProvider, startOidcProvider } from '../support/oidcProvider.ts';
import { axeCheck, closeInOrder, freeBase, type Site, startSite } from './support.ts';

/**
 * Console single sign-on in Chromium: the sign-in page offers the provider,
 * the provider's own sign-in and consent pages are filled in as a person
 * would, and the browser comes back signed in. Console pages get an axe
 * check (no serious or critical violation).
 */
let idp: OidcTestProvider;
let site: Site;

beforeAll(async () => {
  const base = await freeBase();
  idp = await startOidcProvider({
    redirectUri: `${base}/console/sign-in/oidc/callback`,
    accounts: {
      'approver-at-idp': { email: 'approver@staff.example', email_verified: true },
      'someone-else': { email: 'someone@elsewhere.example', email_verified: true },
    },
  });
  site = await startSite({ base, env: { ...idp.env, OIDC_LABEL: 'Society login' } });
});

afterAll(() => closeInOrder(site, idp));

/** From the console's sign-in page, through the provider's pages, as `login`. */
async function signInWithProvider(page: Page, login: string) {
  await page.goto(`${site.base}/console/campaigns`);
  await page.getByRole('link', { name: 'Sign in with Society login' }).click();
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === site.base);
}

describe('console single sign-on in a browser', () => {
  it('an approver clicks "Sign in with Society login", signs in at the provider and lands on the campaigns', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${site.base}/console/sign-in`);
    await axeCheck(page, 'sign-in-sso');

    await signInWithProvider(page, 'approver-at-idp');
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/campaigns');
    await page.getByText('approver (approver)').waitFor();
    await axeCheck(page, 'campaigns-after-sso');
    await context.close();
  });

  it('someone the provider knows but the console does not is told so, and is not signed in', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await signInWithProvider(page, 'someone-else');
    await page.getByRole('alert').getByText('No enabled staff account has the email address').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/sign-in/oidc/callback');
    await axeCheck(page, 'sign-in-sso-refused');
    await page.goto(`${site.base}/console/campaigns`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await context.close();
  });
});
