import { sql } from 'kysely';
import { AppError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Yen } from '../../kernel/money.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { readSettings } from '../catalog/settings.ts';
import { addLayer, consumeLayers, type CostLayer } from './cost-layers.ts';
import { stockChanged } from './events.ts';
import './tables.ts';

/** Who moves stock: the tenant and store from the session, and the staff member acting (null: the system). */
export interface StockContext {
  corporationId: number;
  storeId: number;
  staffId: number | null;
}

/** One movement of one product. */
export interface StockMove {
  productId: number;
  /** Signed whole units: negative takes stock out (sale, loss), positive puts it in (stocking, return). */
  quantity: number;
  /** What caused it, e.g. `{ kind: 'sale', id: 123 }`: stored on the ledger row and the event. */
  source: { kind: string; id: string | number };
  /** Price per unit of the document (sale price, buy price); informational, null when none. */
  unitPrice?: Yen | null;
  /** Incoming only: cost per unit for the new cost layer (default: the product's buy price). */
  unitCost?: Yen | null;
  /** Outgoing only: take units from this cost layer first (the reversal of the arrival that made it). */
  fromLayerId?: number | null;
}

export interface StockBalance {
  productId: number;
  stock: number;
  ledgerId: number;
  /** Incoming: the layer created or merged into; outgoing: null. */
  costLayerId: number | null;
  /** Cost of the units moved (incoming: the layer's cost; outgoing: what the layers gave up). */
  cost: Yen;
}

export class OutOfStockError extends AppError {
  constructor(productId: number, requested: number, available: number) {
    super(
      409,
      'out_of_stock',
      `Product ${productId} has ${available} in stock; ${requested} requested.`,
      [],
      {
        productId,
        requested,
        available,
      },
    );
  }
}

/**
 * THE way stock changes (DESIGN.md §5), in the caller's transaction:
 *  1. a conditional atomic UPDATE (stock + q, only if the result stays ≥ 0 unless the product
 *     allows negative stock) — concurrent sellers of the last card cannot both succeed;
 *  2. cost layers (FIFO or average by the store setting) for the units in or out;
 *  3. a ledger row: signed quantity, balance after, source kind + id, staff, unit price, cost;
 *  4. an outbox `inventory.stock_changed` event with the absolute stock.
 * Throws OutOfStockError (409 out_of_stock) or NotFoundError (another store's product: 404).
 */
export async function moveStock(tx: Tx, ctx: StockContext, move: StockMove): Promise<StockBalance> {
  const q = move.quantity;
  if (!Number.isSafeInteger(q) || q === 0)
    throw new ValidationError([
      { field: 'quantity', message: 'a whole number of units, not 0', code: 'invalid' },
    ]);
  const sourceId = String(move.source.id);
  if (!move.source.kind || sourceId.length === 0 || sourceId.length > 64 || move.source.kind.length > 40)
    throw new ValidationError([
      { field: 'source', message: 'a source kind and id are required', code: 'invalid' },
    ]);

  let update = tx
    .updateTable('product')
    .set({ stock: sql`stock + ${q}` })
    .where('id', '=', move.productId)
    .where('store_id', '=', ctx.storeId);
  if (q < 0) update = update.where((e) => e.or([e('allow_negative', '=', 1), e('stock', '>=', -q)]));
  const res = await update.executeTakeFirst();
  const product = await tx
    .selectFrom('product')
    .select(['stock', 'item_id', 'buy_price'])
    .where('id', '=', move.productId)
    .where('store_id', '=', ctx.storeId)
    .executeTakeFirst();
  if (!product) throw new NotFoundError(`Product ${move.productId}`);
  if (Number(res.numUpdatedRows) !== 1) throw new OutOfStockError(move.productId, -q, Number(product.stock));
  const stock = Number(product.stock);
  const now = toDbTime(new Date());

  const { cost, layerId, apply } = await costOf(tx, ctx, move, Number(product.buy_price), now);
  const ledger = await tx
    .insertInto('stock_ledger')
    .values({
      corporation_id: ctx.corporationId,
      store_id: ctx.storeId,
      product_id: move.productId,
      quantity: q,
      balance_after: stock,
      source_kind: move.source.kind,
      source_id: sourceId,
      staff_id: ctx.staffId,
      unit_price: move.unitPrice ?? null,
      cost,
      occurred_at: now,
    })
    .executeTakeFirstOrThrow();
  const ledgerId = Number(ledger.insertId);
  const costLayerId = await apply(ledgerId);
  await publish(
    tx,
    stockChanged.build({
      corporationId: ctx.corporationId,
      storeId: ctx.storeId,
      key: `product:${move.productId}`,
      data: {
        productId: move.productId,
        itemId: Number(product.item_id),
        ledgerId,
        quantity: q,
        stock,
        sourceKind: move.source.kind,
        sourceId,
      },
    }),
  );
  return { productId: move.productId, stock, ledgerId, costLayerId: costLayerId ?? layerId, cost };
}

