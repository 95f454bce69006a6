import { fakerEN, fakerES, fakerFR } from '@faker-js/faker';
import { sql } from 'drizzle-orm';
import { CHANNELS, TOPICS } from '../consent/vocabulary.ts';
import type { Db } from '../db/connect.ts';
import type { MemberInput } from './memberInput.ts';
import { upsertMembers } from './upsertMembers.ts';

/** How likely a demo member is to have opted in, per channel and topic. */
const OPT_IN_RATES: Record<string, number> = {
  'email/society-news': 0.72,
  'email/events': 0.48,
  'email/internet-issues': 0.41,
  'email/partner-offers': 0.14,
  'postal/society-news': 0.18,
  'postal/events': 0.09,
  'postal/internet-issues': 0.06,
  'postal/partner-offers': 0.03,
};
const PLACES = [
  { country: 'US', language: 'en', faker: fakerEN, weight: 24 },
  { country: 'GB', language: 'en', faker: fakerEN, weight: 10 },
  { country: 'IN', language: 'en', faker: fakerEN, weight: 10 },
  { country: 'FR', language: 'fr', faker: fakerFR, weight: 9 },
  { country: 'CA', language: 'fr', faker: fakerFR, weight: 4 },
  { country: 'ES', language: 'es', faker: fakerES, weight: 8 },
  { country: 'MX', language: 'es', faker: fakerES, weight: 7 },
  { country: 'AR', language: 'es', faker: fakerES, weight: 5 },
  { country: 'DE', language: 'en', faker: fakerEN, weight: 8 },
  { country: 'KE', language: 'en', faker: fakerEN, weight: 5 },
  { country: 'BR', language: 'es', faker: fakerES, weight: 5 },
  { country: 'JP', language: 'en', faker: fakerEN, weight: 5 },
];
const TYPES = ['individual', 'individual', 'individual', 'student', 'organisation', 'life'];

/**
 * Seeds realistic fake members (only into an empty members table, so it is
 * safe to run at every start). Addresses use the reserved example.org domain.
 * Returns how many were created.
 */
export async function seedDemo(
  db: Db,
  { members, seed = 42 }: { members: number; seed?: number },
): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from members`);
  if (row!.n > 0) return 0;
  fakerEN.seed(seed);
  const totalWeight = PLACES.reduce((s, p) => s + p.weight, 0);
  const pick = () => {
    let r = fakerEN.number.float({ min: 0, max: totalWeight });
    for (const p of PLACES) {
      r -= p.weight;
      if (r <= 0) return p;
    }
    return PLACES[0]!;
  };
  let created = 0;
  for (let start = 0; start < members; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, members - start) }, (_, k) => {
      const i = start + k;
      const place = pick();
      const f = place.faker;
      const first = f.person.firstName();
      const last = f.person.lastName();
      const joined = fakerEN.date.between({ from: '2008-01-01', to: '2026-06-30' });
      const renewed = fakerEN.datatype.boolean(0.7)
        ? fakerEN.date.between({ from: joined, to: '2026-11-30' })
        : undefined;
      const member: MemberInput = {
        externalId: `DEMO-${String(i + 1).padStart(6, '0')}`,
        email: `${first}.${last}.${i}@example.org`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
        name: `${first} ${last}`,
        addressLine1: f.location.streetAddress(),
        city: f.location.city(),
        postalCode: f.location.zipCode(),
        country: place.country,
        chapter: `${place.country} Chapter`,
        membershipType: fakerEN.helpers.arrayElement(TYPES),
        language: place.language,
        status: fakerEN.datatype.boolean(0.88) ? 'active' : 'lapsed',
        joinedOn: joined.toISOString().slice(0, 10),
        renewedOn: renewed?.toISOString().slice(0, 10),
        consents: CHANNELS.flatMap((channel) =>
          TOPICS.map((topic) => ({
            topic,
            channel,
            granted: fakerEN.datatype.boolean(OPT_IN_RATES[`${channel}/${topic}`]!),
            at: (renewed ?? joined).toISOString(),
          })),
        ).filter((c) => c.granted || fakerEN.datatype.boolean(0.3)),
      };
      return { ref: i, member };
    });
    await db.transaction(async (tx) => {
      const outcome = await upsertMembers(tx, batch, { source: 'join-form', actor: 'demo-seed' });
      created += outcome.inserted;
    });
  }
  return created;
}
