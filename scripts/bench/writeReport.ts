/**
 * Gathers every bench-results/*.json into bench-results/REPORT.md: one table
 * row per figure beside its baseline, with the date and the machine.
 *
 *   npx node scripts/bench/writeReport.ts
 *
 * `npm run bench` calls it after the benchmarks; run alone it reports
 * whatever results are on disk, each with the time it was measured.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { type BenchResult, resultsDir } from './result.ts';

/** A benchmark that ended without writing its figures. */
export interface BenchFailure {
  bench: string;
  exitCode: number | null;
  signal?: string | null;
}

/** Writes bench-results/REPORT.md and returns its path. */
export async function writeReport(options: { failures?: readonly BenchFailure[] } = {}): Promise<string> {
  const files = (await readdir(resultsDir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const rows: string[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    const path = join(resultsDir, file);
    const result = asResult(JSON.parse(await readFile(path, 'utf8')));
    if (!result) {
      unreadable.push(file);
      continue;
    }
    const measured = (await stat(path)).mtime.toISOString().slice(0, 16).replace('T', ' ');
    rows.push(
      row([
        `\`${result.name}\``,
        `${fmt(result.value)} ${result.unit}`,
        `${result.baselineLabel}: ${fmt(result.baseline)} ${result.unit}`,
        fmt(result.ratio),
        result.pass ? 'PASS' : '**MISS**',
        summarise(result.parameters),
        measured,
      ]),
    );
  }

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    '# Benchmark results',
    '',
    `Written ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${platform()} ${release()}, ` +
      `${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(1)} GB memory, Node ${process.version}.`,
    '',
    'Ratio is value ÷ baseline. Regenerate with `npm run bench`, or rewrite this table from the results on disk',
    'with `npx node scripts/bench/writeReport.ts`.',
    '',
    row(['Figure', 'Value', 'Baseline', 'Ratio', 'Result', 'Parameters', 'Measured (UTC)']),
    row(['---', '---:', '---', '---:', ':---:', '---', '---']),
    ...rows,
  ];
  if (rows.length === 0) lines.push('', 'No results yet.');
  if (unreadable.length > 0) lines.push('', `Not benchmark results, left out: ${unreadable.join(', ')}.`);
  const failures = options.failures ?? [];
  if (failures.length > 0) {
    lines.push('', 'Benchmarks that did not finish (any figures above from them are older):', '');
    for (const f of failures) {
      lines.push(`- \`${f.bench}\`: ${f.signal ? `killed by ${f.signal}` : `exit code ${f.exitCode}`}`);
    }
  }
  const out = join(resultsDir, 'REPORT.md');
  await writeFile(out, `${lines.join('\n')}\n`);
  return out;
}

function asResult(value: unknown): BenchResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<BenchResult>;
  const ok =
    typeof r.name === 'string' &&
    typeof r.value === 'number' &&
    typeof r.unit === 'string' &&
    typeof r.baseline === 'number' &&
    typeof r.baselineLabel === 'string' &&
    typeof r.ratio === 'number' &&
    typeof r.pass === 'boolean';
  return ok ? { ...(r as BenchResult), parameters: r.parameters ?? {} } : undefined;
}

/** `key=value` for each parameter, nested values as compact JSON cut at 60 characters. */
function summarise(parameters: Record<string, unknown>): string {
  return Object.entries(parameters ?? {})
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `${key}=${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
    })
    .join(', ');
}

const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3))));

if (import.meta.main) {
  console.log(`wrote ${await writeReport()}`);
}
