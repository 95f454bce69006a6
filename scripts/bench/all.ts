/**
 * Every benchmark, one after another, then bench-results/REPORT.md.
 *
 *   npm run bench
 *
 * Runs each scripts/bench/*.ts that is a benchmark (not this file, the
 * report writer or the shared helpers) in its own Node process, so one's
 * memory and database never weigh on the next. The cheap ones go first, in a
 * fixed order; a benchmark added later runs after them, alphabetically. A
 * failure is reported and the rest still run; the exit code is 1 if any
 * failed.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { type BenchFailure, writeReport } from './writeReport.ts';

const NOT_BENCHMARKS = new Set(['all.ts', 'result.ts', 'support.ts', 'writeReport.ts', 'sesStub.ts']);
const ORDER = ['render.ts', 'import.ts', 'audience.ts'];

const here = import.meta.dirname;
const benches = (await readdir(here))
  .filter((f) => f.endsWith('.ts') && !NOT_BENCHMARKS.has(f))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const failures: BenchFailure[] = [];
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const start = performance.now();
  const { exitCode, signal } = await run(`${here}/${bench}`);
  const took = `${((performance.now() - start) / 1000).toFixed(1)} s`;
  if (exitCode === 0) {
    console.log(`== ${bench} finished in ${took}`);
  } else {
    console.log(`== ${bench} FAILED (${signal ?? `exit code ${exitCode}`}) after ${took}`);
    failures.push({ bench: basename(bench, '.ts'), exitCode, signal });
  }
}

console.log(`\nwrote ${await writeReport({ failures })}`);
if (failures.length > 0) {
  console.log(
    `${failures.length} of ${benches.length} benchmarks failed: ${failures.map((f) => f.bench).join(', ')}`,
  );
  process.exitCode = 1;
}

function rank(file: string): number {
  const i = ORDER.indexOf(file);
  return i === -1 ? ORDER.length : i;
}

function run(file: string): Promise<{ exitCode: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (exitCode, signal) => resolve({ exitCode, signal }));
  });
}
