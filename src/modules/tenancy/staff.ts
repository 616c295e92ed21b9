import { sql } from 'kysely';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { EscalationError, type ActorContext } from './access.ts';
import type { PolicyName } from '../../kernel/policies.ts';
import { escalation, groupPolicies } from './rules.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { signStaffBarcode } from './barcode.ts';
import { hashPassword } from './passwords.ts';
import type { StaffInput, StaffPatch } from './schemas.ts';
import './tables.ts';

type Actor = AuditActor;

export async function listStaff(db: Db | Tx, corporationId: number) {
  const rows = await db
    .selectFrom('staff_account as a')
    .innerJoin('permission_group as g', 'g.id', 'a.group_id')
    .select([
      'a.id',
      'a.email',
      'a.display_name',
      'a.employee_code',
      'a.group_id',
      'g.name as group_name',
      'a.disabled_at',
    ])
    .where('a.corporation_id', '=', corporationId)
    .orderBy('a.id')
    .execute();
  const links = await db
    .selectFrom('staff_store as l')
    .innerJoin('staff_account as a', 'a.id', 'l.account_id')
    .select(['l.account_id', 'l.store_id'])
    .where('a.corporation_id', '=', corporationId)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    email: r.email,
    displayName: r.display_name,
    employeeCode: r.employee_code,
    groupId: Number(r.group_id),
    groupName: r.group_name,
    storeIds: links.filter((l) => Number(l.account_id) === Number(r.id)).map((l) => Number(l.store_id)),
    disabled: r.disabled_at !== null,
  }));
}

export async function readStaff(db: Db | Tx, corporationId: number, accountId: number) {
  const s = (await listStaff(db, corporationId)).find((a) => a.id === accountId);
  if (!s) throw new NotFoundError('The staff account');
  return s;
}

/**
 * The group must be built-in or this corporation's own, and (when a person assigns it) hold
 * nothing the person lacks.
 */
async function checkGroup(tx: Tx, corporationId: number, groupId: number, grantor?: ReadonlySet<PolicyName>) {
  const g = await tx
    .selectFrom('permission_group')
    .select(['id', 'name', 'builtin', 'policies'])
    .where('id', '=', groupId)
    .where((eb) => eb.or([eb('corporation_id', 'is', null), eb('corporation_id', '=', corporationId)]))
    .executeTakeFirst();
  if (!g) throw new ValidationError([{ field: 'groupId', message: 'is not a group of this corporation' }]);
  const over = grantor ? escalation(grantor, groupPolicies(g.builtin, g.policies)) : [];
  if (over.length) throw new EscalationError(over);
  return { name: g.name, owner: g.builtin === 'owner' };
}

/** The stores must all be this corporation's: an id from another tenant is refused, not linked. */
async function setStores(tx: Tx, corporationId: number, accountId: number, storeIds: number[]) {
  const unique = [...new Set(storeIds)];
  if (unique.length) {
    const own = await tx
      .selectFrom('store')
      .select('id')
      .where('corporation_id', '=', corporationId)
      .where('id', 'in', unique)
      .execute();
    if (own.length !== unique.length)
      throw new ValidationError([
        { field: 'storeIds', message: 'lists a store that is not this corporation’s' },
      ]);
  }
  await tx.deleteFrom('staff_store').where('account_id', '=', accountId).execute();
  if (unique.length)
    await tx
      .insertInto('staff_store')
      .values(unique.map((store_id) => ({ account_id: accountId, store_id })))
      .execute();
}

/** Owners work in every store of their corporation (new stores link them as they open). */
async function allStores(tx: Tx, corporationId: number) {
  const rows = await tx
    .selectFrom('store')
    .select('id')
    .where('corporation_id', '=', corporationId)
    .execute();
  return rows.map((r) => Number(r.id));
}

function translateUnique(err: unknown): never {
  if (isUniqueViolation(err)) {
    const text = String((err as Error).message);
    if (/employee_code|staff_account_code_uq/.test(text))
      throw new ConflictError('employee_code_taken', 'Another staff member has this employee code.');
    throw new ConflictError('email_taken', 'This e-mail address is already used by an account.');
  }
  throw err;
}

