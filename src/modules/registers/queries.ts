import { NotFoundError } from '../../kernel/errors.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import type { StoreContext } from '../tenancy/index.ts';
import { cashMethodTotals, summarizeMovements, type SettlementFigures } from './figures.ts';
import { movementColumns, toMovement } from './ledger.ts';
import { registerOf } from './locks.ts';
import { readSettlement } from './settlements.ts';
import { settlementSummary } from './settlement-summary.ts';
import { salesByMethodSource } from './sales-source.ts';
import { toDbTime } from '../../kernel/time.ts';
import './tables.ts';

export interface RegisterState {
  registerId: number;
  name: string;
  primary: boolean;
  status: 'open' | 'closed';
  businessDate: string | null;
  openedAt: string | null;
  /** 理論在高: the ledger's last balance-after. */
  expectedCash: number;
  store: { status: 'open' | 'closed'; businessDate: string | null };
  /** Running figures of the open session (today-summary); null while closed. */
  figures: SettlementFigures | null;
}

/** A register's state and, while open, its running figures (read-only, consistent snapshot). */
export async function registerState(db: Db, ctx: StoreContext, registerId: number): Promise<RegisterState> {
  return withTransaction(db, async (tx) => {
    const register = await registerOf(tx, ctx, registerId);
    const cash = await tx
      .selectFrom('register_cash')
      .selectAll()
      .where('register_id', '=', registerId)
      .executeTakeFirst();
    const day = await tx
      .selectFrom('store_business_day')
      .select(['status', 'business_date'])
      .where('store_id', '=', ctx.storeId)
      .executeTakeFirst();
    let figures: SettlementFigures | null = null;
    if (cash?.status === 'open' && cash.open_settlement_id != null) {
      const open = await readSettlement(tx, ctx.storeId, Number(cash.open_settlement_id));
      const rows = await tx
        .selectFrom('cash_movement')
        .select(['kind', 'amount'])
        .where('register_id', '=', registerId)
        .where('seq', '>', open!.figures.fromSeq)
        .execute();
      const summed = summarizeMovements(
        open!.counted,
        rows.map((r) => ({ kind: r.kind, amount: Number(r.amount) })),
      );
      const source = salesByMethodSource();
      const salesByMethod = source
        ? await source(tx, {
            corporationId: ctx.corporationId,
            storeId: ctx.storeId,
            registerId,
            from: cash.opened_at!,
            to: toDbTime(new Date()),
          })
        : cashMethodTotals(summed);
      figures = { ...summed, salesByMethod };
    }
    return {
      registerId,
      name: register.name,
      primary: register.primary,
      status: cash?.status ?? 'closed',
      businessDate: cash?.business_date ?? null,
      openedAt: cash?.opened_at ?? null,
      expectedCash: Number(cash?.balance ?? 0),
      store: {
        status: day?.status ?? 'closed',
        businessDate: day?.business_date ? day.business_date : null,
      },
      figures,
    };
  });
}

/** The register's cash ledger, newest first, paged by id cursor. */
export async function listMovements(
  db: Db,
  ctx: StoreContext,
  registerId: number,
  opts: { before?: number; limit: number },
) {
  await registerOf(db, ctx, registerId);
  let q = db
    .selectFrom('cash_movement')
    .select(movementColumns)
    .where('register_id', '=', registerId)
    .where('store_id', '=', ctx.storeId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.before) q = q.where('id', '<', opts.before);
  const rows = (await q.execute()).map(toMovement);
  const items = rows.slice(0, opts.limit);
  return { items, nextCursor: rows.length > opts.limit ? items[items.length - 1]!.id : null };
}

/** Register checks of the store (optionally one register), newest first. */
export async function listSettlements(
  db: Db,
  ctx: StoreContext,
  opts: { registerId?: number; before?: number; limit: number },
) {
  let q = db
    .selectFrom('register_settlement')
    .select(['id', 'register_id', 'kind', 'business_date', 'staff_id', 'expected', 'counted', 'difference'])
    .select(['next_float', 'created_at'])
    .where('store_id', '=', ctx.storeId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.registerId) q = q.where('register_id', '=', opts.registerId);
  if (opts.before) q = q.where('id', '<', opts.before);
  const rows = await q.execute();
  const items = rows.slice(0, opts.limit).map(settlementSummary);
  return { items, nextCursor: rows.length > opts.limit ? items[items.length - 1]!.id : null };
}

export async function settlementOf(db: Db, ctx: StoreContext, id: number) {
  const s = await readSettlement(db, ctx.storeId, id);
  if (!s) throw new NotFoundError('The register check');
  return s;
}
