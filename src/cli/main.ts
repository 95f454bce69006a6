import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { recordAudit } from '../audit/recordAudit.ts';
import { type Config, ConfigError, loadConfig } from '../config/loadConfig.ts';
import { connect } from '../db/connect.ts';
import { applyMigrations } from '../db/migrate.ts';
import { resolveDatabase } from '../db/resolveDatabase.ts';
import { importMembersCsv } from '../members/importCsv.ts';
import { issueStaffToken } from '../staff/staffUsers.ts';
import { staffCreateCommand } from './staffCreate.ts';
import { staffPasswordCommand } from './staffPassword.ts';
import { UsageError } from './usageError.ts';

const USAGE = `Usage: npm run cli -- <command>

  members import <file.csv> [--skip-invalid] [--dry-run]
      Load a membership export (format in the README). Nothing is applied if any
      row is bad, unless --skip-invalid. --dry-run shows what would change.
  staff create --email <address> --name <name> --role <editor|approver|admin> [--token [--label <text>]]
      Create a staff user and print the single-use link they set their console
      password with (shown once; works once; expires after three days).
      --token also prints an API token for it (shown once).
  staff token --email <address> [--label <text>]
      Issue another API token for an existing staff user.
  staff password --email <address>
      Set a staff user's console password (asked for, or read from standard input).
`;

type Db = ReturnType<typeof connect>['db'];

async function membersImport(db: Db, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'skip-invalid': { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('members import takes exactly one CSV file');
  await access(file).catch(() => {
    throw new UsageError(`${file}: no such file or not readable`);
  });
  const report = await importMembersCsv(db, createReadStream(file), {
    label: basename(file),
    skipInvalid: values['skip-invalid'],
    dryRun: values['dry-run'],
  });
  for (const p of report.problems) console.error(`${file}:${p.line}: ${p.column}: ${p.message}`);
  if (report.invalid > report.problems.length) {
    console.error(`… and ${report.invalid - report.problems.length} more problems`);
  }
  const summary = `${report.rows} rows: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.invalid} invalid; ${report.consentEntries} consent entries`;
  if (values['dry-run']) console.log(`Dry run, nothing applied. Would apply: ${summary}`);
  else if (report.applied) console.log(`Imported. ${summary}`);
  else
    console.error(
      `Not imported: fix the rows above, or pass --skip-invalid to apply the good ones. ${summary}`,
    );
  return report.applied || values['dry-run'] ? 0 : 1;
}

async function staffCommand(db: Db, config: Config, sub: string | undefined, args: string[]) {
  if (sub === 'password') return staffPasswordCommand(db, args);
  if (sub === 'create') return staffCreateCommand(db, config, args);
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, label: { type: 'string' } },
  });
  const email = values.email?.trim().toLowerCase();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError('--email <address> is required');
  if (sub === 'token') {
    const token = await db.transaction(async (tx) => {
      const user = await tx.query.staffUsers.findFirst({ where: (u, { eq }) => eq(u.email, email) });
      if (!user) throw new UsageError('no staff user with that email');
      await recordAudit(tx, { actor: 'cli', action: 'staff.token', target: `staff:${user.id}` });
      return issueStaffToken(tx, user.id, values.label ?? 'cli');
    });
    console.log(`API token (shown once):\n${token}`);
    return 0;
  }
  throw new UsageError(`unknown staff command "${sub ?? ''}"`);
}

async function run(argv: string[]): Promise<number> {
  const [group, sub, ...rest] = argv;
  if (!group || group === 'help' || group === '--help') {
    console.log(USAGE);
    return group ? 0 : 2;
  }
  if (!['members', 'staff'].includes(group)) throw new UsageError(`unknown command "${group}"`);
  if (group === 'members' && sub !== 'import') throw new UsageError(`unknown members command "${sub ?? ''}"`);
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = await resolveDatabase(config);
  try {
    await applyMigrations(database.url);
    const { sql, db } = connect(database.url, { max: 2 });
    try {
      return group === 'members' ? await membersImport(db, rest) : await staffCommand(db, config, sub, rest);
    } finally {
      await sql.end();
    }
  } finally {
    await database.release();
  }
}

// Exit explicitly: the embedded database's exit hooks would otherwise end the process with code 0.
let code = 1;
try {
  code = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(`error: ${error.message}\n\n${error instanceof UsageError ? USAGE : ''}`);
    code = 2;
  } else if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`error: ${error.message}\n\n${USAGE}`);
    code = 2;
  } else {
    console.error(error);
  }
}
process.exit(code);
