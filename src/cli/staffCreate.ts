import { parseArgs } from 'node:util';
import type { Config } from '../config/loadConfig.ts';
import type { Db } from '../db/connect.ts';
import { passwordLinkPath } from '../staff/passwordLink.ts';
import { createStaff, issueToken, newStaffInput } from '../staff/staffAdmin.ts';
import { UsageError } from './usageError.ts';

/**
 * `npm run cli -- staff create --email … --name … --role … [--token [--label …]]`:
 * adds a staff account exactly as the console does, and prints the single-use
 * link its holder sets a password with. An API token is made only on request
 * (`--token`): a script needs one, a person does not.
 */
export async function staffCreateCommand(db: Db, config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      token: { type: 'boolean' },
      label: { type: 'string' },
    },
  });
  if (values.label !== undefined && !values.token) throw new UsageError('--label goes with --token');
  const parsed = newStaffInput.safeParse({
    email: values.email ?? '',
    name: values.name ?? '',
    role: values.role ?? '',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
  }
  const label = (values.label ?? 'cli').trim();
  if (values.token && (label.length === 0 || label.length > 100)) {
    throw new UsageError('--label must be 1 to 100 characters');
  }
  const made = await db.transaction(async (tx) => {
    const outcome = await createStaff(tx, parsed.data, 'cli', new Date());
    if (outcome.type === 'duplicate') throw new UsageError('a staff user with that email already exists');
    const token = values.token ? (await issueToken(tx, outcome.id, label, 'cli'))!.token : undefined;
    return { link: outcome.link, token };
  });
  const url = new URL(passwordLinkPath(made.link.secret), config.PUBLIC_URL).href;
  const { name, role } = parsed.data;
  console.log(
    `Created ${role} ${name}. Give them this link to set their password (shown once; works once; expires ${made.link.expiresAt.toISOString()}):\n${url}`,
  );
  if (made.token) console.log(`API token "${label}" (shown once):\n${made.token}`);
  return 0;
}
