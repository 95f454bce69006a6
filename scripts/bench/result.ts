import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One benchmark figure, as written to bench-results/<name>.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with: a target or a measured bare baseline. */
  baseline: number;
  baselineLabel: string;
  /** value / baseline. */
  ratio: number;
  /** Whether the figure meets its target. */
  pass: boolean;
  parameters: Record<string, unknown>;
}

export const resultsDir = join(import.meta.dirname, '..', '..', 'bench-results');

/** Prints the figure beside its baseline and writes it to bench-results/<name>.json. */
export async function report(result: Omit<BenchResult, 'ratio'>): Promise<BenchResult> {
  const full: BenchResult = { ...result, ratio: Number((result.value / result.baseline).toFixed(3)) };
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, `${result.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  const mark = full.pass ? 'PASS' : 'MISS';
  console.log(
    `${mark} ${full.name}: ${fmt(full.value)} ${full.unit}  (baseline ${full.baselineLabel}: ${fmt(full.baseline)} ${full.unit}, ratio ${full.ratio})`,
  );
  return full;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
