import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMembersCsv } from '../../src/members/importCsv.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const header =
  'external_id,email,name,country,language,status,joined_on,renewed_on,optin_email_society_news,optin_email_partner_offers,optin_postal_events';
const csv = (...lines: string[]) => Readable.from([`${[header, ...lines].join('\n')}\n`]);

const counts = async () => {
  const [row] = await t.sql<{ members: number; events: number; consents: number }[]>`
    select (select count(*)::int from members) as members,
           (select count(*)::int from consent_events) as events,
           (select count(*)::int from consents) as consents`;
  return row!;
};

describe('members import', () => {
  it('refuses a file with a bad row, naming line and column, and applies none of it', async () => {
    const report = await importMembersCsv(
      t.db,
      csv(
        'M-1,ada@example.org,Ada Lovelace,GB,en,active,2020-01-05,2024-01-05,yes,no,',
        'M-2,not-an-address,Bad Row,FR,fr,active,2021-02-01,,yes,,',
        'M-3,grace@example.org,Grace Hopper,usa,en,active,2019-03-01,,maybe,,',
      ),
      { label: 'bad.csv' },
    );
    expect(report.applied).toBe(false);
    expect(report.invalid).toBe(2);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, column: 'email' }),
        expect.objectContaining({ line: 4, column: 'country' }),
        expect.objectContaining({ line: 4, column: 'optin_email_society_news' }),
      ]),
    );
    expect(await counts()).toEqual({ members: 0, events: 0, consents: 0 });
  });

  it('refuses an unknown column before reading rows', async () => {
    const report = await importMembersCsv(
      t.db,
      Readable.from(['email,name,favourite_colour\na@b.org,A,blue\n']),
      {
        label: 'typo.csv',
      },
    );
    expect(report.applied).toBe(false);
    expect(report.problems).toEqual([
      { line: 1, column: 'favourite_colour', message: 'unknown column "favourite_colour"' },
    ]);
    expect((await counts()).members).toBe(0);
  });

  it('imports a good file, turning opt-in columns into dated ledger entries, and is idempotent', async () => {
    const file = () =>
      csv(
        'M-1,Ada@Example.org,Ada Lovelace,GB,en,active,2020-01-05,2024-01-05,yes,no,',
        'M-2,alan@example.org,Alan Turing,gb,EN,lapsed,2021-02-01,,no,,yes',
      );
    const first = await importMembersCsv(t.db, file(), { label: 'good.csv' });
    expect(first).toMatchObject({ applied: true, rows: 2, invalid: 0, inserted: 2, consentEntries: 4 });
    const ledger = await t.sql<
      { external_id: string; topic: string; channel: string; granted: boolean; source: string; day: string }[]
    >`
      select m.external_id, e.topic, e.channel, e.granted, e.source, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day
        from consent_events e join members m on m.id = e.member_id order by m.external_id, e.topic, e.channel`;
    expect(ledger.find((e) => e.external_id === 'M-1' && e.topic === 'society-news')).toMatchObject({
      granted: true,
      source: 'import',
      day: '2024-01-05',
    });
    expect(ledger.find((e) => e.external_id === 'M-2' && e.channel === 'postal')).toMatchObject({
      topic: 'events',
      granted: true,
      day: '2021-02-01',
    });
    const before = await counts();
    const again = await importMembersCsv(t.db, file(), { label: 'good.csv' });
    expect(again).toMatchObject({ applied: true, inserted: 0, updated: 0, unchanged: 2, consentEntries: 0 });
    expect(await counts()).toEqual(before);
  });

  it('matches by external id, else by normalised email, and a dry run changes nothing', async () => {
    const dry = await importMembersCsv(
      t.db,
      csv('M-1,ada@example.org,Ada King,GB,en,active,2020-01-05,2025-01-05,,,'),
      {
        label: 'dry.csv',
        dryRun: true,
      },
    );
    expect(dry).toMatchObject({ applied: false, updated: 1, inserted: 0 });
    const [ada] = await t.sql`select name from members where external_id = 'M-1'`;
    expect(ada!.name).toBe('Ada Lovelace');

    const byEmail = await importMembersCsv(t.db, csv(',ALAN@example.org,Alan M. Turing,GB,en,active,,,,,'), {
      label: 'email.csv',
    });
    expect(byEmail).toMatchObject({ applied: true, updated: 1, inserted: 0 });
    const [alan] =
      await t.sql`select name, external_id, status from members where email_normalized = 'alan@example.org'`;
    expect(alan).toEqual({ name: 'Alan M. Turing', external_id: 'M-2', status: 'active' });
  });

  it('applies the good rows with skipInvalid and reports a person listed twice', async () => {
    const report = await importMembersCsv(
      t.db,
      csv(
        'M-10,lin@example.org,Lin Yu,CN,zh,active,,,yes,,',
        'M-11,LIN@example.org,Lin Again,CN,zh,active,,,yes,,',
        'M-12,,No Address,CN,zh,active,,,,,',
      ),
      { label: 'skip.csv', skipInvalid: true },
    );
    expect(report).toMatchObject({ applied: true, inserted: 1, invalid: 2 });
    expect(report.problems.map((p) => [p.line, p.column])).toEqual([
      [3, 'email'],
      [4, 'email'],
    ]);
  });

  it('reports a member two rows both point at, and an address owned by another external id', async () => {
    const report = await importMembersCsv(
      t.db,
      csv(
        'M-1,ada.new@example.org,Ada Lovelace,GB,en,active,2020-01-05,2024-01-05,,,',
        ',ada@example.org,Ada Again,GB,en,active,,,,,',
        'M-77,alan@example.org,Not Alan,GB,en,active,,,,,',
      ),
      { label: 'twice.csv' },
    );
    expect(report.applied).toBe(false);
    expect(report.problems).toEqual([
      { line: 3, column: 'email', message: 'same member as line 2' },
      { line: 4, column: 'email', message: 'this address belongs to another member (different external id)' },
    ]);
    const [ada] = await t.sql`select email from members where external_id = 'M-1'`;
    expect(ada!.email).toBe('Ada@Example.org');
  });

  it('applies nothing when the file breaks after thousands of rows already streamed', async () => {
    const before = await counts();
    const rows = Array.from(
      { length: 5000 },
      (_, i) => `B-${i},bulk${i}@example.org,Bulk ${i},FR,fr,active,2022-01-01,,yes,no,yes`,
    );
    const report = await importMembersCsv(t.db, csv(...rows, 'B-x,"unterminated@example.org,Broken'), {
      label: 'broken.csv',
    });
    expect(report.applied).toBe(false);
    expect(report.problems.at(-1)).toMatchObject({ column: '-' });
    expect(await counts()).toEqual(before);
    const good = await importMembersCsv(t.db, csv(...rows), { label: 'bulk.csv' });
    expect(good).toMatchObject({ applied: true, inserted: 5000, consentEntries: 15000 });
  });
});
