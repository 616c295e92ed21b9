import { sql } from 'kysely';
import { startOfDayIn, addDays, toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import type { DailyByGroupTable, DailyByMethodTable, DailyByRateTable, DailySummaryTable } from './tables.ts';
import './tables.ts';
import '../sales/tables.ts';
import '../inventory/tables.ts';
import '../registers/tables.ts';
import '../catalog/tables.ts';
import '../tenancy/tables.ts';

export interface StoreDay {
  corporationId: number;
  storeId: number;
  timeZone: string;
  businessDate: string;
}

/** Everything job-daily-calculate stores for one store and business day. */
export interface DayFigures {
  summary: Omit<DailySummaryTable, 'computed_at'>;
  byRate: DailyByRateTable[];
  byMethod: DailyByMethodTable[];
  byGroup: DailyByGroupTable[];
}

const n = (v: unknown) => Number(v ?? 0);

/**
 * Computes a store's business day from the completed sales and returns (grouped by the business
 * date their register stamped on them, so a late close still books on the day it opened), the
 * register closes of that day and the stock at the day's end. Reads only: a shop keeps trading
 * while this runs, and nothing here holds a write lock.
 */
export async function computeDay(db: Db, day: StoreDay): Promise<DayFigures> {
  const key = { store_id: day.storeId, business_date: day.businessDate };
  const sales = () =>
    db
      .selectFrom('sale as s')
      .where('s.store_id', '=', day.storeId)
      .where('s.business_date', '=', day.businessDate)
      .where('s.status', '=', 'completed');

  const [totals, rates, methods, groups, settlements, stock] = await Promise.all([
    sales()
      .select((e) => [
        's.kind',
        e.fn.countAll<number>().as('count'),
        e.fn.sum<number>('s.items').as('items'),
        e.fn.sum<number>(sql`s.subtotal + s.line_discounts`).as('gross'),
        e.fn.sum<number>(sql`s.line_discounts + s.cart_discount`).as('discounts'),
        e.fn.sum<number>('s.total').as('net'),
        e.fn.sum<number>('s.tax').as('tax'),
      ])
      .groupBy('s.kind')
      .execute(),
    sales()
      .innerJoin('sale_tax as t', 't.sale_id', 's.id')
      .select((e) => [
        's.kind',
        't.category',
        e.fn.sum<number>('t.tax_included').as('included'),
        e.fn.sum<number>('t.tax_excluded').as('excluded'),
        e.fn.sum<number>('t.tax').as('tax'),
      ])
      .groupBy(['s.kind', 't.category'])
      .execute(),
    sales()
      .innerJoin('sale_payment as p', 'p.sale_id', 's.id')
      .select((e) => [
        'p.method',
        's.kind',
        e.fn.countAll<number>().as('count'),
        e.fn.sum<number>('p.amount').as('amount'),
      ])
      .groupBy(['p.method', 's.kind'])
      .execute(),
    sales()
      .innerJoin('sale_line as l', 'l.sale_id', 's.id')
      .innerJoin('product as p', 'p.id', 'l.product_id')
      .innerJoin('item as i', 'i.id', 'l.item_id')
      .select((e) => [
        's.kind',
        'i.genre_id',
        'i.category_id',
        'p.condition_id',
        e.fn.sum<number>('l.quantity').as('quantity'),
        e.fn.sum<number>('l.amount').as('amount'),
        e.fn.sum<number>(e.fn.coalesce('l.cost', sql<number>`0`)).as('cost'),
      ])
      .groupBy(['s.kind', 'i.genre_id', 'i.category_id', 'p.condition_id'])
      .execute(),
    db
      .selectFrom('register_settlement')
      .select((e) => [e.fn.countAll<number>().as('count'), e.fn.sum<number>('difference').as('difference')])
      .where('store_id', '=', day.storeId)
      .where('business_date', '=', day.businessDate)
      .where('kind', '=', 'close')
      .executeTakeFirst(),
    stockAtDayEnd(db, day),
  ]);

  const of = (kind: 'sale' | 'return') => totals.find((t) => t.kind === kind);
  const cost = (kind: 'sale' | 'return') =>
    groups.filter((g) => g.kind === kind).reduce((s, g) => s + n(g.cost), 0);
  const sale = of('sale');
  const ret = of('return');
  return {
    summary: {
      ...key,
      corporation_id: day.corporationId,
      sales_count: n(sale?.count),
      sales_items: n(sale?.items),
      sales_gross: n(sale?.gross),
      sales_discounts: n(sale?.discounts),
      sales_net: n(sale?.net),
      sales_tax: n(sale?.tax),
      sales_cost: cost('sale'),
      returns_count: n(ret?.count),
      returns_net: n(ret?.net),
      returns_tax: n(ret?.tax),
      returns_cost: cost('return'),
      ...stock,
      settlements: n(settlements?.count),
      cash_over_short: n(settlements?.difference),
    },
    byRate: rates.map((r) => ({
      ...key,
      kind: r.kind,
      category: r.category,
      tax_included: n(r.included),
      tax_excluded: n(r.excluded),
      tax: n(r.tax),
    })),
    byMethod: methods.map((m) => ({
      ...key,
      kind: m.kind === 'sale' ? ('sale' as const) : ('sale_refund' as const),
      method: m.method,
      count: n(m.count),
      amount: Math.abs(n(m.amount)),
    })),
    byGroup: groups.map((g) => ({
      ...key,
      kind: g.kind,
      genre_id: n(g.genre_id),
      category_id: n(g.category_id),
      condition_id: n(g.condition_id),
      quantity: n(g.quantity),
      amount: n(g.amount),
      cost: n(g.cost),
    })),
  };
}

/**
 * Units in stock when the business day ended (today's stock minus the ledger's movements since),
 * valued at each product's current average layer cost and current sell price.
 */
async function stockAtDayEnd(db: Db, day: StoreDay) {
  const end = toDbTime(startOfDayIn(addDays(day.businessDate, 1), day.timeZone));
  const rows = await db
    .selectFrom('product as p')
    .leftJoin(
      (q) =>
        q
          .selectFrom('stock_ledger')
          .select(['product_id', (e) => e.fn.sum<number>('quantity').as('since')])
          .where('store_id', '=', day.storeId)
          .where('occurred_at', '>=', end)
          .groupBy('product_id')
          .as('l'),
      (j) => j.onRef('l.product_id', '=', 'p.id'),
    )
    .leftJoin(
      (q) =>
        q
          .selectFrom('cost_layer')
          .select((e) => [
            'product_id',
            e.fn.sum<number>('quantity').as('units'),
            e.fn.sum<number>('total_cost').as('cost'),
          ])
          .where('store_id', '=', day.storeId)
          .where('quantity', '>', 0)
          .groupBy('product_id')
          .as('c'),
      (j) => j.onRef('c.product_id', '=', 'p.id'),
    )
    .select(['p.stock', 'p.sell_price', 'l.since', 'c.units', 'c.cost'])
    .where('p.store_id', '=', day.storeId)
    .execute();
  let units = 0;
  let atCost = 0;
  let atPrice = 0;
  for (const r of rows) {
    const q = n(r.stock) - n(r.since);
    if (q <= 0) continue;
    units += q;
    atPrice += q * n(r.sell_price);
    if (n(r.units) > 0) atCost += Math.round((q * n(r.cost)) / n(r.units));
  }
  return { stock_units: units, stock_at_cost: atCost, stock_at_price: atPrice };
}

/**
 * Replaces the stored day with these figures in one short transaction (with `also`, e.g. the audit
 * entry of a repair, in the same one); true when anything changed.
 */
export async function writeDay(
  db: Db,
  f: DayFigures,
  now: Date,
  also?: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  const before = await readStoredDay(db, f.summary.store_id, f.summary.business_date);
  const changed = !before || fingerprint(before) !== fingerprint(f);
  await withTransaction(db, async (tx) => {
    const key = (t: 'daily_summary' | 'daily_by_rate' | 'daily_by_method' | 'daily_by_group') =>
      tx
        .deleteFrom(t)
        .where('store_id', '=', f.summary.store_id)
        .where('business_date', '=', f.summary.business_date)
        .execute();
    await Promise.all([
      key('daily_summary'),
      key('daily_by_rate'),
      key('daily_by_method'),
      key('daily_by_group'),
    ]);
    await tx
      .insertInto('daily_summary')
      .values({ ...f.summary, computed_at: toDbTime(now) })
      .execute();
    if (f.byRate.length) await tx.insertInto('daily_by_rate').values(f.byRate).execute();
    if (f.byMethod.length) await tx.insertInto('daily_by_method').values(f.byMethod).execute();
    if (f.byGroup.length) await tx.insertInto('daily_by_group').values(f.byGroup).execute();
    await also?.(tx);
  });
  return changed;
}

/** The stored figures of a day in the shape computeDay returns (for comparison and the API). */
export async function readStoredDay(
  db: Db,
  storeId: number,
  businessDate: string,
): Promise<DayFigures | null> {
  const [summary, byRate, byMethod, byGroup] = await Promise.all([
    db
      .selectFrom('daily_summary')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('business_date', '=', businessDate)
      .executeTakeFirst(),
    db
      .selectFrom('daily_by_rate')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('business_date', '=', businessDate)
      .execute(),
    db
      .selectFrom('daily_by_method')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('business_date', '=', businessDate)
      .execute(),
    db
      .selectFrom('daily_by_group')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('business_date', '=', businessDate)
      .execute(),
  ]);
  if (!summary) return null;
  const { computed_at: _computed, ...rest } = summary;
  return {
    summary: numeric(rest),
    byRate: byRate.map(numeric),
    byMethod: byMethod.map(numeric),
    byGroup: byGroup.map(numeric),
  };
}

const TEXT = new Set(['business_date', 'kind', 'category', 'method']);

/** Figures as numbers whatever the driver returned (MySQL sums and BIGINTs may come back as strings). */
function numeric<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, TEXT.has(k) ? v : Number(v)])) as T;
}

/** An order-independent rendering of a day's figures, to tell whether a recomputation changed them. */
export function fingerprint(f: DayFigures): string {
  const rows = (xs: object[]) => xs.map((x) => JSON.stringify(Object.entries(numeric(x)).sort())).sort();
  return JSON.stringify([
    Object.entries(numeric(f.summary)).sort(),
    rows(f.byRate),
    rows(f.byMethod),
    rows(f.byGroup),
  ]);
}
