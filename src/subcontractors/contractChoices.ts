import { sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';

/** A contract staff may pick for a Society campaign. */
export interface ContractChoice {
  id: number;
  reference: string;
  subcontractor: string;
  service: 'email' | 'postal';
  validTo: string;
}

/**
 * The contracts a Society mailing may go out under today: active, within
 * their dates, permitting the society-mailing purpose. Which of them fits a
 * campaign is then a matter of its channel (`contractProblem`).
 */
export async function liveContracts(tx: Tx, on: Date): Promise<ContractChoice[]> {
  const rows = await tx.execute<{
    id: string;
    reference: string;
    subcontractor: string;
    service: 'email' | 'postal';
    valid_to: string;
  }>(sql`
    select c.id, c.reference, s.name as subcontractor, s.service, c.valid_to::text as valid_to
      from contracts c join subcontractors s on s.id = c.subcontractor_id
     where c.status = 'active' and 'society-mailing' = any(c.purposes)
       and ${on.toISOString().slice(0, 10)}::date between c.valid_from and c.valid_to
     order by s.service, c.reference`);
  return rows.map((r) => ({
    id: Number(r.id),
    reference: r.reference,
    subcontractor: r.subcontractor,
    service: r.service,
    validTo: r.valid_to,
  }));
}

/** Why a chosen contract cannot carry a campaign on `channel`, in words; null when it can. */
export function contractProblem(
  choices: readonly ContractChoice[],
  contractId: number,
  channel: string,
): string | null {
  const chosen = choices.find((c) => c.id === contractId);
  if (!chosen) return 'choose one of the contracts in force listed here';
  if (chosen.service !== channel) {
    return `contract ${chosen.reference} covers ${chosen.service === 'postal' ? 'post' : 'email'}, not ${channel === 'postal' ? 'post' : channel}`;
  }
  return null;
}

/** "SES-DEFAULT (Amazon SES)": how a campaign page names its contract, whatever its state now. */
export async function contractName(tx: Tx, id: number): Promise<string | null> {
  const [row] = await tx.execute<{ reference: string; subcontractor: string; status: string }>(sql`
    select c.reference, s.name as subcontractor, c.status
      from contracts c join subcontractors s on s.id = c.subcontractor_id where c.id = ${id}`);
  if (!row) return null;
  return `${row.reference} (${row.subcontractor})${row.status === 'active' ? '' : `, now ${row.status}`}`;
}
