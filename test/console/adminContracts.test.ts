import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosures, misuseAlerts, seeds } from '../../src/db/schema.ts';
import { addCampaign, addContract, addSubcontractor } from '../subcontractors/fixtures.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { get, post, signInAs } from './support.ts';

let t: TestApp;
let admin: { cookie: string; csrf: string };
let editor: { cookie: string; csrf: string };
let approver: { cookie: string; csrf: string };
beforeAll(async () => {
  t = await createTestApp();
  admin = await signInAs(t, 'admin');
  editor = await signInAs(t, 'editor');
  approver = await signInAs(t, 'approver');
});
afterAll(() => t.close());

const n = async (table: string) =>
  (await t.database.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n as number;

const contract = (subcontractorId: number, extra: Record<string, string | string[]> = {}) => ({
  subcontractorId: String(subcontractorId),
  reference: 'PRINT-2031',
  purposes: ['society-mailing'],
  fields: ['name', 'postalAddress'],
  validFrom: '2031-01-01',
  validTo: '2031-12-31',
  maxRecipientsPerDispatch: '5000',
  retentionDays: '14',
  seedsRequired: 'true',
  status: 'active',
  csrf: admin.csrf,
  ...extra,
});

describe('subcontractors and contracts', () => {
  let printHouse: number;

  it('registers a subcontractor, and refuses a bad service naming the field', async () => {
    const bad = await post(
      t,
      '/console/admin/subcontractors',
      { name: 'Print Co', service: 'fax', csrf: admin.csrf },
      admin.cookie,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('service must be email or postal');
    const before = await n('subcontractors');
    const res = await post(
      t,
      '/console/admin/subcontractors',
      { name: 'Print Co', service: 'postal', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect(await n('subcontractors')).toBe(before + 1);
    const page = await (await get(t, res.headers.get('location')!, admin.cookie)).text();
    expect(page).toContain('The subcontractor is registered.');
    expect(page).toContain('Print Co (postal)');
    printHouse = (await t.database.sql`select id::int from subcontractors where name = 'Print Co'`)[0]!.id;
  });

  it('records a contract from the form with the API’s rules, and shows it', async () => {
    const res = await post(t, '/console/admin/contracts', contract(printHouse), admin.cookie);
    expect(res.status).toBe(303);
    const page = await (await get(t, '/console/admin/contracts', admin.cookie)).text();
    expect(page).toContain('PRINT-2031');
    expect(page).toContain('name, postalAddress');
    const [row] = await t.database
      .sql`select max_recipients_per_dispatch, retention_days, seeds_required from contracts where reference = 'PRINT-2031'`;
    expect(row).toEqual({ max_recipients_per_dispatch: 5000, retention_days: 14, seeds_required: true });
    const audit = await t.database.sql`select actor from audit_log where action = 'contract.create'`;
    expect(audit.at(-1)!.actor).toMatch(/^staff:\d+$/);
  });

  it('refuses bad contract input with a 400 naming each field, the form filled again, and nothing written', async () => {
    const before = await n('contracts');
    for (const [extra, field, message] of [
      [{ validTo: '2030-06-01' }, 'validTo', 'validTo must not be before validFrom'],
      [
        { maxRecipientsPerDispatch: 'lots' },
        'maxRecipientsPerDispatch',
        'maxRecipientsPerDispatch must be a whole number',
      ],
      [{ retentionDays: '-1' }, 'retentionDays', 'retentionDays must not be negative'],
      [{ fields: [] }, 'fields', 'fields must name at least one field'],
      [{ purposes: ['resale'] }, 'purposes', 'purposes must be among'],
      [{ reference: 'PRINT-2031' }, 'reference', 'a contract with this reference exists'],
    ] as [Record<string, string | string[]>, string, string][]) {
      const reference = (extra.reference as string | undefined) ?? 'PRINT-NEW';
      const res = await post(
        t,
        '/console/admin/contracts',
        contract(printHouse, { ...extra, reference }),
        admin.cookie,
      );
      expect(res.status, field).toBe(400);
      const page = await res.text();
      expect(page, field).toContain(`id="${field}-error"`);
      expect(page, field).toContain(message);
      expect(page, field).toContain(`value="${reference}"`);
    }
    expect(await n('contracts')).toBe(before);
  });

  it('changes a contract’s status, and only its status', async () => {
    const [row] = await t.database.sql`select id::int from contracts where reference = 'PRINT-2031'`;
    const res = await post(
      t,
      `/console/admin/contracts/${row!.id}/status`,
      { status: 'suspended', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect((await t.database.sql`select status from contracts where id = ${row!.id}`)[0]!.status).toBe(
      'suspended',
    );
    const bad = await post(
      t,
      `/console/admin/contracts/${row!.id}/status`,
      { status: 'torn-up', csrf: admin.csrf },
      admin.cookie,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('status must be active, suspended or ended');
  });

  it('refuses editors, approvers and posts without the CSRF token, writing nothing', async () => {
    const before = await n('contracts');
    for (const who of [editor, approver]) {
      expect(
        (
          await post(
            t,
            '/console/admin/contracts',
            { ...contract(printHouse), reference: 'X-1', csrf: who.csrf },
            who.cookie,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await post(
            t,
            '/console/admin/seeds',
            { name: 'S', line1: 'a', city: 'b', country: 'GB', csrf: who.csrf },
            who.cookie,
          )
        ).status,
      ).toBe(403);
      for (const path of ['/console/admin/contracts', '/console/admin/disclosures', '/console/admin/seeds']) {
        expect((await get(t, path, who.cookie)).status, path).toBe(403);
      }
    }
    const { csrf: _, ...noCsrf } = contract(printHouse, { reference: 'X-2' });
    expect((await post(t, '/console/admin/contracts', noCsrf, admin.cookie)).status).toBe(403);
    expect(
      (await post(t, '/console/admin/subcontractors', { name: 'Sneaky', service: 'email' }, admin.cookie))
        .status,
    ).toBe(403);
    expect(await n('contracts')).toBe(before);
    expect((await t.database.sql`select 1 from subcontractors where name = 'Sneaky'`).length).toBe(0);
  });
});

describe('deletion confirmations', () => {
  it('flags overdue deletions and records a confirmation with its date and note', async () => {
    const db = t.database.db;
    const sub = await addSubcontractor(db, 'email');
    const contractId = await addContract(db, sub);
    const campaignId = await addCampaign(db, { contractId });
    const disclosure = (reference: string, deleteBy: Date) => ({
      reference,
      subcontractorId: sub,
      contractId,
      campaignId,
      fields: ['email'],
      recipientCount: 10,
      seedIds: [],
      deleteBy,
    });
    const [late, due] = await db
      .insert(disclosures)
      .values([
        disclosure('D-LATE', new Date(Date.now() - 86_400_000)),
        disclosure('D-DUE', new Date(Date.now() + 86_400_000)),
      ])
      .returning({ id: disclosures.id });
    const page = await (await get(t, '/console/admin/disclosures', admin.cookie)).text();
    expect(page).toMatch(/D-LATE[\s\S]*overdue since[\s\S]*D-DUE[\s\S]*due by/);
    expect(page).toContain('1 overdue');

    const future = await post(
      t,
      `/console/admin/disclosures/${late!.id}/deletion-confirmation`,
      { at: '2999-01-01', note: '', csrf: admin.csrf },
      admin.cookie,
    );
    expect(future.status).toBe(400);
    expect(await future.text()).toContain(`id="at-${late!.id}-error"`);
    const garbled = await post(
      t,
      `/console/admin/disclosures/${late!.id}/deletion-confirmation`,
      { at: 'yesterday', csrf: admin.csrf },
      admin.cookie,
    );
    expect(await garbled.text()).toContain('at must be a date written yyyy-mm-dd');
    expect(
      (await t.database.sql`select deletion_confirmed_at from disclosures where id = ${late!.id}`)[0]!
        .deletion_confirmed_at,
    ).toBeNull();

    const res = await post(
      t,
      `/console/admin/disclosures/${late!.id}/deletion-confirmation`,
      { at: '2026-01-15', note: 'certificate of destruction no. 42', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    const after = await (await get(t, res.headers.get('location')!, admin.cookie)).text();
    expect(after).toContain('The deletion is recorded as confirmed.');
    expect(after).not.toContain('D-LATE');
    expect(after).toContain('D-DUE');
    const [row] = await t.database
      .sql`select to_char(deletion_confirmed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at from disclosures where id = ${late!.id}`;
    expect(row!.at).toBe('2026-01-15 00:00');
    const [audit] = await t.database
      .sql`select details from audit_log where action = 'disclosure.deletion-confirmed'`;
    expect(audit!.details).toMatchObject({ reference: 'D-LATE', note: 'certificate of destruction no. 42' });
    expect(await (await get(t, '/console/admin/contracts', admin.cookie)).text()).toContain(
      'confirmed 2026-01-15',
    );
    expect(due).toBeDefined();
  });
});

describe('seeds and misuse alerts', () => {
  it('adds a postal seed, refuses a bad country naming the field, and retires a seed', async () => {
    const before = await n('seeds');
    const bad = await post(
      t,
      '/console/admin/seeds',
      { name: 'Decoy', line1: '1 High St', city: 'York', country: 'England', csrf: admin.csrf },
      admin.cookie,
    );
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('id="postalAddress.country-error"');
    expect(text).toContain('value="1 High St"');
    expect(await n('seeds')).toBe(before);
    const res = await post(
      t,
      '/console/admin/seeds',
      {
        name: 'Decoy',
        line1: '1 High St',
        city: 'York',
        postalCode: 'YO1 1AA',
        country: 'gb',
        csrf: admin.csrf,
      },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    const page = await (await get(t, res.headers.get('location')!, admin.cookie)).text();
    expect(page).toContain('1 High St, York, YO1 1AA, GB');
    const [seed] = await t.database.sql`select id::int from seeds where name = 'Decoy'`;
    await post(t, `/console/admin/seeds/${seed!.id}/retire`, { csrf: admin.csrf }, admin.cookie);
    expect((await t.database.sql`select active from seeds where id = ${seed!.id}`)[0]!.active).toBe(false);
    expect(await (await get(t, '/console/admin/seeds', admin.cookie)).text()).toContain('retired');
  });

  it('shows misuse alerts on the contracts page', async () => {
    const [seed] = await t.database.db
      .insert(seeds)
      .values({ channel: 'email', address: 'seed-x@seeds.example', name: 'seed' })
      .returning();
    await t.database.db
      .insert(misuseAlerts)
      .values({ seedId: seed!.id, summary: 'mail to a seed from an unknown sender' });
    const page = await (await get(t, '/console/admin/contracts', admin.cookie)).text();
    expect(page).toContain('mail to a seed from an unknown sender');
  });
});
