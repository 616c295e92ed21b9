import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { moveStock, type StockContext } from './ledger.ts';
import type { StockDocumentKind, StockDocumentStatus } from './tables.ts';
import './tables.ts';

/**
 * Stock operations as documents with lines. A final document is never edited: a stocking is undone
 * by a compensating document (`reverses_id`) whose moves take back exactly what it put in, from the
 * cost layers it created. Every line moves stock through moveStock (source kind = document kind).
 */
export interface DocumentLineInput {
  productId: number;
  quantity: number;
  unitCost?: number | null;
}

export async function insertDocument(
  tx: Tx,
  ctx: StockContext,
  doc: {
    kind: StockDocumentKind;
    status: StockDocumentStatus;
    reason?: string;
    supplier?: string;
    costTax?: 'include' | 'exclude';
    countMode?: 'counted' | 'full' | null;
    reversesId?: number | null;
    startLedgerId?: number | null;
  },
): Promise<number> {
  const now = toDbTime(new Date());
  const res = await tx
    .insertInto('stock_document')
    .values({
      corporation_id: ctx.corporationId,
      store_id: ctx.storeId,
      kind: doc.kind,
      status: doc.status,
      reason: doc.reason ?? '',
      supplier: doc.supplier ?? '',
      cost_tax: doc.costTax ?? 'include',
      count_mode: doc.countMode ?? null,
      start_ledger_id: doc.startLedgerId ?? null,
      reverses_id: doc.reversesId ?? null,
      reversed_by_id: null,
      created_by: ctx.staffId,
      created_at: now,
      finalized_at: doc.status === 'final' ? now : null,
    })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function checkProducts(tx: Tx, ctx: StockContext, lines: { productId: number }[]) {
  const ids = [...new Set(lines.map((l) => l.productId))];
  const found = await tx
    .selectFrom('product')
    .select('id')
    .where('store_id', '=', ctx.storeId)
    .where('id', 'in', ids)
    .execute();
  const have = new Set(found.map((f) => Number(f.id)));
  const errors = lines
    .map((l, i) =>
      have.has(l.productId)
        ? null
        : { field: `lines.${i}.productId`, message: 'no such product in this store', code: 'unknown' },
    )
    .filter((e) => e !== null);
  if (errors.length) throw new ValidationError(errors);
}

/** Loss/write-off (quantities taken out) or manual adjustment (signed): final at once. */
export async function recordMovementDocument(
  tx: Tx,
  ctx: StockContext,
  input: { kind: 'loss' | 'adjustment'; reason: string; lines: DocumentLineInput[] },
): Promise<number> {
  await checkProducts(tx, ctx, input.lines);
  const docId = await insertDocument(tx, ctx, { kind: input.kind, status: 'final', reason: input.reason });
  for (const line of input.lines) {
    const quantity = input.kind === 'loss' ? -Math.abs(line.quantity) : line.quantity;
    const moved = await moveStock(tx, ctx, {
      productId: line.productId,
      quantity,
      source: { kind: input.kind, id: docId },
    });
    await tx
      .insertInto('stock_document_line')
      .values({
        document_id: docId,
        product_id: line.productId,
        quantity,
        unit_cost: null,
        expected: null,
        counted: null,
        ledger_id: moved.ledgerId,
        cost_layer_id: moved.costLayerId,
      })
      .execute();
  }
  return docId;
}

/** A planned stocking from a supplier: no stock moves until it is received. */
export async function planStocking(
  tx: Tx,
  ctx: StockContext,
  input: { supplier: string; costTax: 'include' | 'exclude'; lines: DocumentLineInput[] },
): Promise<number> {
  await checkProducts(tx, ctx, input.lines);
  const docId = await insertDocument(tx, ctx, {
    kind: 'stocking',
    status: 'planned',
    supplier: input.supplier,
    costTax: input.costTax,
  });
  await tx
    .insertInto('stock_document_line')
    .values(
      input.lines.map((l) => ({
        document_id: docId,
        product_id: l.productId,
        quantity: l.quantity,
        unit_cost: l.unitCost ?? null,
        expected: null,
        counted: null,
        ledger_id: null,
        cost_layer_id: null,
      })),
    )
    .execute();
  return docId;
}

export async function lockDocument(tx: Tx, ctx: StockContext, docId: number, kind: StockDocumentKind) {
  // Claim the document with a conditional update first, so two clerks cannot receive it twice.
  const doc = await tx
    .selectFrom('stock_document')
    .selectAll()
    .where('id', '=', docId)
    .where('store_id', '=', ctx.storeId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!doc) throw new NotFoundError(`Stock document ${docId}`);
  return doc;
}

/**
 * Moves a document from one of `from` to `to`, or throws `conflict`: the status check and the
 * change are one conditional UPDATE, so two clerks finishing the same document cannot both win.
 */
export async function transitionDocument(
  tx: Tx,
  docId: number,
  from: StockDocumentStatus[],
  to: StockDocumentStatus,
  conflict: ConflictError,
): Promise<void> {
  const res = await tx
    .updateTable('stock_document')
    .set({ status: to, ...(to === 'final' ? { finalized_at: toDbTime(new Date()) } : {}) })
    .where('id', '=', docId)
    .where('status', 'in', from)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw conflict;
}

/** Receives a planned stocking: every line moves into stock with its cost (a new cost layer). */
export async function receiveStocking(tx: Tx, ctx: StockContext, docId: number): Promise<void> {
  await lockDocument(tx, ctx, docId, 'stocking');
  await transitionDocument(
    tx,
    docId,
    ['planned'],
    'final',
    new ConflictError(
      'document_not_planned',
      `Stocking ${docId} is not planned (already received or cancelled).`,
    ),
  );
  const lines = await tx
    .selectFrom('stock_document_line')
    .selectAll()
    .where('document_id', '=', docId)
    .orderBy('id')
    .execute();
  for (const l of lines) {
    const moved = await moveStock(tx, ctx, {
      productId: Number(l.product_id),
      quantity: Number(l.quantity),
      source: { kind: 'stocking', id: docId },
      unitCost: l.unit_cost === null ? null : Number(l.unit_cost),
    });
    await tx
      .updateTable('stock_document_line')
      .set({ ledger_id: moved.ledgerId, cost_layer_id: moved.costLayerId })
      .where('id', '=', Number(l.id))
      .execute();
  }
}

/**
 * Reverses a received stocking with a compensating document: each line's units leave stock from
 * the cost layer the receipt created (so the layers are as before), never below zero — if some of
 * the units were already sold, the reversal is refused (409 out_of_stock) and nothing changes.
 */
export async function reverseStocking(
  tx: Tx,
  ctx: StockContext,
  docId: number,
  reason: string,
): Promise<number> {
  await lockDocument(tx, ctx, docId, 'stocking');
  await transitionDocument(
    tx,
    docId,
    ['final'],
    'reversed',
    new ConflictError('document_not_final', `Stocking ${docId} is not received, or already reversed.`),
  );
  const reversal = await insertDocument(tx, ctx, {
    kind: 'stocking',
    status: 'final',
    reason,
    reversesId: docId,
  });
  await tx.updateTable('stock_document').set({ reversed_by_id: reversal }).where('id', '=', docId).execute();
  const lines = await tx
    .selectFrom('stock_document_line')
    .selectAll()
    .where('document_id', '=', docId)
    .orderBy('id')
    .execute();
  for (const l of lines) {
    const quantity = -Number(l.quantity);
    const moved = await moveStock(tx, ctx, {
      productId: Number(l.product_id),
      quantity,
      source: { kind: 'stocking_reversal', id: reversal },
      fromLayerId: l.cost_layer_id === null ? null : Number(l.cost_layer_id),
    });
    await tx
      .insertInto('stock_document_line')
      .values({
        document_id: reversal,
        product_id: Number(l.product_id),
        quantity,
        unit_cost: l.unit_cost,
        expected: null,
        counted: null,
        ledger_id: moved.ledgerId,
        cost_layer_id: l.cost_layer_id,
      })
      .execute();
  }
  return reversal;
}

/** Cancels a stocking that was never received. */
export async function cancelStocking(tx: Tx, ctx: StockContext, docId: number): Promise<void> {
  await lockDocument(tx, ctx, docId, 'stocking');
  await transitionDocument(
    tx,
    docId,
    ['planned'],
    'cancelled',
    new ConflictError('document_not_planned', `Stocking ${docId} is not planned.`),
  );
}

export async function readDocument(db: Db | Tx, storeId: number, docId: number) {
  const doc = await db
    .selectFrom('stock_document')
    .selectAll()
    .where('id', '=', docId)
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (!doc) throw new NotFoundError(`Stock document ${docId}`);
  const lines = await db
    .selectFrom('stock_document_line')
    .selectAll()
    .where('document_id', '=', docId)
    .orderBy('id')
    .execute();
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: Number(doc.id),
    kind: doc.kind,
    status: doc.status,
    reason: doc.reason,
    supplier: doc.supplier,
    costTax: doc.cost_tax,
    countMode: doc.count_mode,
    reversesId: n(doc.reverses_id),
    reversedById: n(doc.reversed_by_id),
    createdAt: doc.created_at,
    finalizedAt: doc.finalized_at,
    lines: lines.map((l) => ({
      productId: Number(l.product_id),
      quantity: Number(l.quantity),
      unitCost: n(l.unit_cost),
      expected: n(l.expected),
      counted: n(l.counted),
      ledgerId: n(l.ledger_id),
    })),
  };
}
