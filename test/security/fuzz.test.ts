import { connect as netConnect } from 'node:net';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, issueStaffToken } from '../../src/staff/staffUsers.ts';
import { signInAs } from '../console/support.ts';
import { newPartner, portalSignIn, submit } from '../partners/support.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { freePort } from '../support/freePort.ts';
import { addMembers, member } from '../support/members.ts';
import { createSnsTestSigner, serveCertificate, TEST_TOPIC_ARN } from '../support/sns.ts';
import { seedCampaign } from '../unsubscribe/fixtures.ts';

/**
 * Every route (the OpenAPI document plus the pages and webhooks the router
 * knows that it does not list) gets malformed, wrong-typed and oversized
 * bodies, odd headers and query strings, with and without valid credentials.
 * No answer may be a 5xx, and an answer that refuses (4xx) must have changed
 * no row in any table.
 */

const SEED = 20_240_607;
/** Generated requests per route and method, on top of the fixed oversized one. */
const RUNS_PER_ROUTE = 12;

type Auth = 'staff' | 'partner' | 'portal' | 'console' | 'link' | 'none';
interface Route {
  method: string;
  /** With {param} placeholders. */
  path: string;
  auth: Auth;
  /** Top-level property names of the JSON body, when the API documents one. */
  bodyKeys: string[];
  bodyType: 'json' | 'form' | 'pdf' | 'none';
}

const signer = createSnsTestSigner();
let cert: Awaited<ReturnType<typeof serveCertificate>>;
let t: TestApp;
let routes: Route[];
const real: Record<string, string> = {};
let partnerKey: string;
let portalCookie: string;
let portalCsrf: string;
let linkToken: string;
let consoleSession: { cookie: string; csrf: string };

beforeAll(async () => {
  cert = await serveCertificate(signer);
  t = await createTestApp({
    env: {
      SNS_TOPIC_ARNS: TEST_TOPIC_ARN,
      SNS_CERT_HOST_PATTERN: '^127\\.0\\.0\\.1$',
      SNS_ALLOW_INSECURE_CERT_URL: 'true',
    },
  });
  // Something real behind each kind of id, so that handlers get past their lookups.
  const [memberId] = await addMembers(t.database.db, [member('fuzz.member@example.org', ['society-news'])]);
  real.member = String(memberId);
  const campaign = await json(
    await t.call(
      'POST',
      '/api/campaigns',
      { name: 'Fuzz', topic: 'society-news', subject: 'Hello', template: 'society-mailing' },
      t.tokens.editor,
    ),
  );
  real.campaign = String(campaign.id);
  const partner = await newPartner(t, 'Fuzz Books');
  partnerKey = partner.key;
  real.partner = String(partner.id);
  // A second key: the one a DELETE may revoke, so the partner keeps its own.
  real.key = String(
    (await json(await t.call('POST', `/api/partners/${partner.id}/keys`, { label: 'spare' }, t.tokens.admin)))
      .id,
  );
  real.offer = String(await submit(t, partnerKey, { imageUrl: undefined }));
  consoleSession = await signInAs(t, 'admin');
  const session = await portalSignIn(t, partnerKey);
  portalCookie = session.cookie;
  portalCsrf = session.csrf;
  const seeded = await seedCampaign(t);
  linkToken = seeded.recipients[0]!.unsubscribePath.split('/').pop()!;

  routes = await discoverRoutes(t);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await cert?.close();
});

