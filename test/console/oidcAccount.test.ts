import { describe, expect, it } from 'vitest';
import { identityFromClaims, matchStaffAccount } from '../../src/console/oidcAccount.ts';
import { decodeFlow, encodeFlow } from '../../src/console/oidcFlow.ts';

const staff = (over: Partial<{ id: number; disabled: boolean; oidcSubject: string | null }> = {}) => ({
  id: 7,
  disabled: false,
  oidcSubject: null,
  ...over,
});
const alice = { subject: 'sub-alice', email: 'alice@staff.example', emailVerified: true };

describe('identityFromClaims', () => {
  it('normalises the address and reads email_verified as a boolean or the strings some providers send', () => {
    expect(identityFromClaims({ sub: 's1', email: ' Alice@Staff.Example ', email_verified: true })).toEqual({
      subject: 's1',
      email: 'alice@staff.example',
      emailVerified: true,
    });
    expect(
      identityFromClaims({ sub: 's1', email: 'a@b.example', email_verified: 'false' })?.emailVerified,
    ).toBe(false);
    expect(identityFromClaims({ sub: 's1', email: 'a@b.example' })).toEqual({
      subject: 's1',
      email: 'a@b.example',
    });
  });

  it('drops an address that is not one, and refuses claims without a subject', () => {
    expect(identityFromClaims({ sub: 's1', email: 'not an address' })).toEqual({ subject: 's1' });
    expect(identityFromClaims({ sub: 's1', email: 42 })).toEqual({ subject: 's1' });
    expect(identityFromClaims({ email: 'a@b.example' })).toBeNull();
    expect(identityFromClaims({ sub: '' })).toBeNull();
  });
});

describe('matchStaffAccount', () => {
  it('opens an enabled account and binds it on the first single sign-on', () => {
    expect(matchStaffAccount(alice, staff(), null)).toEqual({ type: 'match', staffUserId: 7, bind: true });
    expect(matchStaffAccount(alice, staff({ oidcSubject: 'sub-alice' }), 7)).toEqual({
      type: 'match',
      staffUserId: 7,
      bind: false,
    });
    // A provider that never says whether it verified the address is taken at its word.
    const { emailVerified: _, ...unsaid } = alice;
    expect(matchStaffAccount(unsaid, staff(), null).type).toBe('match');
  });

  it('refuses, naming why', () => {
    const reason = (...args: Parameters<typeof matchStaffAccount>) => {
      const m = matchStaffAccount(...args);
      return m.type === 'refused' ? m.reason : 'opened';
    };
    expect(reason({ subject: 'sub-alice' }, staff(), null)).toBe('no-email');
    expect(reason({ ...alice, emailVerified: false }, staff(), null)).toBe('email-unverified');
    expect(reason(alice, null, null)).toBe('unknown');
    expect(reason(alice, staff({ disabled: true }), null)).toBe('disabled');
    expect(reason(alice, staff({ oidcSubject: 'sub-someone-else' }), null)).toBe('subject-mismatch');
    expect(reason(alice, staff(), 8)).toBe('subject-elsewhere');
  });
});

describe('the flow cookie', () => {
  const flow = {
    state: 'a'.repeat(43),
    nonce: 'b'.repeat(43),
    verifier: 'c'.repeat(43),
    next: '/console/members',
  };

  it('round-trips, and anything else reads as no flow', () => {
    expect(decodeFlow(encodeFlow(flow))).toEqual(flow);
    expect(decodeFlow(undefined)).toBeNull();
    expect(decodeFlow('not base64 json')).toBeNull();
    expect(decodeFlow(encodeFlow({ ...flow, state: 'short' }))).toBeNull();
    expect(decodeFlow(Buffer.from('{"state":1}').toString('base64url'))).toBeNull();
  });
});
