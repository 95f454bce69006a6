import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { spawnNode } from '../support/spawnNode.ts';

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'society-mailer-cli-'));
});
afterAll(() => t.close());

const cli = async (...args: string[]) => {
  const proc = spawnNode('src/cli/main.ts', args, { DATABASE_URL: t.url, LOG_LEVEL: 'warn' });
  const code = await proc.exited;
  return { code, ...proc.output };
};

describe('npm run cli -- members import', () => {
  it('names the file, line and column of each bad row and applies nothing', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'email,name,country\nok@example.org,Ok,FR\nbroken,Broken,FR\n');
    const { code, stderr } = await cli('members', 'import', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:3: email: not a valid email address`);
    expect((await t.sql`select count(*)::int as n from members`)[0]!.n).toBe(0);
  });

  it('imports a good file, and a dry run reports without applying', async () => {
    const file = join(dir, 'good.csv');
    await writeFile(
      file,
      'external_id,email,name,optin_email_events\nE1,a@example.org,A,yes\nE2,b@example.org,B,no\n',
    );
    const dry = await cli('members', 'import', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('2 new');
    expect((await t.sql`select count(*)::int as n from members`)[0]!.n).toBe(0);
    const real = await cli('members', 'import', file);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('Imported. 2 rows: 2 new');
    expect((await t.sql`select count(*)::int as n from consent_events`)[0]!.n).toBe(2);
  });
});
