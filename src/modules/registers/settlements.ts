import type { Outcome } from '../../kernel/outcome.ts';
import { AppError, ValidationError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { recordAudit, type StoreContext } from '../tenancy/index.ts';
import { calendarDate } from '../../kernel/time.ts';
import { checkCash, denominations, validateCount, type CashCount } from './cash-count.ts';
import {
  ClosedForTheDayError,
  OtherRegistersOpenError,
  RegisterAlreadyClosedError,
  RegisterAlreadyOpenError,
  RegisterClosedError,
  StoreClosedError,
} from './errors.ts';
import { registerClosed, registerOpened } from './events.ts';
import { cashMethodTotals, summarizeMovements, type SettlementFigures } from './figures.ts';
import { recordCashMovement } from './ledger.ts';
import { lockRegister, lockStoreDay, readStoreDay, registerOf } from './locks.ts';
import { settlementSummary } from './settlement-summary.ts';
import { salesByMethodSource } from './sales-source.ts';
import type { SettlementKind } from './tables.ts';
import './tables.ts';

export interface SettlementView {
  id: number;
  registerId: number;
  kind: SettlementKind;
  businessDate: string;
  staffId: number;
  expected: number;
  counted: number;
  difference: number;
  nextFloat: number | null;
  count: CashCount;
  figures: SettlementFigures & { fromSeq: number };
  periodStart: string;
  periodEnd: string;
  createdAt: string;
}

function checkedCount(count: Record<string, unknown>): CashCount {
  const problems = validateCount(count);
  if (problems.length)
    throw new ValidationError(problems.map((p) => ({ field: `count.${p.field}`, message: p.message })));
  return count as CashCount;
}

export async function readSettlement(
  tx: Tx | Db,
  storeId: number,
  id: number,
): Promise<SettlementView | null> {
  const s = await tx
    .selectFrom('register_settlement')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (!s) return null;
  const pieces = await tx
    .selectFrom('register_settlement_count')
    .select(['denomination', 'pieces'])
    .where('settlement_id', '=', id)
    .execute();
  const count: CashCount = {};
  for (const d of denominations) {
    const p = pieces.find((x) => Number(x.denomination) === d);
    if (p && Number(p.pieces) > 0) count[`${d}`] = Number(p.pieces);
  }
  return {
    ...settlementSummary(s),
    count,
    figures: JSON.parse(s.figures) as SettlementView['figures'],
    periodStart: s.period_start,
    periodEnd: s.period_end,
  };
}

/**
 * An `Idempotency-Key` already used on this register: the same command gets its first result back
 * (the register is locked, so a concurrent twin has committed or not started); another command 422.
 */
async function replay(
  tx: Tx,
  ctx: StoreContext,
  registerId: number,
  kind: SettlementKind,
  key?: string | null,
) {
  if (!key) return null;
  const s = await tx
    .selectFrom('register_settlement')
    .select(['id', 'kind'])
    .where('register_id', '=', registerId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!s) return null;
  if (s.kind !== kind)
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
  return readSettlement(tx, ctx.storeId, Number(s.id));
}

async function insertSettlement(
  tx: Tx,
  ctx: StoreContext,
  row: Omit<SettlementView, 'id' | 'createdAt' | 'staffId' | 'count'> & {
    count: CashCount;
    key?: string | null;
  },
  now: Date,
): Promise<number> {
  const r = await tx
    .insertInto('register_settlement')
    .values({
      corporation_id: ctx.corporationId,
      store_id: ctx.storeId,
      register_id: row.registerId,
      kind: row.kind,
      business_date: row.businessDate,
      staff_id: ctx.actingStaffId,
      expected: row.expected,
      counted: row.counted,
      difference: row.difference,
      next_float: row.nextFloat,
      period_start: row.periodStart,
      period_end: row.periodEnd,
      figures: JSON.stringify(row.figures),
      idempotency_key: row.key ?? null,
      created_at: toDbTime(now),
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  const pieces = denominations
    .map((d) => ({ settlement_id: id, denomination: d, pieces: row.count[`${d}`] ?? 0 }))
    .filter((p) => p.pieces > 0);
  if (pieces.length) await tx.insertInto('register_settlement_count').values(pieces).execute();
  return id;
}

/** The figures of the open session: ledger rows after the open, and sales by method. */
async function sessionFigures(
  tx: Tx,
  ctx: StoreContext,
  registerId: number,
  state: { openSettlementId: number | null; openedAt: string | null; balance: number },
  now: Date,
): Promise<SettlementView['figures']> {
  const open = await readSettlement(tx, ctx.storeId, state.openSettlementId!);
  const fromSeq = open!.figures.fromSeq;
  const rows = await tx
    .selectFrom('cash_movement')
    .select(['kind', 'amount'])
    .where('register_id', '=', registerId)
    .where('seq', '>', fromSeq)
    .orderBy('seq')
    .execute();
  const summed = summarizeMovements(
    open!.counted,
    rows.map((r) => ({ kind: r.kind, amount: Number(r.amount) })),
  );
  // The ledger and the register's balance are written together; a mismatch is a bug, not a count.
  if (summed.expected !== state.balance)
    throw new Error(`register ${registerId}: ledger sums to ${summed.expected}, balance is ${state.balance}`);
  const source = salesByMethodSource();
  const salesByMethod = source
    ? await source(tx, {
        corporationId: ctx.corporationId,
        storeId: ctx.storeId,
        registerId,
        from: state.openedAt!,
        to: toDbTime(now),
      })
    : cashMethodTotals(summed);
  return { ...summed, salesByMethod, fromSeq };
}

export interface OpenInput {
  count: Record<string, number>;
  idempotencyKey?: string | null;
}

/**
 * レジ開け: count the drawer, record expected vs counted, correct the ledger to the count, open.
 * The primary register opens the store's business day (its date in the store's time zone); other
 * registers open only inside it, and none opens twice in one business day.
 */
export async function openRegister(
  db: Db,
  ctx: StoreContext,
  registerId: number,
  input: OpenInput,
  now = new Date(),
): Promise<Outcome<SettlementView>> {
  const count = checkedCount(input.count);
  return withTransaction(db, async (tx) => {
    await lockStoreDay(tx, ctx);
    const state = await lockRegister(tx, ctx, registerId);
    const day = await readStoreDay(tx, ctx);
    const earlier = await replay(tx, ctx, registerId, 'open', input.idempotencyKey);
    if (earlier) return { value: earlier, replayed: true };
    const register = await registerOf(tx, ctx, registerId);
    if (state.status === 'open') throw new RegisterAlreadyOpenError(registerId);

    let businessDate: string;
    let storeOpened = false;
    if (day.status === 'open') {
      businessDate = day.business_date;
    } else if (register.primary) {
      const store = await tx
        .selectFrom('store')
        .select('time_zone')
        .where('id', '=', ctx.storeId)
        .executeTakeFirstOrThrow();
      businessDate = calendarDate(now, store.time_zone);
      if (day.business_date === businessDate) throw new ClosedForTheDayError(businessDate);
      storeOpened = true;
    } else {
      throw new StoreClosedError();
    }
    if (state.businessDate === businessDate) throw new ClosedForTheDayError(businessDate);

    const check = checkCash(state.balance, count);
    const at = toDbTime(now);
    const fromSeq = state.seq + (check.difference !== 0 ? 1 : 0);
    const figures: SettlementView['figures'] = {
      ...summarizeMovements(check.counted, []),
      salesByMethod: [],
      fromSeq,
    };
    const id = await insertSettlement(
      tx,
      ctx,
      {
        registerId,
        kind: 'open',
        businessDate,
        ...check,
        nextFloat: null,
        count,
        figures,
        periodStart: at,
        periodEnd: at,
        key: input.idempotencyKey,
      },
      now,
    );
    if (storeOpened)
      await tx
        .updateTable('store_business_day')
        .set({ status: 'open', business_date: businessDate, opened_at: at, closed_at: null })
        .where('store_id', '=', ctx.storeId)
        .execute();
    await tx
      .updateTable('register_cash')
      .set({ status: 'open', business_date: businessDate, opened_at: at, open_settlement_id: id })
      .where('register_id', '=', registerId)
      .execute();
    if (check.difference !== 0)
      await recordCashMovement(tx, ctx, {
        registerId,
        kind: 'open_adjust',
        amount: check.difference,
        sourceKind: 'settlement',
        sourceId: id,
        reason: 'Opening count differs from the expected cash',
      });
    await recordAudit(tx, ctx, {
      action: 'register.opened',
      targetType: 'register',
      targetId: registerId,
      summary:
        `Opened register "${register.name}" for ${businessDate}: counted ¥${check.counted}, ` +
        `expected ¥${check.expected}${storeOpened ? '; opened the store' : ''}`,
    });
    await publish(
      tx,
      registerOpened.build({
        corporationId: ctx.corporationId,
        storeId: ctx.storeId,
        key: `register:${registerId}`,
        data: { registerId, settlementId: id, businessDate, storeOpened, ...check },
      }),
    );
    return { value: (await readSettlement(tx, ctx.storeId, id))!, replayed: false };
  });
}

/** 中間点検: a counted check of an open register; it changes nothing but is kept and printable. */
export async function middleCheck(
  db: Db,
  ctx: StoreContext,
  registerId: number,
  input: OpenInput,
  now = new Date(),
): Promise<Outcome<SettlementView>> {
  const count = checkedCount(input.count);
  return withTransaction(db, async (tx) => {
    const state = await lockRegister(tx, ctx, registerId);
    const earlier = await replay(tx, ctx, registerId, 'middle', input.idempotencyKey);
    if (earlier) return { value: earlier, replayed: true };
    const register = await registerOf(tx, ctx, registerId);
    if (state.status !== 'open') throw new RegisterClosedError(registerId);
    const figures = await sessionFigures(tx, ctx, registerId, state, now);
    const check = checkCash(figures.expected, count);
    const id = await insertSettlement(
      tx,
      ctx,
      {
        registerId,
        kind: 'middle',
        businessDate: state.businessDate!,
        ...check,
        nextFloat: null,
        count,
        figures,
        periodStart: state.openedAt!,
        periodEnd: toDbTime(now),
        key: input.idempotencyKey,
      },
      now,
    );
    await recordAudit(tx, ctx, {
      action: 'register.middle_check',
      targetType: 'register',
      targetId: registerId,
      summary: `Checked register "${register.name}": counted ¥${check.counted}, expected ¥${check.expected}`,
    });
    return { value: (await readSettlement(tx, ctx.storeId, id))!, replayed: false };
  });
}

export interface CloseInput extends OpenInput {
  /** 翌日の釣銭準備金: what stays in the drawer; the rest goes to the safe. At most the counted cash. */
  nextFloat: number;
}

/**
 * レジ締め: count, freeze the session's figures, set the drawer to the next day's float (one
 * `close_reset` movement for the counted-minus-float and any difference), close. The primary
 * register closes last, and closes the store's business day.
 */
export async function closeRegister(
  db: Db,
  ctx: StoreContext,
  registerId: number,
  input: CloseInput,
  now = new Date(),
): Promise<Outcome<SettlementView>> {
  const count = checkedCount(input.count);
  return withTransaction(db, async (tx) => {
    await lockStoreDay(tx, ctx);
    const state = await lockRegister(tx, ctx, registerId);
    const earlier = await replay(tx, ctx, registerId, 'close', input.idempotencyKey);
    if (earlier) return { value: earlier, replayed: true };
    const register = await registerOf(tx, ctx, registerId);
    if (state.status !== 'open') throw new RegisterAlreadyClosedError(registerId);
    if (register.primary) {
      const others = await tx
        .selectFrom('register as r')
        .innerJoin('register_cash as c', 'c.register_id', 'r.id')
        .select('r.id')
        .where('r.store_id', '=', ctx.storeId)
        .where('c.status', '=', 'open')
        .where('r.id', '!=', registerId)
        .execute();
      if (others.length) throw new OtherRegistersOpenError(others.map((o) => Number(o.id)));
    }
    const figures = await sessionFigures(tx, ctx, registerId, state, now);
    const check = checkCash(figures.expected, count);
    if (input.nextFloat > check.counted)
      throw new ValidationError([
        { field: 'nextFloat', message: `cannot exceed the counted cash (¥${check.counted})` },
      ]);
    const id = await insertSettlement(
      tx,
      ctx,
      {
        registerId,
        kind: 'close',
        businessDate: state.businessDate!,
        ...check,
        nextFloat: input.nextFloat,
        count,
        figures,
        periodStart: state.openedAt!,
        periodEnd: toDbTime(now),
        key: input.idempotencyKey,
      },
      now,
    );
    if (input.nextFloat !== state.balance)
      await recordCashMovement(tx, ctx, {
        registerId,
        kind: 'close_reset',
        amount: input.nextFloat - state.balance,
        sourceKind: 'settlement',
        sourceId: id,
        reason: 'Drawer set to the next day’s float',
      });
    await tx
      .updateTable('register_cash')
      .set({ status: 'closed' })
      .where('register_id', '=', registerId)
      .execute();
    if (register.primary)
      await tx
        .updateTable('store_business_day')
        .set({ status: 'closed', closed_at: toDbTime(now) })
        .where('store_id', '=', ctx.storeId)
        .execute();
    await recordAudit(tx, ctx, {
      action: 'register.closed',
      targetType: 'register',
      targetId: registerId,
      summary:
        `Closed register "${register.name}" for ${state.businessDate}: counted ¥${check.counted}, ` +
        `expected ¥${check.expected}, float ¥${input.nextFloat}${register.primary ? '; closed the store' : ''}`,
    });
    await publish(
      tx,
      registerClosed.build({
        corporationId: ctx.corporationId,
        storeId: ctx.storeId,
        key: `register:${registerId}`,
        data: {
          registerId,
          settlementId: id,
          businessDate: state.businessDate!,
          storeClosed: register.primary,
          ...check,
          nextFloat: input.nextFloat,
        },
      }),
    );
    return { value: (await readSettlement(tx, ctx.storeId, id))!, replayed: false };
  });
}
