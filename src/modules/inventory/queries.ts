import type { Db } from '../../platform/db/connect.ts';
import type { StockDocumentKind, StockDocumentStatus } from './tables.ts';
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

/**
 * A store's stock documents (stocking, loss, adjustment, count), newest first, by cursor (document
 * id): `before` is the last id of the previous page. Lines are counted, not listed (one document
 * is read with its lines by id). Only this store's rows: the store id is part of every query.
 */
export async function listDocuments(
  db: Db,
  storeId: number,
  opts: { kind?: StockDocumentKind; status?: StockDocumentStatus; before?: number; limit: number },
) {
  let q = db
    .selectFrom('stock_document as d')
    .select([
      'd.id',
      'd.kind',
      'd.status',
      'd.reason',
      'd.supplier',
      'd.count_mode',
      'd.reverses_id',
      'd.reversed_by_id',
      'd.created_by',
      'd.created_at',
      'd.finalized_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('stock_document_line as l')
        .whereRef('l.document_id', '=', 'd.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('line_count'),
    )
    .where('d.store_id', '=', storeId);
  if (opts.kind) q = q.where('d.kind', '=', opts.kind);
  if (opts.status) q = q.where('d.status', '=', opts.status);
  if (opts.before) q = q.where('d.id', '<', opts.before);
  const rows = await q
    .orderBy('d.id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const page = rows.slice(0, opts.limit);
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    items: page.map((d) => ({
      id: Number(d.id),
      kind: d.kind,
      status: d.status,
      reason: d.reason,
      supplier: d.supplier,
      countMode: d.count_mode,
      reversesId: n(d.reverses_id),
      reversedById: n(d.reversed_by_id),
      createdBy: n(d.created_by),
      lineCount: Number(d.line_count ?? 0),
      createdAt: d.created_at,
      finalizedAt: d.finalized_at,
    })),
    nextBefore: rows.length > opts.limit ? Number(page[page.length - 1]!.id) : null,
  };
}
