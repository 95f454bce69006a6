import { sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';
import type { Purpose, Service } from './contractTerms.ts';

/**
 * The contract a campaign goes out under when it names none: the oldest
 * active one for the channel's service that allows the purpose today. None:
 * null, and the dispatch is refused.
 */
export async function defaultContractId(
  tx: Tx,
  service: Service,
  purpose: Purpose,
  on: Date,
): Promise<number | null> {
  const [row] = await tx.execute<{ id: string }>(sql`
    select c.id from contracts c join subcontractors s on s.id = c.subcontractor_id
     where s.service = ${service} and c.status = 'active' and ${purpose} = any(c.purposes)
       and ${on.toISOString().slice(0, 10)}::date between c.valid_from and c.valid_to
     order by c.id limit 1`);
  return row ? Number(row.id) : null;
}

/**
 * On a fresh install: the email service and a first contract for it, so a
 * laptop can send at once. Staff review and replace it with the signed terms.
 */
export async function ensureEmailContract(tx: Tx, today: Date): Promise<void> {
  const [existing] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from subcontractors`);
  if (existing!.n > 0) return;
  const [ses] = await tx.execute<{ id: string }>(sql`
    insert into subcontractors (name, service) values ('Amazon SES', 'email') returning id`);
  const from = today.toISOString().slice(0, 10);
  const to = new Date(today.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  await tx.execute(sql`
    insert into contracts (subcontractor_id, reference, purposes, fields, valid_from, valid_to,
                           max_recipients_per_dispatch, retention_days, seeds_required, status)
    values (${ses!.id}, 'SES-DEFAULT', ${'{society-mailing,partner-offer}'}::text[], ${'{email,name}'}::text[],
            ${from}, ${to}, 2000000, 30, true, 'active')`);
}
