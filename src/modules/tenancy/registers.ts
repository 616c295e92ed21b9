import { AppError, NotFoundError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import type { StoreContext } from './access.ts';
import { recordAudit } from './audit.ts';
import './tables.ts';

export async function listRegisters(db: Db | Tx, ctx: Pick<StoreContext, 'storeId'>) {
  const rows = await db
    .selectFrom('register')
    .select(['id', 'name', 'primary_of_store_id'])
    .where('store_id', '=', ctx.storeId)
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), name: r.name, primary: r.primary_of_store_id !== null }));
}

async function findRegister(tx: Tx, ctx: StoreContext, registerId: number) {
  const r = await tx
    .selectFrom('register')
    .select(['id', 'name', 'primary_of_store_id'])
    .where('id', '=', registerId)
    .where('store_id', '=', ctx.storeId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('The register');
  return r;
}

/** Moves the store's one primary flag (the UNIQUE column makes two primaries impossible). */
async function makePrimary(tx: Tx, ctx: StoreContext, registerId: number) {
  await tx
    .updateTable('register')
    .set({ primary_of_store_id: null })
    .where('primary_of_store_id', '=', ctx.storeId)
    .execute();
  await tx
    .updateTable('register')
    .set({ primary_of_store_id: ctx.storeId })
    .where('id', '=', registerId)
    .execute();
}

export async function createRegister(db: Db, ctx: StoreContext, input: { name: string; primary: boolean }) {
  return withTransaction(db, async (tx) => {
    const r = await tx
      .insertInto('register')
      .values({
        corporation_id: ctx.corporationId,
        store_id: ctx.storeId,
        name: input.name,
        primary_of_store_id: null,
        archived_at: null,
        created_at: toDbTime(new Date()),
      })
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    if (input.primary) await makePrimary(tx, ctx, id);
    await recordAudit(tx, ctx, {
      action: 'register.created',
      targetType: 'register',
      targetId: id,
      summary: `Added register "${input.name}"${input.primary ? ' as primary' : ''}`,
    });
    return { id, name: input.name, primary: input.primary };
  });
}

export async function updateRegister(
  db: Db,
  ctx: StoreContext,
  registerId: number,
  patch: { name?: string; primary?: true },
) {
  return withTransaction(db, async (tx) => {
    await findRegister(tx, ctx, registerId);
    if (patch.name !== undefined)
      await tx.updateTable('register').set({ name: patch.name }).where('id', '=', registerId).execute();
    if (patch.primary) await makePrimary(tx, ctx, registerId);
    await recordAudit(tx, ctx, {
      action: 'register.updated',
      targetType: 'register',
      targetId: registerId,
      summary: `Changed ${Object.keys(patch).join(', ')} of register ${registerId}`,
    });
    const after = await findRegister(tx, ctx, registerId);
    return { id: registerId, name: after.name, primary: after.primary_of_store_id !== null };
  });
}

/** Archives a register (its past sales keep pointing at it); the primary one must be replaced first. */
export async function archiveRegister(db: Db, ctx: StoreContext, registerId: number) {
  await withTransaction(db, async (tx) => {
    const r = await findRegister(tx, ctx, registerId);
    if (r.primary_of_store_id !== null)
      throw new AppError(409, 'primary_register', 'Make another register primary before removing this one.');
    await tx
      .updateTable('register')
      .set({ archived_at: toDbTime(new Date()) })
      .where('id', '=', registerId)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'register.archived',
      targetType: 'register',
      targetId: registerId,
      summary: `Removed register "${r.name}"`,
    });
  });
}
