import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { storeArtwork } from '../../src/subcontractors/artwork.ts';
import {
  personalisationOf,
  projectFields,
  type RecipientData,
} from '../../src/subcontractors/contractTerms.ts';
import { openDispatch } from '../../src/subcontractors/dispatch.ts';
import { dispatchHeader } from '../../src/subcontractors/dispatchHeader.ts';
import { createS3Drop, manifestLine } from '../../src/subcontractors/postalAdapter.ts';
import { dispatchPostal } from '../../src/subcontractors/postalDispatch.ts';
import { createSesAdapter } from '../../src/subcontractors/sesAdapter.ts';
import { compileCampaign, renderFor } from '../../src/templates/index.ts';
import { recordConsent } from '../audiences/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { type LocalSes, startLocalSes, waitFor } from '../support/ses.ts';
import {
  addCampaign,
  addContract,
  addMember,
  addPostalSeed,
  addRecipients,
  addSubcontractor,
  recipientsOf,
} from './fixtures.ts';

let db: TestDatabase;
let ses: LocalSes;
beforeAll(async () => {
  db = await createTestDatabase();
  ses = await startLocalSes();
});
afterAll(async () => {
  await ses?.close();
  await db?.close();
});

const NOW = new Date('2030-06-01T10:00:00Z');