/** `actor.policies` is absent only for the system (seed, sign-up), which may grant anything. */
export async function createStaff(
  tx: Tx,
  actor: Actor & { policies?: ReadonlySet<PolicyName> },
  input: StaffInput,
  passwordHash?: string,
) {
  const group = await checkGroup(tx, actor.corporationId, input.groupId, actor.policies);
  const now = toDbTime(new Date());
  let id: number;
  try {
    const r = await tx
      .insertInto('staff_account')
      .values({
        corporation_id: actor.corporationId,
        email: input.email,
        password_hash: passwordHash ?? (await hashPassword(input.password)),
        display_name: input.displayName,
        employee_code: input.employeeCode,
        group_id: input.groupId,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    id = Number(r.insertId);
  } catch (err) {
    translateUnique(err);
  }
  await setStores(
    tx,
    actor.corporationId,
    id,
    group.owner ? await allStores(tx, actor.corporationId) : input.storeIds,
  );
  await recordAudit(tx, actor, {
    action: 'staff.created',
    targetType: 'staff_account',
    targetId: id,
    summary: `Added ${input.displayName} <${input.email}> to group ${group.name}`,
  });
  return id;
}

export async function updateStaff(db: Db, actor: ActorContext, accountId: number, patch: StaffPatch) {
  // Hash outside the transaction: scrypt is slow and must not hold locks (or be re-run on retry).
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return withTransaction(db, async (tx) => {
    const before = await readStaff(tx, actor.corporationId, accountId);
    if (accountId === actor.accountId && (patch.disabled || patch.groupId !== undefined))
      throw new AppError(409, 'cannot_change_self', 'Ask another owner to change your own group or access.');
    // Taking over an account (password, code, group, stores) needs every power it has.
    await checkGroup(tx, actor.corporationId, before.groupId, actor.policies);
    const regroup =
      patch.groupId !== undefined
        ? await checkGroup(tx, actor.corporationId, patch.groupId, actor.policies)
        : null;
    try {
      await tx
        .updateTable('staff_account')
        .set({
          ...(patch.displayName !== undefined && { display_name: patch.displayName }),
          ...(passwordHash !== undefined && { password_hash: passwordHash }),
          ...(patch.employeeCode !== undefined && { employee_code: patch.employeeCode }),
          ...(patch.groupId !== undefined && { group_id: patch.groupId }),
          ...(patch.disabled !== undefined && { disabled_at: patch.disabled ? toDbTime(new Date()) : null }),
          ...(patch.reissueBarcode && { barcode_version: sql<number>`barcode_version + 1` }),
          updated_at: toDbTime(new Date()),
        })
        .where('id', '=', accountId)
        .where('corporation_id', '=', actor.corporationId)
        .execute();
    } catch (err) {
      translateUnique(err);
    }
    if (regroup?.owner)
      await setStores(tx, actor.corporationId, accountId, await allStores(tx, actor.corporationId));
    else if (patch.storeIds !== undefined)
      await setStores(tx, actor.corporationId, accountId, patch.storeIds);
    const changed = Object.keys(patch).map((k) => (k === 'password' ? 'password (reset)' : k));
    await recordAudit(tx, actor, {
      action: 'staff.updated',
      targetType: 'staff_account',
      targetId: accountId,
      summary: `Changed ${changed.join(', ')} of ${before.displayName}`,
    });
    return readStaff(tx, actor.corporationId, accountId);
  });
}

/** The text of the person's staff barcode (the UI renders it as a Code 128 badge). */
export async function staffBarcode(db: Db, corporationId: number, accountId: number, secret: string) {
  const a = await db
    .selectFrom('staff_account')
    .select(['employee_code', 'barcode_version'])
    .where('id', '=', accountId)
    .where('corporation_id', '=', corporationId)
    .executeTakeFirst();
  if (!a) throw new NotFoundError('The staff account');
  if (!a.employee_code)
    throw new AppError(409, 'no_employee_code', 'Give this person an employee code first.');
  return signStaffBarcode(secret, {
    corporationId,
    employeeCode: a.employee_code,
    version: Number(a.barcode_version),
  });
}
