import { describe, expect, it } from 'vitest';
import { builtinGroups, policyNames } from '../../kernel/policies.ts';
import { signStaffBarcode, verifyStaffBarcode } from './barcode.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { actingIdentity, escalation, groupPolicies } from './rules.ts';

const secret = 'x'.repeat(40);

describe('staff barcodes', () => {
  const badge = { corporationId: 7, employeeCode: '1002', version: 1 };

  it('reads back what it signed', () => {
    expect(verifyStaffBarcode(secret, signStaffBarcode(secret, badge))).toEqual(badge);
  });

  it('refuses a barcode whose code, corporation or version was edited', () => {
    const text = signStaffBarcode(secret, badge);
    expect(verifyStaffBarcode(secret, text.replace('.1002.', '.1003.'))).toBeNull();
    expect(verifyStaffBarcode(secret, text.replace('S.7.', 'S.8.'))).toBeNull();
    expect(verifyStaffBarcode(secret, text.replace('.1.', '.2.'))).toBeNull();
  });

  it('refuses a barcode signed with another secret, and text that is no barcode', () => {
    expect(verifyStaffBarcode(secret, signStaffBarcode('y'.repeat(40), badge))).toBeNull();
    expect(verifyStaffBarcode(secret, '1002')).toBeNull();
    expect(verifyStaffBarcode(secret, '')).toBeNull();
  });
});

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one, with a fresh salt per hash', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});

describe('permission groups', () => {
  it('gives owners every policy, including operations', () => {
    expect([...groupPolicies('owner', '[]')].sort()).toEqual([...policyNames].sort());
    expect(groupPolicies('owner', '[]').has('operations.manage')).toBe(true);
  });

  it('keeps day-to-day selling for clerks but no refunds, discounts or staff management', () => {
    const clerk = groupPolicies('clerk', '[]');
    expect(clerk.has('mode.sales')).toBe(true);
    for (const p of ['sales.refund', 'sales.manual_discount', 'staff.manage', 'mode.admin'] as const)
      expect(clerk.has(p)).toBe(false);
    expect([...clerk]).toEqual([...builtinGroups.clerk]);
  });

  it('drops unknown names from a stored custom group', () => {
    expect([...groupPolicies(null, '["stock.view","root.everything"]')]).toEqual(['stock.view']);
  });
});

describe('escalation', () => {
  it('lists exactly the wanted policies the grantor lacks', () => {
    const held = new Set(['staff.manage', 'stock.view'] as const);
    expect(escalation(held, ['stock.view', 'sales.refund', 'sales.refund'])).toEqual(['sales.refund']);
    expect(escalation(held, ['stock.view'])).toEqual([]);
  });
});

describe('acting identity', () => {
  const now = 1_000_000;
  it('is the signed-in account outside sales mode or when staff codes are off', () => {
    expect(actingIdentity({ staffCodeRequired: true, mode: 'admin', acting: null }, 5, now)).toEqual({
      staffId: 5,
    });
    expect(actingIdentity({ staffCodeRequired: false, mode: 'sales', acting: null }, 5, now)).toEqual({
      staffId: 5,
    });
  });

  it('is the scanned clerk until the timeout, then locked', () => {
    const s = { staffCodeRequired: true, mode: 'sales' as const, acting: { staffId: 9, expiresAt: now + 1 } };
    expect(actingIdentity(s, 5, now)).toEqual({ staffId: 9 });
    expect(actingIdentity(s, 5, now + 1)).toEqual({ locked: true });
    expect(actingIdentity({ ...s, acting: null }, 5, now)).toEqual({ locked: true });
  });
});
