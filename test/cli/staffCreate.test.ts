import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../src/console/signIn.ts';
import { passwordLinkHolder, usePasswordLink } from '../../src/staff/passwordLink.ts';
import { principalForToken } from '../../src/staff/staffUsers.ts';
import { PASSWORD } from '../console/support.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { spawnNode } from '../support/spawnNode.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const cli = async (...args: string[]) => {
  const proc = spawnNode('src/cli/main.ts', args, {
    DATABASE_URL: t.url,
    LOG_LEVEL: 'warn',
    PUBLIC_URL: 'https://mailer.society.example',
  });
  const code = await proc.exited;
  return { code, ...proc.output };
};
const LINK = /https:\/\/mailer\.society\.example\/console\/password-link\/(sml_[A-Za-z0-9_-]+)/;
const staffCount = async () => (await t.sql`select count(*)::int as n from staff_users`)[0]!.n;

describe('npm run cli -- staff create', () => {
  it('prints a single-use link that sets the password, and no API token', async () => {
    const made = await cli(
      'staff',
      'create',
      '--email',
      'Ada@Staff.example',
      '--name',
      'Ada',
      '--role',
      'editor',
    );
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('Created editor Ada.');
    expect(made.stdout).not.toMatch(/smt_/);
    const secret = made.stdout.match(LINK)![1]!;
    const [user] =
      await t.sql`select id::int, role, password_hash from staff_users where email = 'ada@staff.example'`;
    expect(user).toMatchObject({ role: 'editor', password_hash: null });
    expect((await t.sql`select count(*)::int as n from api_tokens`)[0]!.n).toBe(0);
    const [audit] =
      await t.sql`select actor from audit_log where action = 'staff.create' and target = ${`staff:${user!.id}`}`;
    expect(audit!.actor).toBe('cli');

    expect(await passwordLinkHolder(t.db, secret, new Date())).toMatchObject({ email: 'ada@staff.example' });
    expect(await usePasswordLink(t.db, secret, PASSWORD, new Date())).toEqual({
      type: 'set',
      staffUserId: user!.id,
    });
    expect((await usePasswordLink(t.db, secret, PASSWORD, new Date())).type).toBe('invalid');
    const signedIn = await signIn(t.db, { email: 'ada@staff.example', password: PASSWORD }, new Date());
    expect(signedIn.type).toBe('signed-in');
  });

  it('prints an API token as well when asked with --token', async () => {
    const made = await cli(
      'staff',
      'create',
      '--email',
      'bot@staff.example',
      '--name',
      'Reporting script',
      '--role',
      'approver',
      '--token',
      '--label',
      'reports',
    );
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(LINK);
    const token = made.stdout.match(/smt_[A-Za-z0-9_-]{40,}/)![0];
    const principal = await principalForToken(t.db, token);
    expect(principal).toMatchObject({ kind: 'staff' });
    const [row] = await t.sql`select label from api_tokens`;
    expect(row!.label).toBe('reports');
  });

  it('refuses bad input naming the flag, and a taken address, creating nothing', async () => {
    const before = await staffCount();
    const role = await cli('staff', 'create', '--email', 'e@staff.example', '--name', 'E', '--role', 'king');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role: role must be editor, approver or admin');
    const email = await cli('staff', 'create', '--email', 'nobody', '--name', 'E', '--role', 'editor');
    expect(email.code).toBe(2);
    expect(email.stderr).toContain('--email: not a valid email address');
    const label = await cli(
      'staff',
      'create',
      '--email',
      'e@staff.example',
      '--name',
      'E',
      '--role',
      'editor',
      '--label',
      'x',
    );
    expect(label.code).toBe(2);
    expect(label.stderr).toContain('--label goes with --token');
    const taken = await cli(
      'staff',
      'create',
      '--email',
      'ADA@staff.example',
      '--name',
      'Ada',
      '--role',
      'admin',
    );
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('a staff user with that email already exists');
    expect(await staffCount()).toBe(before);
  });
});