/**
 * Cost layers of the product (the product row is already locked by the UPDATE above, so no other
 * transaction changes them meanwhile). Returns the cost and a writer run once the ledger id is known.
 */
async function costOf(tx: Tx, ctx: StockContext, move: StockMove, buyPrice: Yen, now: string) {
  const rows = await tx
    .selectFrom('cost_layer')
    .selectAll()
    .where('product_id', '=', move.productId)
    .where('quantity', '>', 0)
    .orderBy('arrived_at')
    .orderBy('id')
    .execute();
  const layers: CostLayer[] = rows.map((r) => ({
    id: Number(r.id),
    quantity: Number(r.quantity),
    totalCost: Number(r.total_cost),
    // The layer named by a reversal goes first: it is the arrival being undone.
    arrivedAt: move.fromLayerId && Number(r.id) === move.fromLayerId ? '0000' : r.arrived_at,
  }));
  if (move.quantity < 0) {
    const out = consumeLayers(layers, -move.quantity, buyPrice);
    return {
      cost: out.cost,
      layerId: null,
      apply: async () => {
        for (const c of out.consumed) {
          const l = out.layers[c.layerIndex]!;
          await tx
            .updateTable('cost_layer')
            .set({ quantity: l.quantity, total_cost: l.totalCost })
            .where('id', '=', l.id!)
            .execute();
        }
        return null;
      },
    };
  }
  const unitCost = move.unitCost ?? buyPrice;
  if (!Number.isSafeInteger(unitCost) || unitCost < 0)
    throw new ValidationError([{ field: 'unitCost', message: 'whole yen ≥ 0', code: 'invalid' }]);
  const total = unitCost * move.quantity;
  const { costMethod } = await readSettings(tx, ctx.storeId);
  const next = addLayer(layers, { quantity: move.quantity, totalCost: total, arrivedAt: now }, costMethod);
  return {
    cost: total,
    layerId: null,
    apply: async (ledgerId: number): Promise<number> => {
      if (costMethod === 'fifo') {
        const res = await tx
          .insertInto('cost_layer')
          .values({
            store_id: ctx.storeId,
            product_id: move.productId,
            quantity: move.quantity,
            total_cost: total,
            arrived_at: now,
            ledger_id: ledgerId,
          })
          .executeTakeFirstOrThrow();
        return Number(res.insertId);
      }
      // Average: one live layer carries everything on hand.
      const merged = next[0]!;
      if (merged.id !== undefined) {
        await tx
          .updateTable('cost_layer')
          .set({ quantity: merged.quantity, total_cost: merged.totalCost, arrived_at: now })
          .where('id', '=', merged.id)
          .execute();
        const others = layers.filter((l) => l.id !== merged.id).map((l) => l.id!);
        if (others.length)
          await tx
            .updateTable('cost_layer')
            .set({ quantity: 0, total_cost: 0 })
            .where('id', 'in', others)
            .execute();
        return merged.id;
      }
      const res = await tx
        .insertInto('cost_layer')
        .values({
          store_id: ctx.storeId,
          product_id: move.productId,
          quantity: merged.quantity,
          total_cost: merged.totalCost,
          arrived_at: now,
          ledger_id: ledgerId,
        })
        .executeTakeFirstOrThrow();
      return Number(res.insertId);
    },
  };
}