/** The OpenAPI operations, then every other route the router has (pages, webhooks, health). */
async function discoverRoutes(app: TestApp): Promise<Route[]> {
  const doc = await json(await app.call('GET', '/openapi.json'));
  const schemas = doc.components?.schemas ?? {};
  const keysOf = (schema: any): string[] => {
    if (!schema) return [];
    if (schema.$ref) return keysOf(schemas[schema.$ref.split('/').pop()]);
    const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
    return [...Object.keys(schema.properties ?? {}), ...variants.flatMap(keysOf)];
  };
  const found: Route[] = [];
  for (const [path, operations] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(operations)) {
      const content = op.requestBody?.content ?? {};
      const security = JSON.stringify(op.security ?? []);
      found.push({
        method: method.toUpperCase(),
        path,
        auth: security.includes('partnerKey')
          ? 'partner'
          : security.includes('staffToken')
            ? 'staff'
            : 'none',
        bodyKeys: [...new Set(keysOf(content['application/json']?.schema))],
        bodyType: content['application/json'] ? 'json' : content['application/pdf'] ? 'pdf' : 'none',
      });
    }
  }
  const listed = new Set(found.map((r) => `${r.method} ${r.path}`));
  for (const r of app.app.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue; // middleware
    const path = r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
    if (listed.has(`${r.method} ${path}`)) continue;
    listed.add(`${r.method} ${path}`);
    const auth: Auth = /^\/[up]\//.test(path)
      ? 'link'
      : path.startsWith('/partner/')
        ? 'portal'
        : path.startsWith('/console/')
          ? 'console'
          : 'none';
    const signIn = ['/partner/sign-in', '/console/sign-in', '/console/first-sign-in'].includes(path);
    found.push({
      method: r.method,
      path,
      auth: signIn ? 'none' : auth,
      bodyKeys: ['key', 'csrf', 'List-Unsubscribe', 'action', 'title', 'subject', 'body'],
      bodyType: r.method === 'GET' ? 'none' : path.startsWith('/webhooks/') ? 'json' : 'form',
    });
  }
  return found;
}

