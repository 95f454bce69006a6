import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';
import { waitFor } from '../support/waitFor.ts';
import { axeCheck, closeInOrder, type Site, scheduleNow, signInAsStaff, startSite } from './support.ts';

/**
 * The campaign form in Chromium: an editor writes the message in MJML,
 * watches it at mobile width, picks the contract and the rate, schedules it,
 * and the members get it through the local SES endpoint. Every page gets an
 * axe check; SCREENSHOTS=1 saves docs/screenshots/campaign-form-mjml.png.
 */
let ses: LocalSes;
let site: Site;

const MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="18px">Dear {{name}},</mj-text>
        <mj-text>The annual assembly meets on 12 April in Reston.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

beforeAll(async () => {
  ses = await startLocalSes();
  site = await startSite({ sesEndpoint: ses.endpoint, workers: true, staff: ['editor'] });
  await addMembers(site.t.database.db, [
    member('ada@form.example', ['events'], { name: 'Ada Lovelace', country: 'GB' }),
    member('henri@form.example', ['events'], { name: 'Henri Poincaré', country: 'FR', language: 'fr' }),
    member('news-only@form.example', ['society-news'], { country: 'GB' }),
  ]);
});

afterAll(() => closeInOrder(site, ses));

const signIn = (options: { javaScriptEnabled?: boolean } = {}) => signInAsStaff(site, 'editor', options);

/**
 * The text a preview frame shows, once the frame itself shows on the page.
 * innerText leaves out whatever the message's own styles hide. (Playwright's
 * visibility check does not settle inside a sandboxed srcdoc frame.)
 */
async function shown(page: Page, width: 'mobile' | 'desktop', text: string) {
  const frame = page.locator(`iframe[title="Preview at ${width} width"]`);
  await frame.waitFor({ state: 'visible' });
  await frame.scrollIntoViewIfNeeded();
  await expect
    // biome-ignore lint/performance/useDomNodeTextContent: rendered text is the point, hidden text must not count
    .poll(() => frame.contentFrame().locator('body').innerText(), { timeout: 10_000 })
    .toContain(text);
  return frame.contentFrame();
}

describe('the campaign form in a browser', () => {
  it('an editor writes MJML, sees it at mobile width, picks contract and rate, schedules it; it arrives', async () => {
    const page = await signIn();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel(/^Name/).fill('Assembly notice');
    await page.getByLabel('Topic').selectOption({ label: 'Events' });
    await page.getByLabel(/^Subject/).fill('The assembly, {{first_name}}');
    await page.getByLabel('MJML written here').check();
    // Only the chosen source shows; the template list steps aside.
    await expect.poll(() => page.getByLabel('Template', { exact: true }).isVisible()).toBe(false);

    // A mistake first: the live preview says what is wrong, in words, with the line.
    await page.getByLabel(/^MJML \(/).fill('<mjml><mj-body><mj-text>Hi</mj-text></mj-body></mjml>');
    await expect
      .poll(() => page.locator('[data-preview-status]').textContent(), { timeout: 10_000 })
      .toContain('The preview cannot be shown: line 1: mj-text cannot be used inside mj-body');

    await page.getByLabel(/^MJML \(/).fill(MJML);
    await shown(page, 'mobile', 'Dear Ada Lovelace,');
    await shown(page, 'mobile', 'The annual assembly meets on 12 April');
    // The footer is added to every message, whatever the MJML says.
    const mobile = await shown(page, 'mobile', 'Unsubscribe from events in one click');
    const width = await mobile
      .locator('body')
      .evaluate((body) => body.ownerDocument.documentElement.clientWidth);
    expect(width).toBeGreaterThan(300);
    expect(width).toBeLessThanOrEqual(380);
    expect(await page.locator('[data-preview-subject]').textContent()).toBe('The assembly, Ada');

    await page.getByLabel(/^Language of the translation/).fill('fr');
    await page.getByLabel('Translated subject').fill('L’assemblée, {{first_name}}');

    // The contract list follows the channel: only email contracts in force can be picked for email.
    const contract = page.getByLabel(/^Subcontractor contract/);
    expect(await contract.locator('option[data-service="email"]').count()).toBe(1);
    await contract.selectOption(
      (await contract.locator('option', { hasText: 'SES-DEFAULT — Amazon SES' }).getAttribute('value'))!,
    );
    await page.getByLabel(/^Send rate/).fill('50');
    await page.getByLabel(/^Countries/).fill('GB, FR');
    await expect
      .poll(() => page.locator('#audience-count').textContent())
      .toContain('2 members would receive it now.');
    await shown(page, 'desktop', 'Dear Ada Lovelace,');
    await shown(page, 'mobile', 'Dear Ada Lovelace,');
    await axeCheck(page, 'campaign form with MJML', { screenshot: 'campaign-form-mjml' });

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('The draft is saved.').waitFor();
    await shown(page, 'mobile', 'Dear Ada Lovelace,');
    const [row] = await site.t.database.sql`
      select template, mjml, rate_limit, contract_id is not null as has_contract, variants
        from campaigns where name = 'Assembly notice'`;
    expect(row).toEqual({
      template: null,
      mjml: MJML,
      rate_limit: 50,
      has_contract: true,
      variants: { fr: { subject: 'L’assemblée, {{first_name}}' } },
    });
    await axeCheck(page, 'campaign edit with MJML', { screenshot: false });

    await page.getByRole('link', { name: 'Back to the campaign' }).click();
    await page.getByText('at most 50 messages per second').waitFor();
    await page.getByText('SES-DEFAULT (Amazon SES)').waitFor();
    await axeCheck(page, 'campaign with MJML', { screenshot: false });
    await scheduleNow(page);

    const delivered = await waitFor(
      async () => {
        const mail = (await ses.store()).filter((m) => m.destination.to[0]!.endsWith('@form.example'));
        return mail.length === 2 ? mail : null;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'both messages in the SES store' },
    );
    const to = (address: string) => delivered.find((m) => m.destination.to[0] === address)!;
    expect(to('ada@form.example').subject).toBe('The assembly, Ada');
    expect(to('ada@form.example').body.html).toContain('The annual assembly meets on 12 April in Reston.');
    expect(to('henri@form.example').subject).toBe('L’assemblée, Henri');
    await page.locator('[data-campaign-state]', { hasText: 'completed' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-progress-text]').textContent()).toContain('2 of 2 sent');
    await axeCheck(page, 'completed campaign with MJML', { screenshot: false });
    await page.context().close();
  }, 90_000);

  it('without JavaScript, the Preview button shows the unsaved MJML at both widths', async () => {
    const page = await signIn({ javaScriptEnabled: false });
    await page.goto(`${site.base}/console/campaigns/new`);
    await page.getByLabel(/^Name/).fill('No script');
    await page.getByLabel(/^Subject/).fill('Plain news');
    await page.getByLabel('MJML written here').check();
    await page.getByLabel(/^MJML \(/).fill(MJML.replace('12 April', '3 May'));
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await shown(page, 'mobile', 'The annual assembly meets on 3 May');
    await shown(page, 'desktop', 'The annual assembly meets on 3 May');
    expect(await page.getByLabel(/^MJML \(/).inputValue()).toContain('3 May');
    const [{ n }] = (await site.t.database.sql`
      select count(*)::int as n from campaigns where name = 'No script'`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    // No axe here: it runs as a script, which this context refuses. The same page passed it above.
    await page.context().close();
  }, 60_000);
});
