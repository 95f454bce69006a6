import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, type DraftValues, updateDraft } from '../../src/campaigns/writeDraft.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const draft: DraftValues = {
  name: 'Spring news',
  topic: 'events',
  channel: 'email',
  subject: 'Spring assembly',
  template: 'society-mailing',
  mjml: null,
  defaultLanguage: 'en',
  variants: {},
  segment: { all: [] },
  fromAddress: 'news@society.example',
  replyTo: null,
  rateLimit: null,
  contractId: null,
};
const auditOf = (id: number, action: string) =>
  t.database.sql`select actor from audit_log where action = ${action} and target = ${`campaign:${id}`}`;
const subjectOf = async (id: number) =>
  (await t.database.sql`select subject from campaigns where id = ${id}`)[0]!.subject;

describe('writing a draft', () => {
  it('creates a draft by its author and changes it, each audited', async () => {
    const { id } = await t.database.db.transaction((tx) => createCampaign(tx, draft, 'staff:7'));
    const [row] = await t.database
      .sql`select state, created_by, from_address from campaigns where id = ${id}`;
    expect(row).toEqual({ state: 'draft', created_by: 'staff:7', from_address: 'news@society.example' });
    expect(await auditOf(id, 'campaign.create')).toEqual([{ actor: 'staff:7' }]);

    const outcome = await t.database.db.transaction((tx) =>
      updateDraft(tx, id, { ...draft, subject: 'Spring assembly, new date' }, 'staff:8'),
    );
    expect(outcome).toEqual({ type: 'updated' });
    expect(await subjectOf(id)).toBe('Spring assembly, new date');
    expect(await auditOf(id, 'campaign.update')).toEqual([{ actor: 'staff:8' }]);
  });

  it('leaves a campaign that left draft meanwhile alone, unaudited', async () => {
    const { id } = await createCampaign(t.database.db, draft, 'staff:7');
    await t.database.sql`update campaigns set state = 'scheduled' where id = ${id}`;
    const outcome = await updateDraft(t.database.db, id, { ...draft, subject: 'Too late' }, 'staff:8');
    expect(outcome).toEqual({ type: 'not-editable' });
    expect(await subjectOf(id)).toBe('Spring assembly');
    expect(await auditOf(id, 'campaign.update')).toEqual([]);
  });
});
