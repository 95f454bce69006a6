/**
 * Runs every fault-injection script at its CI size, one after the other (they
 * each start their own PostgreSQL, SES stub and workers), and exits non-zero
 * if any failed. Extra flags are passed to every script.
 *
 *   npm run faults
 *   npm run faults -- --recipients 50000 --time-limit 3600
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const scripts = ['killWorker.ts', 'restartPostgres.ts', 'sesOutage.ts', 'sesSlow.ts', 'threeWorkers.ts'];
const extra = process.argv.slice(2);
const results: { script: string; code: number | null; seconds: number }[] = [];
for (const script of scripts) {
  const started = Date.now();
  console.log(`\n### ${script}`);
  const child = spawn(process.execPath, [join(import.meta.dirname, script), ...extra], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  results.push({ script, code, seconds: (Date.now() - started) / 1000 });
}
console.log('\n### fault injection summary');
for (const r of results) {
  console.log(`  ${r.code === 0 ? 'PASS' : 'FAIL'}  ${r.script.padEnd(22)} ${r.seconds.toFixed(0)} s`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
