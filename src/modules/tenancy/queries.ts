import type { PolicyName } from '../../kernel/policies.ts';
import type { Db } from '../../platform/db/connect.ts';
import { cachedQuery } from '../../platform/db/statements.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { groupPolicies } from './rules.ts';
import './tables.ts';

export interface AccountRow {
  id: number;
  corporationId: number;
  email: string;
  displayName: string;
  employeeCode: string | null;
  barcodeVersion: number;
  groupId: number;
  groupName: string;
  policies: ReadonlySet<PolicyName>;
  staffCodeRequired: boolean;
  /** The store asked about (`forStore`) when the account may use it, else null. */
  linkedStoreId: number | null;
}

/**
 * An enabled account with its group's policies and its corporation's staff-code switch; with
 * `forStore`, also whether it may use that store (what accountMayUseStore answers), in the same read.
 */
export async function loadAccount(db: Db | Tx, accountId: number, corporationId: number, forStore?: number) {
  // Every request of a signed-in user runs this: the SQL is built once (statements.ts).
  const { rows } = await cachedQuery(
    db,
    'tenancy.loadAccount',
    [forStore ?? 0, accountId, corporationId],
    () =>
      db
        .selectFrom('staff_account as a')
        .innerJoin('permission_group as g', 'g.id', 'a.group_id')
        .innerJoin('corporation as c', 'c.id', 'a.corporation_id')
        .leftJoin('staff_store as l', (j) =>
          j.onRef('l.account_id', '=', 'a.id').on('l.store_id', '=', forStore ?? 0),
        )
        .leftJoin('store as s', (j) =>
          j.onRef('s.id', '=', 'l.store_id').onRef('s.corporation_id', '=', 'a.corporation_id'),
        )
        .select([
          's.id as linked_store_id',
          'a.id',
          'a.corporation_id',
          'a.email',
          'a.display_name',
          'a.employee_code',
          'a.barcode_version',
          'a.group_id',
          'g.name as group_name',
          'g.builtin',
          'g.policies',
          'c.staff_code_required',
        ])
        .where('a.id', '=', accountId)
        .where('a.corporation_id', '=', corporationId)
        .where('a.disabled_at', 'is', null),
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: Number(row.id),
    corporationId: Number(row.corporation_id),
    email: row.email,
    displayName: row.display_name,
    employeeCode: row.employee_code,
    barcodeVersion: Number(row.barcode_version),
    groupId: Number(row.group_id),
    groupName: row.group_name,
    policies: groupPolicies(row.builtin, row.policies),
    staffCodeRequired: Number(row.staff_code_required) === 1,
    linkedStoreId: row.linked_store_id == null ? null : Number(row.linked_store_id),
  } satisfies AccountRow;
}

/** Whether the account is linked to the store and the store is its corporation's. */
export async function accountMayUseStore(
  db: Db | Tx,
  accountId: number,
  corporationId: number,
  storeId: number,
) {
  const row = await db
    .selectFrom('staff_store as l')
    .innerJoin('store as s', 's.id', 'l.store_id')
    .select('s.id')
    .where('l.account_id', '=', accountId)
    .where('l.store_id', '=', storeId)
    .where('s.corporation_id', '=', corporationId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The stores an account is linked to, with their live registers (the mode picker). */
export async function storesOfAccount(db: Db | Tx, accountId: number, corporationId: number) {
  const stores = await db
    .selectFrom('staff_store as l')
    .innerJoin('store as s', 's.id', 'l.store_id')
    .select(['s.id', 's.code', 's.name', 's.time_zone'])
    .where('l.account_id', '=', accountId)
    .where('s.corporation_id', '=', corporationId)
    .orderBy('s.id')
    .execute();
  const ids = stores.map((s) => Number(s.id));
  const registers = ids.length
    ? await db
        .selectFrom('register')
        .select(['id', 'store_id', 'name', 'primary_of_store_id'])
        .where('store_id', 'in', ids)
        .where('archived_at', 'is', null)
        .orderBy('id')
        .execute()
    : [];
  return stores.map((s) => ({
    id: Number(s.id),
    code: s.code,
    name: s.name,
    timeZone: s.time_zone,
    registers: registers
      .filter((r) => Number(r.store_id) === Number(s.id))
      .map((r) => ({ id: Number(r.id), name: r.name, primary: r.primary_of_store_id !== null })),
  }));
}
