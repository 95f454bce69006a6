import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/consent/vocabulary.ts';
import {
  generateSigningKey,
  type LinkTokenPayload,
  parseSigningKeys,
  signLinkToken,
  verifyLinkToken,
} from '../../src/unsubscribe/linkToken.ts';

const current = { kid: 'k2', secret: randomBytes(32) };
const previous = { kid: 'k1', secret: randomBytes(32) };
const keys = [current, previous];

const payload: LinkTokenPayload = {
  recipientToken: 'Xr4_9fQz-LmP2sWd7TkQaB',
  topic: 'events',
  campaignId: 4711,
  issuedAt: 1_767_225_600,
};

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

describe('link tokens', () => {
  it('round-trips, URL-safe and compact', () => {
    const token = signLinkToken(payload, keys);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(token.length).toBeLessThan(120);
    expect(verifyLinkToken(token, keys)).toEqual({ ok: true, payload, kid: 'k2' });
  });

  it('stays under 120 characters at the largest payload', () => {
    const token = signLinkToken(
      {
        recipientToken: 'a'.repeat(64),
        topic: 'partner-offers',
        campaignId: 2 ** 40 - 1,
        issuedAt: 2 ** 40 - 1,
      },
      [{ kid: 'twelve-chars', secret: current.secret }],
    );
    expect(token.length).toBeLessThan(120);
  });

  it('carries no address or member id, only the recipient token', () => {
    const token = signLinkToken(payload, keys);
    expect(token.split('.')).toHaveLength(4);
    expect(token).not.toContain('@');
    expect(token.split('.')[2]).toBe(payload.recipientToken);
  });

  it('round-trips every topic and boundary values', () => {
    for (const topic of TOPICS) {
      for (const [campaignId, issuedAt] of [
        [1, 0],
        [2 ** 40 - 1, 2 ** 40 - 1],
      ] as const) {
        const p = { recipientToken: 'a', topic, campaignId, issuedAt };
        expect(verifyLinkToken(signLinkToken(p, keys), keys)).toMatchObject({ ok: true, payload: p });
      }
    }
  });

  it('fails on every single-character alteration', () => {
    const token = signLinkToken(payload, keys);
    for (let i = 0; i < token.length; i++) {
      for (const c of URL_SAFE) {
        if (c === token[i]) continue;
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        const result = verifyLinkToken(altered, keys);
        expect(result.ok, `position ${i} -> ${c}`).toBe(false);
      }
    }
  });

  it('fails on every truncation and extension', () => {
    const token = signLinkToken(payload, keys);
    for (let n = 0; n < token.length; n++) {
      expect(verifyLinkToken(token.slice(0, n), keys).ok).toBe(false);
      expect(verifyLinkToken(token.slice(n + 1), keys).ok).toBe(false);
    }
    expect(verifyLinkToken(`${token}A`, keys).ok).toBe(false);
    expect(verifyLinkToken(`${token}=`, keys).ok).toBe(false);
    expect(verifyLinkToken(`${token}.`, keys).ok).toBe(false);
  });

  it('says why a token is refused', () => {
    const token = signLinkToken(payload, keys);
    expect(verifyLinkToken('', keys)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLinkToken('not a token', keys)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLinkToken(token.replace(/^k2\./, 'k9.'), keys)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    expect(verifyLinkToken(token, [{ kid: 'k2', secret: randomBytes(32) }])).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a token signed with a key that is not listed', () => {
    const stranger = signLinkToken(payload, [{ kid: 'k2', secret: randomBytes(32) }]);
    expect(verifyLinkToken(stranger, keys)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('keeps verifying tokens signed with a rotated-out key while it is listed', () => {
    const old = signLinkToken(payload, [previous]);
    expect(verifyLinkToken(old, keys)).toEqual({ ok: true, payload, kid: 'k1' });
    expect(verifyLinkToken(old, [current])).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('will not sign an invalid payload', () => {
    expect(() => signLinkToken({ ...payload, recipientToken: 'a.b' }, keys)).toThrow(/recipientToken/);
    expect(() => signLinkToken({ ...payload, recipientToken: 'a'.repeat(65) }, keys)).toThrow(
      /recipientToken/,
    );
    expect(() => signLinkToken({ ...payload, campaignId: 0 }, keys)).toThrow(/campaignId/);
    expect(() => signLinkToken({ ...payload, topic: 'nope' as never }, keys)).toThrow(/topic/);
    expect(() => signLinkToken(payload, [])).toThrow(/no signing key/);
  });

  describe('property: a tampered token never verifies as anything but the original', () => {
    const arbPayload = fc.record({
      recipientToken: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      topic: fc.constantFrom(...TOPICS),
      campaignId: fc.integer({ min: 1, max: 2 ** 40 - 1 }),
      issuedAt: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
    });

    function expectNoForgery(original: LinkTokenPayload, candidate: string) {
      const result = verifyLinkToken(candidate, keys);
      if (result.ok) expect(result.payload).toEqual(original);
    }

    it('random byte flips', () => {
      fc.assert(
        fc.property(
          arbPayload,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
          (p, flips) => {
            const bytes = Buffer.from(signLinkToken(p, keys), 'latin1');
            for (const [at, mask] of flips) {
              const i = at % bytes.length;
              bytes[i] = bytes[i]! ^ mask;
            }
            const tampered = bytes.toString('latin1');
            const result = verifyLinkToken(tampered, keys);
            if (tampered !== signLinkToken(p, keys)) expect(result.ok).toBe(false);
            expectNoForgery(p, tampered);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('random strings', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{1,12}(\.[A-Za-z0-9_-]{1,64}){3}$/)),
          (s) => {
            expect(verifyLinkToken(s, keys).ok).toBe(false);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('splices and concatenations of two valid tokens', () => {
      fc.assert(
        fc.property(arbPayload, arbPayload, fc.nat(), fc.nat(), (a, b, i, j) => {
          const ta = signLinkToken(a, keys);
          const tb = signLinkToken(b, [previous]);
          const splice = ta.slice(0, i % (ta.length + 1)) + tb.slice(j % (tb.length + 1));
          const result = verifyLinkToken(splice, keys);
          if (result.ok) expect([a, b]).toContainEqual(result.payload);
          expect(verifyLinkToken(ta + tb, keys).ok).toBe(false);
          expect(verifyLinkToken(`${ta}.${tb}`, keys).ok).toBe(false);
          // Swap the signed parts of one token for the other's, keeping the MAC.
          const [, ha, ra] = ta.split('.');
          const [, hb, rb, mb] = tb.split('.');
          expectNoForgery(b, `k1.${ha}.${rb}.${mb}`);
          expectNoForgery(b, `k1.${hb}.${ra}.${mb}`);
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('parseSigningKeys', () => {
  const secret = randomBytes(32).toString('base64');

  it('parses kid:base64secret entries in order', () => {
    const parsed = parseSigningKeys([`new:${secret}`, `old:${randomBytes(48).toString('base64url')}`]);
    expect(parsed.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(parsed[0]?.secret.toString('base64')).toBe(secret);
    expect(parsed[1]?.secret).toHaveLength(48);
  });

  it('accepts what generateSigningKey makes', () => {
    const [key] = parseSigningKeys([generateSigningKey('2026-01')]);
    expect(key?.kid).toBe('2026-01');
    expect(key?.secret).toHaveLength(32);
  });

  it('rejects a short secret with a clear message that does not echo it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseSigningKeys([`k1:${short}`])).toThrow(
      /entry 1 \(kid "k1"\): secret is 16 bytes, at least 32/,
    );
    try {
      parseSigningKeys([`k1:${short}`]);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('names every bad entry at once', () => {
    expect(() =>
      parseSigningKeys(['no-colon', `bad kid:${secret}`, `k1:${secret}`, `k1:${secret}`, 'k3:***']),
    ).toThrow(
      /entry 1: .*\n.*entry 2: key id.*\n.*entry 4: key id "k1" is listed twice\n.*entry 5 .*not base64/,
    );
    expect(() => parseSigningKeys([])).toThrow(/no signing key/);
  });
});
