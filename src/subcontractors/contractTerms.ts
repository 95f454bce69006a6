/**
 * What a subcontractor may receive, decided without a database.
 *
 * Glossary
 * - contract: the terms one subcontractor works under: purposes, fields,
 *   validity dates, volume per dispatch, retention, seeds, status.
 * - dispatch: one batch of recipients handed to one subcontractor for one
 *   campaign; every dispatch is a row in the disclosure ledger.
 * - projection: a recipient reduced to the fields the contract permits.
 * - seed: a decoy recipient of our own, unique to a dispatch, that reveals
 *   misuse when anything reaches it outside that dispatch.
 *
 * This file imports nothing from the database layer, so adapters and pure
 * tests may use it.
 */

/** Why data may be disclosed. */
export const PURPOSES = ['society-mailing', 'partner-offer'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** What a subcontractor does for us. */
export const SERVICES = ['email', 'postal'] as const;
export type Service = (typeof SERVICES)[number];

/** Fields a contract may permit: nothing else about a member ever leaves. */
export const CONTRACT_FIELDS = ['email', 'name', 'firstName', 'postalAddress', 'language'] as const;
export type ContractField = (typeof CONTRACT_FIELDS)[number];

/** The field a channel cannot work without. */
const NEEDED: Record<Service, ContractField> = { email: 'email', postal: 'postalAddress' };

/** A contract as the checks need it: its terms and the subcontractor's service. */
export interface ContractTerms {
  status: string;
  service: string;
  purposes: readonly string[];
  fields: readonly string[];
  /** yyyy-mm-dd, both ends included (UTC days). */
  validFrom: string;
  validTo: string;
  maxRecipientsPerDispatch: number;
  seedsRequired: boolean;
}

export interface DispatchRequest {
  purpose: Purpose;
  channel: Service;
  /** Everyone the subcontractor would receive: members plus seeds. */
  recipientCount: number;
  /** Seeds the dispatch would carry; default 1 (email seeds are always made). */
  seedCount?: number;
  on: Date;
}

/** The clause of a contract a dispatch would break. */
export type Clause = 'status' | 'purpose' | 'dates' | 'volume' | 'service' | 'seeds';

export type ContractCheck = { type: 'ok' } | { type: 'refused'; clause: Clause; message: string };

/**
 * Whether a dispatch is within a contract, checked before any data leaves.
 * The first clause broken is named, in this order: status, service, purpose,
 * dates, volume, seeds.
 */
export function checkContract(contract: ContractTerms, request: DispatchRequest): ContractCheck {
  const refuse = (clause: Clause, message: string): ContractCheck => ({ type: 'refused', clause, message });
  if (contract.status !== 'active') {
    return refuse('status', `the contract is ${contract.status}, not active`);
  }
  if (contract.service !== request.channel) {
    return refuse('service', `the subcontractor provides ${contract.service}, not ${request.channel}`);
  }
  const needed = NEEDED[request.channel];
  if (!contract.fields.includes(needed)) {
    return refuse(
      'service',
      `the contract does not permit the ${needed} field that ${request.channel} needs`,
    );
  }
  if (!contract.purposes.includes(request.purpose)) {
    return refuse(
      'purpose',
      `the contract permits ${contract.purposes.join(', ') || 'no purpose'}, not ${request.purpose}`,
    );
  }
  const day = request.on.toISOString().slice(0, 10);
  if (day < contract.validFrom || day > contract.validTo) {
    return refuse(
      'dates',
      `the contract runs from ${contract.validFrom} to ${contract.validTo}, not on ${day}`,
    );
  }
  if (request.recipientCount > contract.maxRecipientsPerDispatch) {
    return refuse(
      'volume',
      `${request.recipientCount} recipients (seeds included) exceed the contract's ${contract.maxRecipientsPerDispatch} per dispatch`,
    );
  }
  if (contract.seedsRequired && (request.seedCount ?? 1) < 1) {
    return refuse('seeds', 'the contract requires seed recipients and none is available for this dispatch');
  }
  return { type: 'ok' };
}

/** A postal address as a mail house prints it. */
export interface PostalAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

/** Everything a recipient could be projected from (a member or a seed); never an id or a token. */
export interface RecipientData {
  email: string;
  name: string;
  language: string;
  postalAddress: PostalAddress | null;
}

/** A recipient reduced to permitted fields: the only recipient data an adapter ever sees. */
export type ProjectedRecipient = Partial<{
  email: string;
  name: string;
  firstName: string;
  postalAddress: PostalAddress | null;
  language: string;
}>;

/** Only the permitted fields of a recipient; unknown field names permit nothing. */
export function projectFields(fields: readonly string[], recipient: RecipientData): ProjectedRecipient {
  const out: ProjectedRecipient = {};
  for (const field of fields) {
    switch (field) {
      case 'email':
        out.email = recipient.email;
        break;
      case 'name':
        out.name = recipient.name;
        break;
      case 'firstName':
        out.firstName = recipient.name.trim().split(/\s+/, 1)[0] ?? '';
        break;
      case 'postalAddress':
        out.postalAddress = recipient.postalAddress;
        break;
      case 'language':
        out.language = recipient.language;
        break;
    }
  }
  return out;
}

/**
 * The name and first name a message may be personalised with: only what the
 * contract lets the email subcontractor see, or null (the template's fallback,
 * "member"), because the rendered message is itself disclosed.
 */
export function personalisationOf(projected: ProjectedRecipient): {
  name: string | null;
  firstName: string | null;
} {
  return { name: projected.name ?? null, firstName: projected.firstName ?? null };
}
