import { builtinGroups, isPolicyName, type BuiltinGroup, type PolicyName } from '../../kernel/policies.ts';

/**
 * Pure tenancy rules: which policies a group grants, and who acts for a request. No I/O, no clock
 * (times are passed in).
 */
export function groupPolicies(builtin: BuiltinGroup | null, stored: string): ReadonlySet<PolicyName> {
  if (builtin) return new Set(builtinGroups[builtin]);
  const parsed: unknown = JSON.parse(stored);
  return new Set(Array.isArray(parsed) ? parsed.filter((p): p is PolicyName => isPolicyName(String(p))) : []);
}

export interface ActingState {
  staffCodeRequired: boolean;
  mode: 'none' | 'admin' | 'sales';
  acting: { staffId: number; expiresAt: number } | null;
}

/**
 * Whose permissions apply: in sales mode of a corporation that requires staff codes, the clerk who
 * scanned in (until the lock-screen timeout); otherwise the signed-in account itself.
 * `locked` means a clerk must scan before anything permission-gated can happen.
 */
export function actingIdentity(
  s: ActingState,
  accountId: number,
  now: number,
): { staffId: number } | { locked: true } {
  if (s.mode !== 'sales' || !s.staffCodeRequired) return { staffId: accountId };
  if (s.acting && s.acting.expiresAt > now) return { staffId: s.acting.staffId };
  return { locked: true };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const isEmail = (email: string) => EMAIL.test(email) && email.length <= 254;

/**
 * Nobody hands out more than they hold: a manager with `staff.manage` but without, say,
 * `sales.refund` cannot create a group with it, put someone in such a group, or take over (reset,
 * regroup, disable) an account whose group has it. Returns the policies that would be escalated.
 */
export function escalation(held: ReadonlySet<PolicyName>, wanted: Iterable<PolicyName>): PolicyName[] {
  return [...new Set(wanted)].filter((p) => !held.has(p));
}
