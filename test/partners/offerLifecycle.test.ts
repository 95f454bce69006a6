import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContract, addSubcontractor } from '../subcontractors/fixtures.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { approve, newPartner, offerBody, submit } from './support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { OFFER_IMAGE_HOSTS: 'img.partner.example' } });
});
afterAll(() => t.close());

describe('partners and keys (admin)', () => {
  it('needs an admin, shows a key once, and stops revoked keys and suspended partners', async () => {
    const asEditor = await t.call(
      'POST',
      '/api/partners',
      { name: 'X', contactEmail: 'x@x.example' },
      t.tokens.editor,
    );
    expect(asEditor.status).toBe(403);

    const acme = await newPartner(t, 'Acme Keys');
    expect(acme.key).toMatch(/^smp_/);
    expect((await t.call('GET', '/api/partner/offers', undefined, acme.key)).status).toBe(200);
    const listed = await (
      await t.call('GET', `/api/partners/${acme.id}/keys`, undefined, t.tokens.admin)
    ).text();
    expect(listed).not.toContain(acme.key);
    const [stored] = await t.database.sql`select token_hash from api_tokens where id = ${acme.keyId}`;
    expect(stored!.token_hash).not.toContain(acme.key);

    const suspend = await t.call(
      'PATCH',
      `/api/partners/${acme.id}`,
      { status: 'suspended' },
      t.tokens.admin,
    );
    expect(suspend.status).toBe(200);
    expect((await t.call('GET', '/api/partner/offers', undefined, acme.key)).status).toBe(401);
    await t.call('PATCH', `/api/partners/${acme.id}`, { status: 'approved' }, t.tokens.admin);
    expect((await t.call('GET', '/api/partner/offers', undefined, acme.key)).status).toBe(200);

    const revoke = await t.call(
      'DELETE',
      `/api/partners/${acme.id}/keys/${acme.keyId}`,
      undefined,
      t.tokens.admin,
    );
    expect(revoke.status).toBe(200);
    expect((await t.call('GET', '/api/partner/offers', undefined, acme.key)).status).toBe(401);
  });

  it('answers 403 to a staff token on the partner API and to a partner key on staff routes', async () => {
    const p = await newPartner(t, 'Acme Scopes');
    expect((await t.call('GET', '/api/partner/offers', undefined, t.tokens.admin)).status).toBe(403);
    expect((await t.call('GET', '/api/offers', undefined, p.key)).status).toBe(403);
    expect((await t.call('GET', '/api/partners', undefined, p.key)).status).toBe(403);
  });
});