describe('postal mail-house manifest', () => {
  it('holds only the permitted fields and the dispatch reference, for members still opted in and the seed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sm-postal-'));
    const config = loadConfig({ DATA_DIR: dataDir, POSTAL_DROP_DIR: join(dataDir, 'drop') });
    const sub = await addSubcontractor(db.db, 'postal');
    const contractId = await addContract(db.db, sub, { fields: ['name', 'postalAddress'] });
    const campaignId = await addCampaign(db.db, { channel: 'postal', contractId });
    const people = [
      {
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.org',
        addressLine1: '12 Analytical Row',
        city: 'London',
        postalCode: 'SW1',
        country: 'GB',
      },
      {
        name: 'Bob Optout',
        email: 'bob.optout@example.org',
        addressLine1: '9 Gone Street',
        city: 'Leeds',
        country: 'GB',
      },
      {
        name: 'Carol Shaw',
        email: 'carol.shaw@example.org',
        addressLine1: '3 Rue Claire',
        city: 'Lyon',
        country: 'FR',
      },
    ];
    const ids: number[] = [];
    for (const p of people) ids.push(await addMember(db.db, p));
    await recordConsent(
      db.db,
      ids.map((memberId) => ({ memberId, topic: 'events', channel: 'postal', granted: true })),
    );
    await addRecipients(db.db, campaignId, ids);
    const seedId = await addPostalSeed(db.db, 'Morgan Decoy');
    const pdf = new TextEncoder().encode('%PDF-1.7\n% print artwork\n');
    const artwork = await storeArtwork(dataDir, pdf);
    if (artwork.type !== 'stored') throw new Error(artwork.message);
    await db.db.execute(sql`update campaigns set artwork_ref = ${artwork.ref} where id = ${campaignId}`);

    const dispatch = await openDispatch(db.db, {
      campaignId,
      purpose: 'society-mailing',
      channel: 'postal',
      now: NOW,
      seedDomain: 'mail.society.example',
    });
    if (dispatch.type !== 'ok') throw new Error(dispatch.message);
    // Bob opts out after the audience was frozen: he must not be in the manifest.
    await db.sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      values (${ids[1]!}, 'events', 'postal', false, 'staff-post', 'test', '2011-12-15', now())`;

    const outcome = await dispatchPostal({ db: db.db, config }, { ...dispatch, campaignId, pageSize: 2 });
    expect(outcome).toMatchObject({ type: 'sent', sent: 3, skipped: 1 });
    expect(outcome.location).toBe(join(dataDir, 'drop', `${dispatch.reference}.jsonl`));

    const drop = await readdir(join(dataDir, 'drop'));
    expect(drop.sort()).toEqual([`${dispatch.reference}.jsonl`, `${dispatch.reference}.pdf`]);
    expect(await readFile(join(dataDir, 'drop', `${dispatch.reference}.pdf`), 'latin1')).toMatch(/^%PDF-/);

    const text = await readFile(outcome.location, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['dispatch', 'name', 'postalAddress']);
      expect(line.dispatch).toBe(dispatch.reference);
    }
    expect(lines.map((l) => l.name).sort()).toEqual(['Ada Lovelace', 'Carol Shaw', 'Morgan Decoy']);
    expect(lines.find((l) => l.name === 'Ada Lovelace').postalAddress).toMatchObject({
      line1: '12 Analytical Row',
      city: 'London',
      country: 'GB',
    });
    expect(text).not.toMatch(/@example\.org|Bob|Gone Street/);
    for (const id of ids) expect(text).not.toContain(`"${id}"`);

    const states = Object.fromEntries(
      (await recipientsOf(db.db, campaignId)).map((r) => [r.memberId ?? `seed:${r.seedId}`, r.state]),
    );
    expect(states).toEqual({
      [ids[0]!]: 'sent',
      [ids[1]!]: 'skipped',
      [ids[2]!]: 'sent',
      [`seed:${seedId}`]: 'sent',
    });
  });

  it('refuses a row carrying a field the contract does not permit', () => {
    expect(() => manifestLine({ reference: 'D1', fields: ['name'] }, { name: 'A', email: 'a@b.c' })).toThrow(
      /email is not permitted/,
    );
  });

  it('puts the manifest and artwork into the S3 bucket when one is configured', async () => {
    const sent: PutObjectCommand[] = [];
    const client = { send: async (command: PutObjectCommand) => sent.push(command) } as unknown as S3Client;
    const drop = createS3Drop({ client, bucket: 'mail-house-drop', prefix: 'society/' });
    const writer = await drop.openManifest({
      reference: 'D20300601-abcd',
      fields: ['name'],
      artwork: new Uint8Array([37, 80, 68, 70, 45]),
    });
    await writer.append([{ name: 'Ada Lovelace' }]);
    expect(await writer.close()).toEqual({
      location: 's3://mail-house-drop/society/D20300601-abcd.jsonl',
      rows: 1,
    });
    expect(sent.map((c) => c.input.Key)).toEqual([
      'society/D20300601-abcd.pdf',
      'society/D20300601-abcd.jsonl',
    ]);
    expect(sent[1]!.input.Body).toBe('{"dispatch":"D20300601-abcd","name":"Ada Lovelace"}\n');
  });
});

describe('email through the SES adapter with a projected envelope', () => {
  const ada: RecipientData = {
    email: 'ada.lovelace@example.org',
    name: 'Ada Lovelace',
    language: 'en',
    postalAddress: {
      line1: '12 Analytical Row',
      line2: null,
      city: 'London',
      region: null,
      postalCode: 'SW1',
      country: 'GB',
    },
  };

  async function send(fields: string[]) {
    const compiled = await compileCampaign({
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Dear {{name}} ({{first_name}}), see you soon.</mj-text></mj-column></mj-section></mj-body></mjml>',
      topicLabel: 'events',
      footer: { societyName: 'The Society', postalAddress: '1 Main St' },
    });
    if (!compiled.ok) throw new Error(compiled.type);
    const projected = projectFields(fields, ada);
    const rendered = renderFor(compiled.template, {
      ...personalisationOf(projected),
      unsubscribeUrl: 'https://society.example/u/t',
      preferencesUrl: 'https://society.example/p/t',
    });
    const adapter = createSesAdapter({ client: ses.client, configurationSet: 'society-mailer' });
    const outcome = await adapter.send({
      to: projected.email!,
      from: 'news@mail.society.example',
      subject: 'Chapter meeting',
      html: rendered.html,
      text: rendered.text,
      headers: [dispatchHeader('D20300601-beef')],
      tags: [{ name: 'campaign', value: '1' }],
    });
    expect(outcome.type).toBe('sent');
    const messageId = (outcome as { messageId: string }).messageId;
    const [stored] = await waitFor(async () => (await ses.store()).filter((m) => m.messageId === messageId));
    return stored!;
  }

  it('carries the first name only when the contract permits it, and never the surname or address', async () => {
    const withFirstName = await send(['email', 'firstName']);
    expect(withFirstName.destination.to).toEqual(['ada.lovelace@example.org']);
    const both = `${withFirstName.body.html}\n${withFirstName.body.text}`;
    expect(withFirstName.body.html).toContain('Dear member (Ada)');
    expect(both).not.toMatch(/Lovelace|Analytical|London|SW1/);

    const emailOnly = await send(['email']);
    const bare = `${emailOnly.body.html}\n${emailOnly.body.text}`;
    expect(emailOnly.body.html).toContain('Dear member (member)');
    expect(bare).not.toMatch(/Ada|Lovelace|Analytical|London/);
  });
});
