/**
 * What personalising one message costs once its campaign is compiled.
 *
 *   npx node scripts/bench/render.ts                     # 100,000 recipients
 *   npx node scripts/bench/render.ts --recipients 20000
 *
 * Compiles emails/society-mailing.mjml once, then renders HTML and text for
 * synthetic recipients (a share of them with names that need escaping) and
 * measures bytes out as a sender would need them (`Buffer.byteLength` forces
 * the joined strings flat). Reports the median of several rounds in µs per
 * recipient against the 50 µs target.
 */
import { parseArgs } from 'node:util';
import { compileCampaign } from '../../src/templates/compileCampaign.ts';
import { loadTemplate } from '../../src/templates/loadTemplate.ts';
import { renderFor } from '../../src/templates/render.ts';
import type { Recipient } from '../../src/templates/types.ts';
import { report } from './result.ts';

const TARGET_MICROSECONDS = 50;
const ROUNDS = 5;

const { values: args } = parseArgs({ options: { recipients: { type: 'string', default: '100000' } } });
const count = Number(args.recipients);
if (!Number.isSafeInteger(count) || count < 1000) {
  throw new Error(`--recipients must be a whole number ≥ 1000, got ${args.recipients}`);
}

const loaded = await loadTemplate('society-mailing');
if (!loaded.ok) throw new Error('emails/society-mailing.mjml is missing');
const compileStart = performance.now();
const compiled = await compileCampaign({
  mjml: loaded.mjml,
  topicLabel: 'Society news',
  footer: {
    societyName: 'The Society',
    postalAddress: '1775 Wiehle Avenue, Suite 201, Reston, VA 20190, USA',
  },
});
const compileMs = performance.now() - compileStart;
if (!compiled.ok) throw new Error(`society-mailing does not compile: ${JSON.stringify(compiled)}`);
const template = compiled.template;

const FIRST = ['Ada', 'Grace', 'Tim', 'Radia', 'Vint', 'Zoé', 'José', "Seán O'Brien", 'Li & Wang', '<Anon>'];
const LAST = ['Lovelace', 'Hopper', 'Berners-Lee', 'Perlman', 'Cerf', 'Durand', 'García', 'Nakamura'];
const recipients: Recipient[] = Array.from({ length: count }, (_, i) => {
  const token = i.toString(36).padStart(8, '0');
  return {
    name: `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]}`,
    unsubscribeUrl: `https://mail.society.example/u/${token}?topic=society-news&c=42`,
    preferencesUrl: `https://mail.society.example/p/${token}`,
  };
});

function round(): { microseconds: number; bytes: number } {
  let bytes = 0;
  const start = performance.now();
  for (const recipient of recipients) {
    const { html, text } = renderFor(template, recipient);
    bytes += Buffer.byteLength(html) + Buffer.byteLength(text);
  }
  return { microseconds: ((performance.now() - start) * 1000) / count, bytes };
}

round(); // warm-up
const rounds = Array.from({ length: ROUNDS }, round);
const sorted = rounds.map((r) => r.microseconds).sort((a, b) => a - b);
const median = sorted[Math.floor(ROUNDS / 2)]!;

await report({
  name: 'render-per-recipient',
  value: Number(median.toFixed(2)),
  unit: 'µs/recipient',
  baseline: TARGET_MICROSECONDS,
  baselineLabel: 'target',
  pass: median <= TARGET_MICROSECONDS,
  parameters: {
    recipients: count,
    rounds: ROUNDS,
    template: 'society-mailing',
    compileMs: Number(compileMs.toFixed(1)),
    averageBytesPerMessage: Math.round(rounds[0]!.bytes / count),
    roundsMicroseconds: sorted.map((m) => Number(m.toFixed(2))),
    node: process.version,
  },
});
