import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/staff/roles.ts';
import { leavesNoAdmin } from '../../src/staff/staffAdmin.ts';

describe('leavesNoAdmin', () => {
  it('refuses only a change that takes the sole enabled admin away', () => {
    expect(leavesNoAdmin([1], 1, { role: 'editor', disabled: false })).toBe(true);
    expect(leavesNoAdmin([1], 1, { role: 'admin', disabled: true })).toBe(true);
    expect(leavesNoAdmin([1], 1, { role: 'admin', disabled: false })).toBe(false);
    expect(leavesNoAdmin([1, 2], 1, { role: 'editor', disabled: true })).toBe(false);
    expect(leavesNoAdmin([1], 2, { role: 'editor', disabled: true })).toBe(false);
  });

  it('after any allowed change, some enabled admin remains', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(...ROLES),
        fc.boolean(),
        (admins, target, role, disabled) => {
          if (leavesNoAdmin(admins, target, { role, disabled })) return;
          const staysAdmin = role === 'admin' && !disabled;
          const after = admins.filter((id) => id !== target || staysAdmin);
          expect(after.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
