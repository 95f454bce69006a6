import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connect.ts';
import { checkHeader, parseCsvRecord } from './csvRow.ts';
import {
  applyStaged,
  COPY_STAGED,
  copyLine,
  createStaging,
  type Execute,
  stagedRow,
} from './upsertMembers.ts';

export interface ImportOptions {
  /** Shown in the ledger's actor: `import:<label>`. */
  label: string;
  /** Apply the good rows even if some are bad. */
  skipInvalid?: boolean;
  /** Work out what would change, then roll everything back. */
  dryRun?: boolean;
  /** Rows per COPY write (default 1000). */
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

/** Text handed to COPY per write; large enough that the per-message cost vanishes. */
const COPY_CHUNK_CHARS = 256 * 1024;

/**
 * Imports a membership CSV export as a stream, in one transaction: either the
 * whole file applies, or (on any bad row without `skipInvalid`, or in a dry
 * run) nothing does. Rows are validated in Node and streamed with COPY into a
 * staging table, then applied by a handful of set-based statements
 * (`applyStaged`), which also find the people listed twice. Node's memory
 * stays flat whatever the file's size: the database holds the rows.
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
  const dialect = new PgDialect();

  try {
    await db.$client.begin(async (tx) => {
      const execute: Execute = async (query) => {
        const q = dialect.sqlToQuery(query);
        return tx.unsafe(q.sql, q.params as never[]) as never;
      };
      // Sorts and hashes over the whole file (and the ledger trigger's) stay in memory.
      await tx`set local work_mem = '256MB'`;
      await createStaging(execute);
      const copy = await tx.unsafe(COPY_STAGED).writable();
      // Records as arrays, named here: csv-parse's own column naming doubles its cost.
      const parser = input.pipe(
        parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: false }),
      );
      let failure: unknown;
      try {
        let header: string[] | undefined;
        let chunk = '';
        let rowsInChunk = 0;
        for await (const { record: fields, info } of parser as AsyncIterable<{
          record: string[];
          info: { lines: number };
        }>) {
          if (header === undefined) {
            header = fields.map((h) => h.trim());
            const headerProblems = checkHeader(header);
            if (headerProblems.length > 0) {
              for (const p of headerProblems) problem({ line: 1, ...p });
              report.invalid += 1;
              throw new Rollback('bad header');
            }
            continue;
          }
          report.rows += 1;
          const line = info.lines;
          const record: Record<string, string> = {};
          for (let i = 0; i < header.length; i++) record[header[i]!] = fields[i]!;
          const parsed = parseCsvRecord(record);
          if (!parsed.ok) {
            report.invalid += 1;
            for (const p of parsed.problems) problem({ line, ...p });
            continue;
          }
          chunk += copyLine(stagedRow(line, parsed.member));
          rowsInChunk += 1;
          if (rowsInChunk >= batchSize || chunk.length >= COPY_CHUNK_CHARS) {
            if (!copy.write(chunk)) await once(copy, 'drain');
            chunk = '';
            rowsInChunk = 0;
          }
        }
        if (chunk) copy.write(chunk);
      } catch (error) {
        failure = error;
      }
      // Finish the COPY even after a parse failure: the rollback undoes it, and
      // the connection stays in a known state.
      copy.end();
      await finished(copy);
      if (failure) throw failure;

      const staged = await applyStaged(
        execute,
        { source: 'import', actor: `import:${options.label}` },
        { refNoun: 'line', maxProblems },
      );
      report.invalid += staged.problemCount;
      report.inserted = staged.inserted;
      report.updated = staged.updated;
      report.unchanged = staged.unchanged;
      report.consentEntries = staged.consentEntries;
      // Problems found in Node and in the database, merged in line order.
      report.problems = [
        ...report.problems,
        ...staged.problems.map((p) => ({ line: p.ref, column: toColumn(p.field), message: p.message })),
      ]
        .sort((a, b) => a.line - b.line)
        .slice(0, maxProblems);
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

const toColumn = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
