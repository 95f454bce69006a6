import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesAdapter } from '../../src/subcontractors/sesAdapter.ts';
import { recipientLinks } from '../../src/unsubscribe/links.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';
import { waitFor } from '../support/waitFor.ts';
import { ledgerOf, seedCampaign } from '../unsubscribe/fixtures.ts';
import { axeViolations, closeInOrder, type Site, startSite } from './support.ts';

/**
 * A member's whole path in a real browser: the message goes out through the
 * SES adapter to the local SES endpoint, its unsubscribe link is read back
 * from the SES store, and Chromium opens it against the app on a real port.
 */
let ses: LocalSes;
let site: Site;

beforeAll(async () => {
  ses = await startLocalSes();
  site = await startSite();
});

afterAll(() => closeInOrder(site, ses));

describe('unsubscribing in a browser', () => {
  it('from the link in a delivered message: confirm, unsubscribe, then change a topic in the preference centre', async () => {
    const { campaignId, topic, recipients } = await seedCampaign(site.t, { members: [{ language: 'en' }] });
    const r = recipients[0]!;
    const links = recipientLinks(
      { publicUrl: site.base, mailDomain: site.t.deps.config.MAIL_DOMAIN, keys: site.t.deps.linkKeys },
      { recipientToken: r.token, topic, campaignId, issuedAt: Math.floor(Date.now() / 1000) },
    );
    const sent = await createSesAdapter({ client: ses.client, configurationSet: 'society-mailer' }).send({
      to: r.email,
      from: 'The Society <news@mail.society.example>',
      subject: 'Society news, March',
      html: `<p>News.</p><p><a href="${links.unsubscribeUrl}">Unsubscribe</a> · <a href="${links.preferencesUrl}">Preferences</a></p>`,
      text: `News.\nUnsubscribe: ${links.unsubscribeUrl}\n`,
      headers: [
        { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>, <${links.mailto}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ],
      tags: [{ name: 'campaign', value: String(campaignId) }],
    });
    expect(sent.type).toBe('sent');

    const message = await waitFor(
      async () => (await ses.store()).find((m) => m.destination.to.includes(r.email)),
      {
        message: 'the message in the SES store',
      },
    );
    const href = message.body.html?.match(/href="([^"]+\/u\/[^"]+)"/)?.[1];
    expect(href).toBe(links.unsubscribeUrl);

    const page = await site.browser.newPage();
    try {
      await page.goto(href!);
      await expect.poll(() => page.title()).toContain('Unsubscribe from Society news?');
      // Opening the link changed nothing.
      expect(await ledgerOf(site.t, r.memberId)).toEqual([]);
      // Stricter than axeCheck: no violation of any impact.
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.getByRole('heading', { name: 'You are unsubscribed from Society news' }).waitFor();
      expect(await ledgerOf(site.t, r.memberId)).toEqual([
        expect.objectContaining({
          topic: 'society-news',
          channel: 'email',
          granted: false,
          source: 'unsubscribe-link',
        }),
      ]);

      await page.getByRole('link', { name: 'Manage my preferences' }).click();
      await page.getByRole('heading', { name: 'Your mailing preferences' }).waitFor();
      const internetIssuesByEmail = page.getByRole('checkbox', { name: 'Receive Internet issues by email' });
      expect(await internetIssuesByEmail.isChecked()).toBe(false);
      expect(await page.getByRole('checkbox', { name: 'Receive Society news by email' }).isChecked()).toBe(
        false,
      );
      expect(await axeViolations(page)).toEqual([]);

      await internetIssuesByEmail.check();
      await page.getByRole('button', { name: 'Save my preferences' }).click();
      await page.getByText('Your preferences are saved.').waitFor();
      expect(await page.getByRole('checkbox', { name: 'Receive Internet issues by email' }).isChecked()).toBe(
        true,
      );
    } finally {
      await page.close();
    }

    expect(await ledgerOf(site.t, r.memberId)).toEqual([
      expect.objectContaining({
        topic: 'society-news',
        channel: 'email',
        granted: false,
        source: 'unsubscribe-link',
        actor: 'member',
      }),
      expect.objectContaining({
        topic: 'internet-issues',
        channel: 'email',
        granted: true,
        source: 'preference-centre',
        actor: 'member',
      }),
    ]);
  });
});
