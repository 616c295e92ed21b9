import { publish } from '../../platform/bus/outbox.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { toDbTime } from '../../kernel/time.ts';
import { priceChanged } from './events.ts';
import { computeEcPrice, computePrice, effectiveAdjustment, type Adjustment } from './pricing.ts';
import { readSettings } from './settings.ts';
import type { RateKind } from './tables.ts';
import './tables.ts';

export interface CatalogScope {
  corporationId: number;
  storeId: number;
}

export const adjustmentOf = (kind: RateKind, value: number): Adjustment =>
  kind === 'percent' ? { kind: 'percent', bp: Number(value) } : { kind: 'yen', value: Number(value) };

/**
 * The label barcode of a product: an in-store EAN-13 (prefix 2, reserved for in-store use) built
 * from the product id, so it is unique without a counter and scans on any reader.
 */
export function productBarcode(productId: number): string {
  const body = '2' + String(productId).padStart(11, '0');
  if (body.length !== 12) throw new RangeError('product id too large for an EAN-13 label');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

/**
 * Creates the products an item must have: one per condition of its category, and one per
 * condition × each specialty already used by the item (or given). Existing ones are kept, so it is
 * safe to run again (after a condition was added to the category). Returns the new product ids.
 */
export async function ensureProducts(
  tx: Tx,
  scope: CatalogScope,
  itemId: number,
  specialtyIds: number[] = [],
): Promise<number[]> {
  const item = await tx
    .selectFrom('item')
    .select(['id', 'category_id'])
    .where('id', '=', itemId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirstOrThrow();
  const conditions = await tx
    .selectFrom('category_condition')
    .select('id')
    .where('category_id', '=', Number(item.category_id))
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
  const existing = await tx
    .selectFrom('product')
    .select(['condition_id', 'specialty_id'])
    .where('item_id', '=', itemId)
    .execute();
  const have = new Set(existing.map((p) => `${p.condition_id}:${p.specialty_id}`));
  const specialties = new Set([0, ...specialtyIds, ...existing.map((p) => Number(p.specialty_id))]);
  const now = toDbTime(new Date());
  const created: number[] = [];
  for (const specialtyId of specialties) {
    for (const c of conditions) {
      if (have.has(`${c.id}:${specialtyId}`)) continue;
      const res = await tx
        .insertInto('product')
        .values({
          corporation_id: scope.corporationId,
          store_id: scope.storeId,
          item_id: itemId,
          condition_id: Number(c.id),
          specialty_id: specialtyId,
          barcode: null,
          sell_price: 0,
          buy_price: 0,
          ec_price: 0,
          computed_sell_price: 0,
          computed_buy_price: 0,
          manual_sell_price: null,
          manual_buy_price: null,
          stock: 0,
          allow_negative: 0,
          reserve: null,
          ec_stock: 0,
          low_stock_threshold: null,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await tx
        .updateTable('product')
        .set({ barcode: productBarcode(id) })
        .where('id', '=', id)
        .execute();
      created.push(id);
    }
  }
  return created;
}

/**
 * Re-runs the price engine for the products of the given items and stores the results. A product
 * whose prices change gets a `catalog.price_changed` event (absolute prices). Returns how many changed.
 */
export async function priceItems(
  tx: Tx,
  scope: CatalogScope,
  itemIds: number[],
  /** Products just created (by ensureProducts): they always get their first prices and event. */
  fresh: ReadonlySet<number> = new Set(),
): Promise<number> {
  if (itemIds.length === 0) return 0;
  const settings = await readSettings(tx, scope.storeId);
  const rows = await tx
    .selectFrom('product as p')
    .innerJoin('item as i', 'i.id', 'p.item_id')
    .innerJoin('category_condition as c', 'c.id', 'p.condition_id')
    .leftJoin('genre_condition_rate as g', (j) =>
      j.onRef('g.genre_id', '=', 'i.genre_id').onRef('g.condition_id', '=', 'p.condition_id'),
    )
    .leftJoin('specialty as s', 's.id', 'p.specialty_id')
    .select([
      'p.id',
      'p.item_id',
      'p.sell_price',
      'p.buy_price',
      'p.ec_price',
      'p.computed_sell_price',
      'p.computed_buy_price',
      'p.manual_sell_price',
      'p.manual_buy_price',
      'i.base_sell_price',
      'i.base_buy_price',
      'i.allow_round',
      'c.sell_kind',
      'c.sell_value',
      'c.buy_kind',
      'c.buy_value',
      'g.sell_kind as g_sell_kind',
      'g.sell_value as g_sell_value',
      'g.buy_kind as g_buy_kind',
      'g.buy_value as g_buy_value',
      's.sell_kind as s_sell_kind',
      's.sell_value as s_sell_value',
      's.buy_kind as s_buy_kind',
      's.buy_value as s_buy_value',
    ])
    .where('p.store_id', '=', scope.storeId)
    .where('p.item_id', 'in', itemIds)
    .orderBy('p.id')
    .execute();
  let changed = 0;
  const now = toDbTime(new Date());
  for (const r of rows) {
    const sellAdj = [
      effectiveAdjustment(
        adjustmentOf(r.sell_kind, r.sell_value),
        r.g_sell_kind ? adjustmentOf(r.g_sell_kind, r.g_sell_value!) : null,
      ),
      ...(r.s_sell_kind ? [adjustmentOf(r.s_sell_kind, r.s_sell_value!)] : []),
    ];
    const buyAdj = [
      effectiveAdjustment(
        adjustmentOf(r.buy_kind, r.buy_value),
        r.g_buy_kind ? adjustmentOf(r.g_buy_kind, r.g_buy_value!) : null,
      ),
      ...(r.s_buy_kind ? [adjustmentOf(r.s_buy_kind, r.s_buy_value!)] : []),
    ];
    const allowRound = Number(r.allow_round) === 1;
    const sell = computePrice({
      base: Number(r.base_sell_price),
      adjustments: sellAdj,
      rounding: settings.rounding,
      allowRound,
      manualPrice: r.manual_sell_price === null ? null : Number(r.manual_sell_price),
    });
    const buy = computePrice({
      base: Number(r.base_buy_price),
      adjustments: buyAdj,
      rounding: settings.rounding,
      allowRound,
      manualPrice: r.manual_buy_price === null ? null : Number(r.manual_buy_price),
    });
    const ec = computeEcPrice(sell.price, settings.ecRateBp, settings.ecRounding);
    const before = {
      sellPrice: Number(r.sell_price),
      buyPrice: Number(r.buy_price),
      ecPrice: Number(r.ec_price),
    };
    const same =
      before.sellPrice === sell.price &&
      before.buyPrice === buy.price &&
      before.ecPrice === ec &&
      Number(r.computed_sell_price) === sell.computed &&
      Number(r.computed_buy_price) === buy.computed;
    const isFresh = fresh.has(Number(r.id));
    if (same && !isFresh) continue;
    await tx
      .updateTable('product')
      .set({
        sell_price: sell.price,
        buy_price: buy.price,
        ec_price: ec,
        computed_sell_price: sell.computed,
        computed_buy_price: buy.computed,
        updated_at: now,
      })
      .where('id', '=', Number(r.id))
      .execute();
    if (before.sellPrice === sell.price && before.buyPrice === buy.price && before.ecPrice === ec && !isFresh)
      continue;
    changed++;
    await publish(
      tx,
      priceChanged.build({
        corporationId: scope.corporationId,
        storeId: scope.storeId,
        key: `product:${r.id}`,
        data: {
          productId: Number(r.id),
          itemId: Number(r.item_id),
          sellPrice: sell.price,
          buyPrice: buy.price,
          ecPrice: ec,
          previous: isFresh ? null : before,
        },
      }),
    );
  }
  return changed;
}
