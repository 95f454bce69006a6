import { sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';
import { type AudienceCriteria, eligibleMembers } from './eligibility.ts';
import { assertSegment } from './segment.ts';

/** Counts only: how big an audience would be, and where. Never an address or an id. */
export interface AudiencePreview {
  total: number;
  /** Largest first; `country: null` counts members with no country on file, last among equals. */
  byCountry: { country: string | null; count: number }[];
  byLanguage: { language: string; count: number }[];
}

/**
 * Counts who a campaign with these criteria would reach right now, with the
 * same eligibility rule `buildAudience` freezes, in one scan (grouping sets).
 */
export async function audiencePreview(db: Tx, criteria: AudienceCriteria): Promise<AudiencePreview> {
  const segment = assertSegment(criteria.segment);
  const rows = await db.execute<{
    country: string | null;
    language: string | null;
    count: number;
    set: number;
  }>(sql`
    select m.country, m.language, count(*)::int as count,
           grouping(m.country, m.language)::int as set
    ${eligibleMembers({ ...criteria, segment })}
    group by grouping sets ((m.country), (m.language), ())`);
  const preview: AudiencePreview = { total: 0, byCountry: [], byLanguage: [] };
  for (const row of rows) {
    // grouping() sets a bit per column left out: 1 = by country, 2 = by language, 3 = total.
    if (row.set === 3) preview.total = row.count;
    else if (row.set === 1) preview.byCountry.push({ country: row.country, count: row.count });
    else if (row.set === 2) preview.byLanguage.push({ language: row.language!, count: row.count });
  }
  preview.byCountry.sort(
    (a, b) =>
      b.count - a.count ||
      (a.country === null ? 1 : b.country === null ? -1 : a.country.localeCompare(b.country)),
  );
  preview.byLanguage.sort((a, b) => b.count - a.count || a.language.localeCompare(b.language));
  return preview;
}
