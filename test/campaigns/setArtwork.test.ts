import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCampaignArtwork } from '../../src/campaigns/setArtwork.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { DATA_DIR: await mkdtemp(join(tmpdir(), 'society-mailer-artwork-')) } });
});
afterAll(() => t.close());

const campaign = async (channel: 'email' | 'postal', state = 'draft') => {
  const [row] = await t.database.sql`
    insert into campaigns (name, topic, channel, subject, from_address, created_by, state)
    values ('Letter', 'events', ${channel}, 'Spring assembly', 'news@society.example', 'test', ${state})
    returning id::int`;
  return row!.id as number;
};
const upload = (id: number, body: string, token = t.tokens.editor) =>
  t.app.request(`/api/campaigns/${id}/artwork`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
    body,
  });
const refOf = async (id: number) =>
  (await t.database.sql`select artwork_ref from campaigns where id = ${id}`)[0]!.artwork_ref;

describe('print artwork', () => {
  it('PUT /api/campaigns/{id}/artwork stores a PDF for a postal draft, audited', async () => {
    const id = await campaign('postal');
    const res = await upload(id, '%PDF-1.7 a letter');
    expect(res.status).toBe(200);
    const { artworkRef } = await json(res);
    expect(artworkRef).toMatch(/^[0-9a-f]{64}\.pdf$/);
    expect(await refOf(id)).toBe(artworkRef);
    const [audit] = await t.database
      .sql`select actor, details from audit_log where action = 'campaign.artwork' and target = ${`campaign:${id}`}`;
    expect(audit!.details).toEqual({ artworkRef });
    expect(audit!.actor).toMatch(/^staff:\d+$/);
  });

  it('refuses email campaigns (404), started ones (409) and non-PDF bodies (400), storing nothing', async () => {
    const email = await campaign('email');
    expect((await upload(email, '%PDF-1.7 x')).status).toBe(404);
    const sending = await campaign('postal', 'sending');
    const started = await upload(sending, '%PDF-1.7 x');
    expect(started.status).toBe(409);
    expect((await json(started)).message).toBe('the campaign is sending; its artwork can no longer change');
    const draft = await campaign('postal');
    expect((await upload(draft, 'not a pdf')).status).toBe(400);
    for (const id of [email, sending, draft]) expect(await refOf(id)).toBeNull();
  });

  it('re-checks under lock: a campaign that started meanwhile keeps its artwork', async () => {
    const id = await campaign('postal', 'building');
    const outcome = await setCampaignArtwork(
      t.database.db,
      id,
      `${'a'.repeat(64)}.pdf`,
      'staff:1',
      new Date(),
    );
    expect(outcome).toEqual({ type: 'started', state: 'building' });
    expect(await refOf(id)).toBeNull();
    expect(await setCampaignArtwork(t.database.db, 987654, 'x', 'staff:1', new Date())).toEqual({
      type: 'not-found',
    });
  });
});
