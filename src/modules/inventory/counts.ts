import { sql } from 'kysely';
import { ConflictError, ValidationError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { countDifferences, type CountDifference, type SheetLine } from './count-rules.ts';
import { checkProducts, insertDocument, lockDocument, transitionDocument } from './documents.ts';
import { moveStock, type StockContext } from './ledger.ts';
import './tables.ts';

/**
 * Stock counts (棚卸): open a count, several staff submit sheets by shelf while the shop keeps
 * selling, review counted vs expected, apply. Expected = stock now − what moved since the count
 * opened (by ledger id), so a sale during the count is not taken for a loss (rules in count-rules.ts).
 */
export async function openCount(
  tx: Tx,
  ctx: StockContext,
  input: { mode: 'counted' | 'full'; reason: string },
): Promise<number> {
  const last = await tx
    .selectFrom('stock_ledger')
    .select((e) => e.fn.max('id').as('m'))
    .where('store_id', '=', ctx.storeId)
    .executeTakeFirst();
  return insertDocument(tx, ctx, {
    kind: 'count',
    status: 'open',
    reason: input.reason,
    countMode: input.mode,
    startLedgerId: Number(last?.m ?? 0),
  });
}

export async function addCountSheet(
  tx: Tx,
  ctx: StockContext,
  docId: number,
  input: { shelf: string; lines: SheetLine[] },
): Promise<void> {
  const doc = await lockDocument(tx, ctx, docId, 'count');
  if (doc.status !== 'open')
    throw new ConflictError(
      'count_not_open',
      `Count ${docId} is ${doc.status}; sheets are accepted only while it is open.`,
    );
  await checkProducts(tx, ctx, input.lines);
  const now = toDbTime(new Date());
  await tx
    .insertInto('count_sheet_line')
    .values(
      input.lines.map((l) => ({
        document_id: docId,
        shelf: input.shelf,
        product_id: l.productId,
        quantity: l.quantity,
        staff_id: ctx.staffId,
        counted_at: now,
      })),
    )
    .execute();
}

/** The differences the count would apply now (also moves the count to review: no more sheets). */
export async function reviewCount(tx: Tx, ctx: StockContext, docId: number): Promise<CountDifference[]> {
  const doc = await lockDocument(tx, ctx, docId, 'count');
  if (doc.status !== 'open' && doc.status !== 'review')
    throw new ConflictError('count_finished', `Count ${docId} is ${doc.status}.`);
  if (doc.status === 'open')
    await tx.updateTable('stock_document').set({ status: 'review' }).where('id', '=', docId).execute();
  return differences(tx, ctx, docId, doc.count_mode ?? 'counted', Number(doc.start_ledger_id ?? 0));
}

/** Applies exactly the differences (one ledger move per product that differs) and finalises the count. */
export async function applyCount(tx: Tx, ctx: StockContext, docId: number): Promise<CountDifference[]> {
  const doc = await lockDocument(tx, ctx, docId, 'count');
  await transitionDocument(
    tx,
    docId,
    ['open', 'review'],
    'final',
    new ConflictError('count_finished', `Count ${docId} is ${doc.status}.`),
  );
  const diffs = await differences(
    tx,
    ctx,
    docId,
    doc.count_mode ?? 'counted',
    Number(doc.start_ledger_id ?? 0),
  );
  for (const d of diffs) {
    let ledgerId: number | null = null;
    if (d.difference !== 0) {
      const moved = await moveStock(tx, ctx, {
        productId: d.productId,
        quantity: d.difference,
        source: { kind: 'count', id: docId },
      });
      ledgerId = moved.ledgerId;
    }
    await tx
      .insertInto('stock_document_line')
      .values({
        document_id: docId,
        product_id: d.productId,
        quantity: d.difference,
        unit_cost: null,
        expected: d.expected,
        counted: d.counted,
        ledger_id: ledgerId,
        cost_layer_id: null,
      })
      .execute();
  }
  return diffs;
}

async function differences(
  tx: Tx,
  ctx: StockContext,
  docId: number,
  mode: 'counted' | 'full',
  startLedgerId: number,
): Promise<CountDifference[]> {
  const sheetRows = await tx
    .selectFrom('count_sheet_line')
    .select(['shelf', 'product_id', 'quantity'])
    .where('document_id', '=', docId)
    .execute();
  if (sheetRows.length === 0 && mode === 'counted')
    throw new ValidationError([{ field: 'sheets', message: 'no sheet was submitted', code: 'empty' }]);
  const sheets = new Map<string, SheetLine[]>();
  for (const r of sheetRows) {
    const list = sheets.get(r.shelf) ?? [];
    list.push({ productId: Number(r.product_id), quantity: Number(r.quantity) });
    sheets.set(r.shelf, list);
  }
  const counted = [...new Set(sheetRows.map((r) => Number(r.product_id)))];
  let stockQ = tx.selectFrom('product').select(['id', 'stock']).where('store_id', '=', ctx.storeId);
  stockQ =
    mode === 'full'
      ? stockQ.where((e) => e.or([e('stock', '!=', 0), e('id', 'in', counted.length ? counted : [0])]))
      : stockQ.where('id', 'in', counted.length ? counted : [0]);
  const stock = new Map((await stockQ.execute()).map((p) => [Number(p.id), Number(p.stock)]));
  const moved = await tx
    .selectFrom('stock_ledger')
    .select(['product_id', sql<number>`sum(quantity)`.as('q')])
    .where('store_id', '=', ctx.storeId)
    .where('id', '>', startLedgerId)
    .where('product_id', 'in', [...stock.keys(), 0])
    .groupBy('product_id')
    .execute();
  const movedSince = new Map(moved.map((m) => [Number(m.product_id), Number(m.q)]));
  return countDifferences([...sheets.values()], { mode, stock, movedSince });
}
