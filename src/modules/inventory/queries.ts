import type { Db } from '../../platform/db/connect.ts';
import './tables.ts';

/** A product's ledger, newest first, by cursor (ledger id). */
export async function ledgerOf(
  db: Db,
  storeId: number,
  productId: number,
  opts: { before?: number; limit: number },
) {
  let q = db
    .selectFrom('stock_ledger')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('product_id', '=', productId);
  if (opts.before) q = q.where('id', '<', opts.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      quantity: Number(r.quantity),
      balanceAfter: Number(r.balance_after),
      sourceKind: r.source_kind,
      sourceId: r.source_id,
      staffId: r.staff_id === null ? null : Number(r.staff_id),
      unitPrice: r.unit_price === null ? null : Number(r.unit_price),
      cost: Number(r.cost),
      occurredAt: r.occurred_at,
    })),
    nextCursor: rows.length > opts.limit ? Number(page[page.length - 1]!.id) : null,
  };
}
