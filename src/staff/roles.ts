/**
 * Staff roles, each including the one before it:
 * editor (drafts and schedules) < approver (approves offers and sends) < admin
 * (manages staff, partners, contracts, imports).
 */
export const ROLES = ['editor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}
