import { describe, expect, it } from 'vitest';
import {
  type ContractTerms,
  checkContract,
  personalisationOf,
  projectFields,
  type RecipientData,
} from '../../src/subcontractors/contractTerms.ts';

const contract: ContractTerms = {
  status: 'active',
  service: 'email',
  purposes: ['society-mailing', 'partner-offer'],
  fields: ['email', 'firstName'],
  validFrom: '2030-01-01',
  validTo: '2030-12-31',
  maxRecipientsPerDispatch: 100,
  seedsRequired: true,
};
const request = {
  purpose: 'partner-offer' as const,
  channel: 'email' as const,
  recipientCount: 100,
  seedCount: 1,
  on: new Date('2030-06-01T12:00:00Z'),
};

describe('checkContract', () => {
  it('allows a dispatch within every clause, both ends of the dates included', () => {
    expect(checkContract(contract, request)).toEqual({ type: 'ok' });
    expect(checkContract(contract, { ...request, on: new Date('2030-01-01T00:00:00Z') }).type).toBe('ok');
    expect(checkContract(contract, { ...request, on: new Date('2030-12-31T23:59:59Z') }).type).toBe('ok');
  });

  it.each([
    ['status', { ...contract, status: 'suspended' }, request, /suspended/],
    ['status', { ...contract, status: 'ended' }, request, /ended/],
    ['service', { ...contract, service: 'postal' }, request, /provides postal, not email/],
    ['service', { ...contract, fields: ['firstName'] }, request, /email field/],
    ['purpose', { ...contract, purposes: ['society-mailing'] }, request, /not partner-offer/],
    ['dates', contract, { ...request, on: new Date('2029-12-31T23:59:59Z') }, /2029-12-31/],
    ['dates', contract, { ...request, on: new Date('2031-01-01T00:00:00Z') }, /2031-01-01/],
    ['volume', contract, { ...request, recipientCount: 101 }, /101 recipients/],
    ['seeds', contract, { ...request, seedCount: 0 }, /requires seed/],
  ] as const)('refuses a dispatch that breaks the %s clause, naming it', (clause, terms, req, message) => {
    const verdict = checkContract(terms, req);
    expect(verdict).toMatchObject({ type: 'refused', clause });
    expect(verdict.type === 'refused' && verdict.message).toMatch(message);
  });

  it('lets a contract without required seeds dispatch without one', () => {
    expect(checkContract({ ...contract, seedsRequired: false }, { ...request, seedCount: 0 }).type).toBe(
      'ok',
    );
  });
});

describe('projectFields', () => {
  const ada: RecipientData = {
    email: 'ada@example.org',
    name: 'Ada Lovelace',
    language: 'en',
    postalAddress: {
      line1: '12 St James Square',
      line2: null,
      city: 'London',
      region: null,
      postalCode: 'SW1Y 4JH',
      country: 'GB',
    },
  };

  it('keeps only the permitted fields', () => {
    expect(projectFields(['email', 'firstName'], ada)).toEqual({
      email: 'ada@example.org',
      firstName: 'Ada',
    });
    expect(projectFields(['name', 'postalAddress'], ada)).toEqual({
      name: 'Ada Lovelace',
      postalAddress: ada.postalAddress,
    });
    expect(projectFields([], ada)).toEqual({});
  });

  it('ignores field names it does not know, such as id', () => {
    expect(projectFields(['id', 'memberId', 'token', 'email'], { ...ada, id: 7 } as RecipientData)).toEqual({
      email: 'ada@example.org',
    });
  });

  it('personalises only with what the email contract permits', () => {
    expect(personalisationOf(projectFields(['email'], ada))).toEqual({ name: null, firstName: null });
    expect(personalisationOf(projectFields(['email', 'firstName'], ada))).toEqual({
      name: null,
      firstName: 'Ada',
    });
  });
});
