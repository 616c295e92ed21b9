import { sql } from 'kysely';
import { NotFoundError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { CashActor } from './ledger.ts';
import './tables.ts';
import '../tenancy/tables.ts';

/*
 * Row locks taken with a version bump (an UPDATE), which both dialects support: SQLite has no
 * SELECT ... FOR UPDATE. On MySQL (REPEATABLE READ) a transaction's first plain SELECT fixes its
 * snapshot, so commands take every lock before their first read: then the reads see everything
 * committed before the locks were granted. Order: store day, then register — every command takes
 * them in this order, so they cannot deadlock each other.
 */

export async function lockStoreDay(tx: Tx, ctx: CashActor) {
  await tx
    .insertInto('store_business_day')
    .orIgnore()
    .values({
      store_id: ctx.storeId,
      corporation_id: ctx.corporationId,
      status: 'closed',
      business_date: '',
      opened_at: toDbTime(new Date(0)),
      closed_at: null,
      lock_version: 0,
    })
    .execute();
  await tx
    .updateTable('store_business_day')
    .set({ lock_version: sql`lock_version + 1` })
    .where('store_id', '=', ctx.storeId)
    .execute();
}

/**
 * Read only after every lock is held: on MySQL the first plain SELECT of a transaction fixes its
 * snapshot, and a snapshot taken before a lock wait would miss what the lock holder committed.
 */
export async function readStoreDay(tx: Tx, ctx: CashActor) {
  return tx
    .selectFrom('store_business_day')
    .select(['status', 'business_date', 'opened_at'])
    .where('store_id', '=', ctx.storeId)
    .executeTakeFirstOrThrow();
}

/** Locks the register's cash row (creating it, closed and empty, on first use); 404 if not this store's. */
export async function lockRegister(tx: Tx, ctx: CashActor, registerId: number) {
  const bump = () =>
    tx
      .updateTable('register_cash')
      .set({ lock_version: sql`lock_version + 1` })
      .where('register_id', '=', registerId)
      .where('store_id', '=', ctx.storeId)
      .executeTakeFirst();
  if (Number((await bump()).numUpdatedRows) !== 1) {
    await registerOf(tx, ctx, registerId);
    await tx
      .insertInto('register_cash')
      .orIgnore()
      .values({
        register_id: registerId,
        corporation_id: ctx.corporationId,
        store_id: ctx.storeId,
        status: 'closed',
        business_date: null,
        open_settlement_id: null,
        opened_at: null,
        balance: 0,
        seq: 0,
        receipt_no: 0,
        lock_version: 0,
      })
      .execute();
    await bump();
  }
  const r = await tx
    .selectFrom('register_cash')
    .selectAll()
    .where('register_id', '=', registerId)
    .executeTakeFirstOrThrow();
  return {
    status: r.status,
    businessDate: r.business_date,
    openSettlementId: r.open_settlement_id == null ? null : Number(r.open_settlement_id),
    openedAt: r.opened_at,
    balance: Number(r.balance),
    seq: Number(r.seq),
  };
}

/** The register of this store (not archived), or 404 — another tenant's id looks the same. */
export async function registerOf(tx: Db, ctx: Pick<CashActor, 'storeId'>, registerId: number) {
  const r = await tx
    .selectFrom('register')
    .select(['id', 'name', 'primary_of_store_id'])
    .where('id', '=', registerId)
    .where('store_id', '=', ctx.storeId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('The register');
  return { id: Number(r.id), name: r.name, primary: r.primary_of_store_id !== null };
}
