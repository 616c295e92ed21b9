import { ConflictError, NotFoundError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import type { StoreContext } from './access.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import type { StoreInput, StorePatch } from './schemas.ts';
import './tables.ts';

export async function readStore(db: Db | Tx, corporationId: number, storeId: number) {
  const s = await db
    .selectFrom('store')
    .selectAll()
    .where('id', '=', storeId)
    .where('corporation_id', '=', corporationId)
    .executeTakeFirst();
  if (!s) throw new NotFoundError('The store');
  return {
    id: Number(s.id),
    code: s.code,
    name: s.name,
    timeZone: s.time_zone,
    address: s.address,
    phone: s.phone,
    receiptHeader: s.receipt_header,
    receiptFooter: s.receipt_footer,
    staffCodeTimeoutMinutes: Number(s.staff_code_timeout_minutes),
    staffCodeEntry: s.staff_code_entry,
    settings: JSON.parse(s.settings) as Record<string, unknown>,
  };
}

/**
 * Creates a store with its primary register, linked to the creator and to every owner of the
 * corporation (owners see all their shops).
 */
export async function createStore(tx: Tx, actor: AuditActor, input: StoreInput) {
  const now = toDbTime(new Date());
  let storeId: number;
  try {
    const r = await tx
      .insertInto('store')
      .values({
        corporation_id: actor.corporationId,
        code: input.code,
        name: input.name,
        time_zone: input.timeZone,
        address: input.address,
        phone: input.phone,
        receipt_header: input.receiptHeader,
        receipt_footer: input.receiptFooter,
        staff_code_timeout_minutes: input.staffCodeTimeoutMinutes,
        staff_code_entry: input.staffCodeEntry,
        settings: JSON.stringify(input.settings),
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    storeId = Number(r.insertId);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('store_code_taken', `Store code ${input.code} is in use.`);
    throw err;
  }
  await tx
    .insertInto('register')
    .values({
      corporation_id: actor.corporationId,
      store_id: storeId,
      name: 'Register 1',
      primary_of_store_id: storeId,
      archived_at: null,
      created_at: now,
    })
    .execute();
  const owners = await tx
    .selectFrom('staff_account as a')
    .innerJoin('permission_group as g', 'g.id', 'a.group_id')
    .select('a.id')
    .where('a.corporation_id', '=', actor.corporationId)
    .where('g.builtin', '=', 'owner')
    .execute();
  const linked = new Set(owners.map((o) => Number(o.id)));
  if (actor.accountId !== null) linked.add(actor.accountId);
  if (linked.size)
    await tx
      .insertInto('staff_store')
      .values([...linked].map((account_id) => ({ account_id, store_id: storeId })))
      .execute();
  await recordAudit(tx, actor, {
    action: 'store.created',
    targetType: 'store',
    targetId: storeId,
    storeId,
    summary: `Opened store ${input.code} (${input.name})`,
  });
  return storeId;
}

export async function updateStore(db: Db, ctx: StoreContext, patch: StorePatch) {
  return withTransaction(db, async (tx) => {
    const current = await readStore(tx, ctx.corporationId, ctx.storeId);
    await tx
      .updateTable('store')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
        ...(patch.address !== undefined && { address: patch.address }),
        ...(patch.phone !== undefined && { phone: patch.phone }),
        ...(patch.receiptHeader !== undefined && { receipt_header: patch.receiptHeader }),
        ...(patch.receiptFooter !== undefined && { receipt_footer: patch.receiptFooter }),
        ...(patch.staffCodeTimeoutMinutes !== undefined && {
          staff_code_timeout_minutes: patch.staffCodeTimeoutMinutes,
        }),
        ...(patch.staffCodeEntry !== undefined && { staff_code_entry: patch.staffCodeEntry }),
        ...(patch.settings !== undefined && {
          settings: JSON.stringify({ ...current.settings, ...patch.settings }),
        }),
        updated_at: toDbTime(new Date()),
      })
      .where('id', '=', ctx.storeId)
      .where('corporation_id', '=', ctx.corporationId)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'store.updated',
      targetType: 'store',
      targetId: ctx.storeId,
      summary: `Changed ${Object.keys(patch).join(', ') || 'nothing'} of store ${current.code}`,
    });
    return readStore(tx, ctx.corporationId, ctx.storeId);
  });
}
