import type { Tx } from '../db/connect.ts';
import { auditLog } from '../db/schema.ts';

/** Appends one entry to the audit log: who did what to which thing. Never put an address in `details`. */
export async function recordAudit(
  tx: Tx,
  entry: { actor: string; action: string; target: string; details?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}