describe('submitting an offer', () => {
  it('answers 400 naming each bad field, and writes nothing', async () => {
    const p = await newPartner(t, 'Acme Input');
    const cases: [Record<string, unknown>, string][] = [
      [{ ctaUrl: 'http://books.example' }, 'ctaUrl'],
      [{ imageUrl: 'https://tracker.example/p.gif' }, 'imageUrl'],
      [{ targeting: { chapter: ['Paris'] } }, 'targeting.chapter'],
      [{ targeting: { countries: ['fr'] } }, 'targeting.countries.0'],
      [{ maxRecipients: 0 }, 'maxRecipients'],
      [{ subject: '' }, 'subject'],
      [{ sendWindow: { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' } }, 'sendWindow.to'],
      [{ favourite: 'x' }, 'favourite'],
    ];
    for (const [override, path] of cases) {
      const res = await t.call('POST', '/api/partner/offers', offerBody(override), p.key);
      expect(res.status, path).toBe(400);
      const body = await json(res);
      expect(
        body.issues.map((i: { path: string }) => i.path),
        path,
      ).toContain(path);
      expect(body.message).toContain(`${path}:`);
    }
    expect((await json(await t.call('GET', '/api/partner/offers', undefined, p.key))).offers).toEqual([]);
  });

  it('keeps the Markdown and renders it without the raw HTML', async () => {
    const p = await newPartner(t, 'Acme Markdown');
    const id = await submit(t, p.key, {
      body: 'Hello **members**\n\n<script>alert(1)</script><img src=x onerror=alert(2)>',
    });
    const preview = await t.call('GET', `/api/offers/${id}/preview`, undefined, t.tokens.editor);
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('<strong>members</strong>');
    expect(html).not.toMatch(/<script|onerror|alert\(/);
  });
});

describe('review', () => {
  it('follows the state machine: approver only, notes required, illegal moves 409 with the state, all audited', async () => {
    const p = await newPartner(t, 'Acme Review');
    const id = await submit(t, p.key);
    const review = (body: unknown, token = t.tokens.approver) =>
      t.call('POST', `/api/offers/${id}/review`, body, token);

    expect((await review({ to: 'in-review' }, t.tokens.editor)).status).toBe(403);
    const early = await review({ to: 'approved', note: 'ok' });
    expect(early.status).toBe(409);
    expect(await json(early)).toMatchObject({ state: 'submitted' });

    expect((await review({ to: 'in-review' })).status).toBe(200);
    const noNote = await review({ to: 'approved' });
    expect(noNote.status).toBe(400);
    expect((await json(noNote)).issues[0].path).toBe('note');

    const changes = await review({ to: 'changes-requested', note: 'Shorter subject, please' });
    expect(await json(changes)).toMatchObject({
      state: 'changes-requested',
      reviewNote: 'Shorter subject, please',
    });
    const mine = await json(await t.call('GET', `/api/partner/offers/${id}`, undefined, p.key));
    expect(mine).toMatchObject({ state: 'changes-requested', reviewNote: 'Shorter subject, please' });

    const resubmitted = await t.call(
      'PUT',
      `/api/partner/offers/${id}`,
      offerBody({ subject: 'Save 20%' }),
      p.key,
    );
    expect(await json(resubmitted)).toMatchObject({ state: 'submitted', subject: 'Save 20%' });
    await review({ to: 'in-review' });
    const rejected = await review({ to: 'rejected', note: 'Not relevant to members' });
    expect(await json(rejected)).toMatchObject({ state: 'rejected' });
    expect((await review({ to: 'in-review' })).status).toBe(409);

    const audit = await t.database
      .sql`select action, details from audit_log where target = ${`offer:${id}`} order by id`;
    expect(audit.map((a) => a.action)).toEqual([
      'offer.submit',
      'offer.start-review',
      'offer.request-changes',
      'offer.resubmit',
      'offer.start-review',
      'offer.reject',
    ]);
    expect(audit.at(-1)!.details).toMatchObject({
      from: 'in-review',
      to: 'rejected',
      note: 'Not relevant to members',
    });
  });

  it('previews the offer in the partner-offer template with the disclosure and a sample member', async () => {
    const p = await newPartner(t, 'Acme Preview');
    const id = await submit(t, p.key);
    const res = await t.call('GET', `/api/offers/${id}/preview`, undefined, t.tokens.approver);
    const html = await res.text();
    expect(html).toContain('Save 20% on every book');
    expect(html).toContain('on behalf of Acme Preview');
    expect(html).toContain('https://img.partner.example/banner.png');
    expect(html).toContain('/u/preview-only');
    const text = await (
      await t.call('GET', `/api/offers/${id}/preview?part=text`, undefined, t.tokens.approver)
    ).text();
    expect(text).toContain('chose to hear about partner offers');
  });
});

describe('scheduling an approved offer', () => {
  it('needs an active email contract for partner offers', async () => {
    // The test app starts with a default email contract, as a fresh install does: end it.
    await t.database.sql`update contracts set status = 'ended'`;
    const p = await newPartner(t, 'Acme No Contract');
    const id = await submit(t, p.key);
    await approve(t, id);
    const res = await t.call('POST', `/api/offers/${id}/schedule`, {}, t.tokens.approver);
    expect(res.status).toBe(409);
    expect((await json(res)).error).toBe('no_contract');
  });

  it('creates a scheduled partner-offers campaign and enqueues its start in one transaction', async () => {
    const sub = await addSubcontractor(t.database.db, 'email');
    const year = new Date().getUTCFullYear();
    const contractId = await addContract(t.database.db, sub, {
      validFrom: `${year - 1}-01-01`,
      validTo: `${year + 1}-12-31`,
    });
    const p = await newPartner(t, 'Acme Schedule');
    const id = await submit(t, p.key, {
      maxRecipients: 250,
      targeting: { countries: ['FR'], languages: ['fr'] },
    });

    expect((await t.call('POST', `/api/offers/${id}/schedule`, {}, t.tokens.approver)).status).toBe(409);
    await approve(t, id);
    expect((await t.call('POST', `/api/offers/${id}/schedule`, {}, t.tokens.editor)).status).toBe(403);
    const outside = await t.call(
      'POST',
      `/api/offers/${id}/schedule`,
      { sendAt: '2000-01-01T00:00:00Z' },
      t.tokens.approver,
    );
    expect(outside.status).toBe(400);
    expect((await json(outside)).issues[0].path).toBe('sendAt');

    const res = await t.call(
      'POST',
      `/api/offers/${id}/schedule`,
      { topic: 'society-news' },
      t.tokens.approver,
    );
    expect(res.status).toBe(201);
    const scheduled = await json(res);
    expect(scheduled.contractId).toBe(contractId);

    const [campaign] = await t.database.sql`select * from campaigns where id = ${scheduled.campaignId}`;
    expect(campaign).toMatchObject({
      kind: 'partner-offer',
      topic: 'partner-offers',
      channel: 'email',
      state: 'scheduled',
      recipient_limit: 250,
      offer_id: String(id),
      contract_id: String(contractId),
      subject: 'Members save 20% on books',
      segment: {
        all: [
          { field: 'country', op: 'in', values: ['FR'] },
          { field: 'language', op: 'in', values: ['fr'] },
        ],
      },
    });
    expect(campaign!.mjml).toContain('on behalf of Acme Schedule');
    expect(new Date(campaign!.send_at).toISOString()).toBe(scheduled.sendAt);

    const jobs = await t.database.sql`select data, start_after from pgboss.job where name = 'campaign-start'`;
    const job = jobs.find((j) => (j.data as { campaignId: number }).campaignId === scheduled.campaignId);
    expect(job).toBeDefined();
    expect(new Date(job!.start_after).toISOString()).toBe(scheduled.sendAt);

    const mine = await json(await t.call('GET', `/api/partner/offers/${id}`, undefined, p.key));
    expect(mine.state).toBe('scheduled');

    const withdrawn = await t.call('POST', `/api/partner/offers/${id}/withdraw`, undefined, p.key);
    expect(await json(withdrawn)).toMatchObject({ state: 'withdrawn' });
    const [cancelled] = await t.database.sql`select state from campaigns where id = ${scheduled.campaignId}`;
    expect(cancelled!.state).toBe('cancelled');
  });
});
