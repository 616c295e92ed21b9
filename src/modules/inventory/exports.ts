import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../platform/db/connect.ts';
import './tables.ts';

/** Stock list of the store as CSV (one line per product), for spreadsheets and accountants. */
export async function stockCsv(db: Db, storeId: number): Promise<string> {
  const rows = await db
    .selectFrom('product as p')
    .innerJoin('item as i', 'i.id', 'p.item_id')
    .innerJoin('category_condition as c', 'c.id', 'p.condition_id')
    .select([
      'p.id',
      'p.barcode',
      'i.code',
      'i.jan',
      'i.name',
      'i.card_number',
      'c.name as condition',
      'p.stock',
      'p.ec_stock',
      'p.sell_price',
      'p.buy_price',
    ])
    .where('p.store_id', '=', storeId)
    .orderBy('p.id')
    .execute();
  return stringify(
    rows.map((r) => [
      r.id,
      r.barcode,
      r.code,
      r.jan,
      r.name,
      r.card_number,
      r.condition,
      r.stock,
      r.ec_stock,
      r.sell_price,
      r.buy_price,
    ]),
    {
      header: true,
      columns: [
        'productId',
        'barcode',
        'itemCode',
        'jan',
        'name',
        'cardNumber',
        'condition',
        'stock',
        'ecStock',
        'sellPrice',
        'buyPrice',
      ],
    },
  );
}

/** Ledger rows of the store in a UTC time range [from, to), oldest first. */
export async function ledgerCsv(
  db: Db,
  storeId: number,
  range: { from: string; to: string },
): Promise<string> {
  const rows = await db
    .selectFrom('stock_ledger')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('occurred_at', '>=', range.from)
    .where('occurred_at', '<', range.to)
    .orderBy('id')
    .limit(1_000_000)
    .execute();
  return stringify(
    rows.map((r) => [
      r.id,
      r.occurred_at,
      r.product_id,
      r.quantity,
      r.balance_after,
      r.source_kind,
      r.source_id,
      r.staff_id,
      r.unit_price,
      r.cost,
    ]),
    {
      header: true,
      columns: [
        'id',
        'occurredAtUtc',
        'productId',
        'quantity',
        'balanceAfter',
        'sourceKind',
        'sourceId',
        'staffId',
        'unitPrice',
        'cost',
      ],
    },
  );
}
