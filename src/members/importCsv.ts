import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../db/connect.ts';
import { checkHeader, parseCsvRecord } from './csvRow.ts';
import { normalizeEmail } from './email.ts';
import type { MemberInput } from './memberInput.ts';
import { type SourcedMember, upsertMembers } from './upsertMembers.ts';

export interface ImportOptions {
  /** Shown in the ledger's actor: `import:<label>`. */
  label: string;
  /** Apply the good rows even if some are bad. */
  skipInvalid?: boolean;
  /** Work out what would change, then roll everything back. */
  dryRun?: boolean;
  batchSize?: number;
  /** Stop collecting problem details past this many (they are still counted). */
  maxProblems?: number;
}

export interface ImportProblem {
  line: number;
  column: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  invalid: number;
  inserted: number;
  updated: number;
  unchanged: number;
  consentEntries: number;
  problems: ImportProblem[];
  /** True when the changes were committed. */
  applied: boolean;
}

class Rollback extends Error {}

/**
 * Imports a membership CSV export as a stream, in one transaction: either the
 * whole file applies, or (on any bad row without `skipInvalid`, or in a dry
 * run) nothing does. Memory stays flat: rows are validated and upserted in
 * batches; only the addresses and ids seen so far are remembered, to catch a
 * person listed twice.
 */
export async function importMembersCsv(
  db: Db,
  input: Readable,
  options: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    rows: 0,
    invalid: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    consentEntries: 0,
    problems: [],
    applied: false,
  };
  const maxProblems = options.maxProblems ?? 1000;
  const batchSize = options.batchSize ?? 1000;
  const problem = (p: ImportProblem) => {
    if (report.problems.length < maxProblems) report.problems.push(p);
  };
  const seenEmails = new Map<string, number>();
  const seenExternal = new Map<string, number>();

  try {
    await db.transaction(async (tx) => {
      let batch: SourcedMember[] = [];
      const flush = async () => {
        const outcome = await upsertMembers(tx, batch, {
          source: 'import',
          actor: `import:${options.label}`,
        });
        batch = [];
        for (const p of outcome.problems)
          problem({ line: p.ref, column: toColumn(p.field), message: p.message });
        report.invalid += outcome.problems.length;
        report.inserted += outcome.inserted;
        report.updated += outcome.updated;
        report.unchanged += outcome.unchanged;
        report.consentEntries += outcome.consentEntries;
      };
      const parser = input.pipe(
        parse({
          bom: true,
          columns: (header: string[]) => {
            const trimmed = header.map((h) => h.trim());
            const headerProblems = checkHeader(trimmed);
            if (headerProblems.length > 0) {
              for (const p of headerProblems) problem({ line: 1, ...p });
              report.invalid += 1;
              throw new Rollback('bad header');
            }
            return trimmed;
          },
          info: true,
          skip_empty_lines: true,
          relax_column_count: false,
        }),
      );
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        report.rows += 1;
        const line = info.lines;
        const parsed = parseCsvRecord(record);
        if (!parsed.ok) {
          report.invalid += 1;
          for (const p of parsed.problems) problem({ line, ...p });
          continue;
        }
        const duplicate = firstDuplicate(parsed.member, line, seenEmails, seenExternal);
        if (duplicate) {
          report.invalid += 1;
          problem(duplicate);
          continue;
        }
        batch.push({ ref: line, member: parsed.member });
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      if (options.dryRun || (report.invalid > 0 && !options.skipInvalid)) throw new Rollback('not applied');
    });
    report.applied = true;
  } catch (error) {
    if (error instanceof Rollback) return report;
    const csvError = error as { code?: string; lines?: number; message: string };
    if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
      report.invalid += 1;
      problem({ line: csvError.lines ?? 0, column: '-', message: csvError.message });
      return report;
    }
    throw error;
  }
  return report;
}

function firstDuplicate(
  member: MemberInput,
  line: number,
  seenEmails: Map<string, number>,
  seenExternal: Map<string, number>,
): ImportProblem | undefined {
  const email = normalizeEmail(member.email);
  const earlier = seenEmails.get(email);
  if (earlier !== undefined) return { line, column: 'email', message: `same address as line ${earlier}` };
  if (member.externalId !== undefined) {
    const earlierExternal = seenExternal.get(member.externalId);
    if (earlierExternal !== undefined) {
      return { line, column: 'external_id', message: `same external id as line ${earlierExternal}` };
    }
    seenExternal.set(member.externalId, line);
  }
  seenEmails.set(email, line);
  return undefined;
}

const toColumn = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