/** A digest of every row of every table (bookkeeping timestamps aside), to prove nothing was written. */
async function databaseDigest(app: TestApp): Promise<Record<string, string>> {
  const tables = await app.database.sql<{ table_name: string }[]>`
    select table_name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;
  const parts = tables.map(
    ({ table_name: name }) =>
      `(select md5(coalesce(string_agg((to_jsonb(x) - 'last_used_at')::text, ',' order by x::text), '')) from "${name}" x) as "${name}"`,
  );
  const [row] = await app.database.sql.unsafe(`select ${parts.join(', ')}`);
  return row as Record<string, string>;
}

// ---- what a hostile client sends

const nasty = [
  "' or '1'='1",
  '1; drop table members; --',
  'a\r\nBcc: everyone@example.org',
  '\u0000',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '%00',
  '\u202e\ufeff',
  'x'.repeat(5000),
];
const wrongValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(...nasty),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, 1.5),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

const bodyFor = (route: Route): fc.Arbitrary<string | undefined> => {
  const shaped = fc
    .dictionary(fc.constantFrom(...route.bodyKeys, '__proto__', 'constructor', 'unknownField'), wrongValue, {
      maxKeys: 6,
    })
    .map((o) => JSON.stringify(o));
  const formShaped = fc
    .dictionary(
      fc.constantFrom(...route.bodyKeys, 'csrf'),
      fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...nasty)),
      {
        maxKeys: 5,
      },
    )
    .map((o) => new URLSearchParams(o).toString());
  return fc.oneof(
    route.bodyKeys.length > 0 ? shaped : fc.json({ maxDepth: 2 }),
    formShaped,
    fc.json({ maxDepth: 3 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '',
      '{',
      '[]',
      'null',
      '0',
      '"x"',
      '{"a":',
      '{"__proto__":{"isAdmin":true}}',
      '%PDF-1.4\n%%EOF',
    ),
    fc.constant(undefined),
  );
};

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=----fuzz',
  'application/pdf',
  'application/xml',
  ';;;=',
  '',
);

const paramValue = (name: string): fc.Arbitrary<string> => {
  const kind = { id: 'id', keyId: 'key', token: 'token' }[name] ?? 'id';
  const ids = [
    '0',
    '-1',
    '1.5',
    '1e3',
    'abc',
    '99999999',
    '99999999999999999999999',
    "1'--",
    '%27%20or%201%3D1',
    '%00',
    'NaN',
  ];
  if (kind === 'token') {
    const flipped = linkToken.slice(0, -2) + (linkToken.endsWith('A') ? 'BB' : 'AA');
    return fc.constantFrom(linkToken, flipped, 'forged', 'a'.repeat(5000), '%2e%2e%2f', "x'--", ...ids);
  }
  return fc.oneof(
    fc.constantFrom(...ids),
    // the real id of the right kind for the route, or another kind's
    fc.constantFrom(...Object.values(real)),
  );
};

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('limit', 'after', 'state', 'part', 'channel', 'overdue', 'id', 'q', 'x[]'),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('-1', '0', '1e9', '', 'true', ...nasty.slice(0, 4)),
      ),
      { maxKeys: 3 },
    )
    .map((q) => `?${new URLSearchParams(q).toString()}`),
  fc.constantFrom('?limit=%zz', '?a=1&a=2&a=3', `?${'p=1&'.repeat(500)}`, '?%', '?=&=&'),
);

type Credential = 'right' | 'none' | 'wrong';
const oddHeaders = fc.record(
  {
    'accept-language': fc.constantFrom('*', 'zz-ZZ;q=2', 'x'.repeat(8000), ',,;;'),
    origin: fc.constantFrom('null', 'https://evil.example', 'http://localhost:3000'),
    'sec-fetch-site': fc.constantFrom('cross-site', 'same-origin', 'none', 'bogus'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '1.1.1.1, 2.2.2.2'),
    'x-amz-sns-message-type': fc.constantFrom('Notification', 'SubscriptionConfirmation', 'Bogus'),
    'x-huge': fc.constant('h'.repeat(32 * 1024)),
    accept: fc.constantFrom('*/*', 'text/html', 'application/json', '\t'),
  },
  { requiredKeys: [] },
);

function headersFor(route: Route, credential: Credential, type: string, extra: Record<string, string>) {
  const headers: Record<string, string> = { ...extra };
  if (type) headers['content-type'] = type;
  const staff = `Bearer ${t.tokens.admin}`;
  const partner = `Bearer ${partnerKey}`;
  if (credential === 'right') {
    if (route.auth === 'staff') headers.authorization = staff;
    if (route.auth === 'partner') headers.authorization = partner;
    if (route.auth === 'portal') headers.cookie = portalCookie;
    if (route.auth === 'console') headers.cookie = consoleSession.cookie;
  } else if (credential === 'wrong') {
    // The other kind of credential, or one that is not a credential at all.
    const garbage = [
      'Bearer',
      'Basic Zm9vOmJhcg==',
      `Bearer ${'a'.repeat(300)}`,
      'bearer x',
      'Bearer a-b_c-d_e-f',
    ];
    headers.authorization = [route.auth === 'staff' ? partner : staff, ...garbage][
      (extra['x-huge']?.length ?? route.path.length) % (garbage.length + 1)
    ]!;
    headers.cookie = 'partner_session=forged; partner_session=also-forged';
  }
  return headers;
}

describe('fuzzing every HTTP route', () => {
  it('finds the API, the link pages, the webhook and the portal pages', () => {
    const paths = new Set(routes.map((r) => r.path));
    for (const p of [
      '/api/members',
      '/api/campaigns/{id}',
      '/u/{token}',
      '/p/{token}',
      '/webhooks/ses',
      '/partner/sign-in',
    ]) {
      expect(paths).toContain(p);
    }
    expect(routes.length).toBeGreaterThan(50);
  });

  it('never answers 5xx, and a refusal (4xx) changes no row', async () => {
    const failures: string[] = [];
    const tally = new Map<number, number>();
    let requests = 0;
    let digest = await databaseDigest(t);

    const send = async (path: string, init: RequestInit, label: string) => {
      requests++;
      const res = await t.app.request(path, init);
      await res.arrayBuffer();
      tally.set(res.status, (tally.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${res.status} ${label}`);
      const after = await databaseDigest(t);
      if (res.status >= 400) {
        const changed = Object.keys(after).filter((k) => after[k] !== digest[k]);
        if (changed.length > 0) failures.push(`${res.status} wrote to ${changed.join(', ')}: ${label}`);
      }
      digest = after;
    };

    for (const [i, route] of routes.entries()) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const concrete = (values: string[]) =>
        params.reduce((p, name, k) => p.replace(`{${name}}`, values[k]!), route.path);

      // One oversized body per route that takes one, with valid credentials: 413.
      if (route.method !== 'GET') {
        const big = 'x'.repeat(1024 * 1024 + 1);
        const path = concrete(
          params.map((p) => (p === 'token' ? linkToken : (real[p === 'keyId' ? 'key' : 'campaign'] ?? '1'))),
        );
        const res = await t.app.request(path, {
          method: route.method,
          headers: {
            ...headersFor(route, 'right', 'application/json', {}),
            'content-length': String(big.length),
          },
          body: big,
        });
        requests++;
        if (res.status !== 413)
          failures.push(`${res.status} instead of 413 for an oversized ${route.method} ${route.path}`);
      }

      await fc.assert(
        fc.asyncProperty(
          fc.tuple(...params.map(paramValue)),
          queryString,
          route.method === 'GET' ? fc.constant(undefined) : bodyFor(route),
          contentType,
          fc.constantFrom<Credential>('right', 'right', 'none', 'wrong'),
          oddHeaders,
          async (values, query, body, type, credential, extra) => {
            const path = concrete(values) + query;
            const headers = headersFor(route, credential, body === undefined ? '' : type, extra);
            if (route.bodyType === 'form' && credential === 'right' && body !== undefined) {
              // Portal forms past the CSRF check, so the handlers themselves see the junk.
              const csrf = route.auth === 'console' ? consoleSession.csrf : portalCsrf;
              body = `csrf=${encodeURIComponent(csrf)}&${body}`;
            }
            const label = `${route.method} ${path.slice(0, 120)} [${credential}, ${type}] ${String(body).slice(0, 120)}`;
            await send(path, { method: route.method, headers, body }, label);
          },
        ),
        { seed: SEED + i, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    }

    expect(failures).toEqual([]);
    // The process is fine: health, readiness, and a valid request still work.
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    expect((await t.call('GET', '/readyz')).status).toBe(200);
    // With a new account: the fuzzed admin routes may have revoked or disabled the existing ones.
    const freshId = await createStaffUser(t.database.db, {
      email: 'after-fuzz@staff.example',
      name: 'After the fuzz',
      role: 'editor',
    });
    const token = await issueStaffToken(t.database.db, freshId, 'after-fuzz');
    expect((await t.call('GET', '/api/campaigns', undefined, token)).status).toBe(200);
    // Enough requests got past authentication and reached the handlers' validation.
    expect(tally.get(400) ?? 0).toBeGreaterThan(50);
    expect(requests).toBeGreaterThan(routes.length * RUNS_PER_ROUTE);
  }, 180_000);
});

describe('header injection and oversized headers on the wire', () => {
  it('the HTTP server refuses CR/LF in a header, bare CR and 100 KB headers with 4xx, and keeps serving', async () => {
    const port = await freePort();
    const server = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = netConnect(port, '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (d) => {
          answer += d;
        });
        socket.on('end', () => resolve(answer));
        socket.on('close', () => resolve(answer));
        // Node answers a malformed request and resets the connection: keep what arrived.
        socket.on('error', () => resolve(answer));
      });
    try {
      const statusOf = async (request: string) => Number((await raw(request)).split(' ')[1]);
      expect(await statusOf('GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rInjected: 1\r\n\r\n')).toBe(400);
      expect(await statusOf('GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n')).toBeGreaterThanOrEqual(
        400,
      );
      expect(
        await statusOf(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`),
      ).toBe(431);
      expect(
        await statusOf('GET /u/abc%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      ).toBe(400);
      const page = await raw(
        'GET /u/abc%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expect(page.split('\r\n\r\n')[0]).not.toMatch(/^Set-Cookie: x=1/im);
      expect(await statusOf('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe(200);
    } finally {
      (server as import('node:http').Server).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
