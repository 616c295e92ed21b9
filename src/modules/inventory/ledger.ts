import { sql, type Insertable } from 'kysely';
import { AppError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Yen } from '../../kernel/money.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import { dialectOf } from '../../platform/db/ddl.ts';
import {
  cachedQuery,
  consecutiveIdStep,
  deferredQuery,
  insertRow,
  insertRows,
} from '../../platform/db/statements.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { readSettings } from '../catalog/settings.ts';
import { addLayer, consumeLayers, type CostLayer, type CostMethod } from './cost-layers.ts';
import { stockChanged } from './events.ts';
import type { StockLedgerTable } from './tables.ts';
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
 * THE way stock changes (DESIGN.md §5), in the caller's transaction. One movement; see moveStocks.
 * Throws OutOfStockError (409 out_of_stock) or NotFoundError (another store's product: 404).
 */
export async function moveStock(tx: Tx, ctx: StockContext, move: StockMove): Promise<StockBalance> {
  return (await moveStocks(tx, ctx, [move]))[0]!;
}

/** A product as locked for a batch of movements, with its live cost layers; changed in memory. */
interface LockedProduct {
  id: number;
  stock: number;
  allowNegative: boolean;
  itemId: number;
  buyPrice: Yen;
  layers: LayerState[];
}

/** A cost layer being changed: stored (id) or new (written once its arrival's ledger row exists). */
interface LayerState extends CostLayer {
  touched: boolean;
  /** New layers: the index of the movement that created it. */
  createdBy?: number;
}

/**
 * Several movements of one source (a sale's lines, a document's lines) with a fixed number of
 * statements, however many lines:
 *  1. the products and their live cost layers are read with a row lock (MySQL: FOR UPDATE, in
 *     product id order, so two batches cannot deadlock — run it READ COMMITTED under load, see
 *     withTransaction; SQLite: every transaction holds the one writer lock from its BEGIN
 *     IMMEDIATE, commit-group.ts);
 *  2. each movement is checked and costed in memory (never below zero unless the product allows
 *     negative stock; FIFO or average cost layers by the store setting) — nothing is written
 *     unless every line can be served;
 *  3. one UPDATE of the products' stock, one INSERT of the ledger rows (signed quantity, balance
 *     after, source, staff, unit price, cost), one UPDATE of the cost layers touched;
 *  4. an outbox `inventory.stock_changed` event per movement with the absolute stock.
 * Returns the balances index-aligned with `moves`.
 */
export async function moveStocks(
  tx: Tx,
  ctx: StockContext,
  moves: StockMove[],
  /** Step 1 taken ahead by lockStock, for these moves' products. */
  lockedAhead?: LockedStock,
): Promise<StockBalance[]> {
  if (moves.length === 0) return [];
  for (const m of moves) validate(m);
  if (new Set(moves.map((m) => `${m.source.kind}\u0000${m.source.id}`)).size > 1)
    throw new Error('moveStocks: the moves of a batch share one source');
  const locked = lockedAhead
    ? lockedAhead.take(ctx.storeId, moves)
    : await lockProducts(
        tx,
        ctx.storeId,
        moves.map((m) => m.productId),
      );
  const now = toDbTime(new Date());
  let costMethod: CostMethod | undefined;
  const planned: { move: StockMove; stock: number; cost: Yen; layer: LayerState | null }[] = [];
  // In product order, so a product's movements apply in the order given.
  const order = moves.map((m, i) => ({ m, i })).sort((a, b) => a.m.productId - b.m.productId || a.i - b.i);
  for (const { m, i } of order) {
    const p = locked.get(m.productId);
    if (!p) throw new NotFoundError(`Product ${m.productId}`);
    if (m.quantity < 0) {
      if (!p.allowNegative && p.stock < -m.quantity)
        throw new OutOfStockError(m.productId, -m.quantity, p.stock);
      planned[i] = { move: m, stock: (p.stock += m.quantity), cost: takeFromLayers(p, m), layer: null };
    } else {
      costMethod ??= (await readSettings(tx, ctx.storeId)).costMethod;
      const { cost, layer } = addToLayers(p, m, i, costMethod, now);
      planned[i] = { move: m, stock: (p.stock += m.quantity), cost, layer };
    }
  }

  const byProduct = new Map<number, number>();
  for (const m of moves) byProduct.set(m.productId, (byProduct.get(m.productId) ?? 0) + m.quantity);
  const delta = [...byProduct];
  const productIds = [...byProduct.keys()];
  await deferredQuery(
    tx,
    `inventory.addStock:${delta.length}`,
    [...delta.flat(), ctx.storeId, ...productIds],
    () =>
      tx
        .updateTable('product')
        .set({ stock: sql`stock + ${caseById(delta)}` })
        .where('store_id', '=', ctx.storeId)
        .where('id', 'in', productIds),
  );

  const ledgerIds = await insertLedgerRows(
    tx,
    planned.map((x) => ({
      corporation_id: ctx.corporationId,
      store_id: ctx.storeId,
      product_id: x.move.productId,
      quantity: x.move.quantity,
      balance_after: x.stock,
      source_kind: x.move.source.kind,
      source_id: String(x.move.source.id),
      staff_id: ctx.staffId,
      unit_price: x.move.unitPrice ?? null,
      cost: x.cost,
      occurred_at: now,
    })),
  );
  const layerIds = await writeLayers(tx, ctx.storeId, locked, ledgerIds);

  const balances: StockBalance[] = [];
  for (const [i, x] of planned.entries()) {
    const p = locked.get(x.move.productId)!;
    await publish(
      tx,
      stockChanged.build({
        corporationId: ctx.corporationId,
        storeId: ctx.storeId,
        key: `product:${p.id}`,
        data: {
          productId: p.id,
          itemId: p.itemId,
          ledgerId: ledgerIds[i]!,
          quantity: x.move.quantity,
          stock: x.stock,
          sourceKind: x.move.source.kind,
          sourceId: String(x.move.source.id),
        },
      }),
    );
    balances.push({
      productId: p.id,
      stock: x.stock,
      ledgerId: ledgerIds[i]!,
      costLayerId: x.layer ? (x.layer.id ?? layerIds.get(x.layer)!) : null,
      cost: x.cost,
    });
  }
  return balances;
}

function validate(move: StockMove) {
  if (!Number.isSafeInteger(move.quantity) || move.quantity === 0)
    throw new ValidationError([
      { field: 'quantity', message: 'a whole number of units, not 0', code: 'invalid' },
    ]);
  const sourceId = String(move.source.id);
  if (!move.source.kind || sourceId.length === 0 || sourceId.length > 64 || move.source.kind.length > 40)
    throw new ValidationError([
      { field: 'source', message: 'a source kind and id are required', code: 'invalid' },
    ]);
}

/** Products locked ahead of their movements (lockStock); good for one moveStocks. */
export class LockedStock {
  #products: Map<number, LockedProduct> | null;
  constructor(
    private readonly storeId: number,
    private readonly ids: ReadonlySet<number>,
    products: Map<number, LockedProduct>,
  ) {
    this.#products = products;
  }

  take(storeId: number, moves: StockMove[]): Map<number, LockedProduct> {
    const products = this.#products;
    if (!products) throw new Error('moveStocks: this stock lock was used already');
    if (storeId !== this.storeId || moves.some((m) => !this.ids.has(m.productId)))
      throw new Error('moveStocks: the moves are not those of the stock lock');
    this.#products = null;
    return products;
  }
}

/**
 * Step 1 of moveStocks taken ahead: the products' row locks and their state, for the moves to
 * come. The caller may issue a statement of its own first (on MySQL the two then share a round
 * trip): checkout writes its sale row, whose id the ledger rows name, while the stock is locked.
 */
export async function lockStock(tx: Tx, ctx: StockContext, productIds: number[]): Promise<LockedStock> {
  return new LockedStock(ctx.storeId, new Set(productIds), await lockProducts(tx, ctx.storeId, productIds));
}

/** The products of this store (others are simply absent) with their live layers, row-locked. */
async function lockProducts(tx: Tx, storeId: number, ids: number[]): Promise<Map<number, LockedProduct>> {
  const unique = [...new Set(ids)];
  const locking = () => {
    const q = tx
      .selectFrom('product as p')
      .leftJoin('cost_layer as l', (j) => j.onRef('l.product_id', '=', 'p.id').on('l.quantity', '>', 0))
      .select([
        'p.id',
        'p.stock',
        'p.allow_negative',
        'p.item_id',
        'p.buy_price',
        'l.id as layer_id',
        'l.quantity as layer_quantity',
        'l.total_cost as layer_total_cost',
        'l.arrived_at as layer_arrived_at',
      ])
      .where('p.store_id', '=', storeId)
      .where('p.id', 'in', unique)
      .orderBy('p.id')
      .orderBy('l.arrived_at')
      .orderBy('l.id');
    return dialectOf(tx) === 'mysql' ? q.forUpdate() : q;
  };
  const { rows } = await cachedQuery(
    tx,
    `inventory.lockProducts:${unique.length}`,
    [0, storeId, ...unique],
    locking,
  );
  const products = new Map<number, LockedProduct>();
  for (const r of rows) {
    const id = Number(r.id);
    let p = products.get(id);
    if (!p) {
      p = {
        id,
        stock: Number(r.stock),
        allowNegative: Number(r.allow_negative) === 1,
        itemId: Number(r.item_id),
        buyPrice: Number(r.buy_price),
        layers: [],
      };
      products.set(id, p);
    }
    if (r.layer_id != null)
      p.layers.push({
        id: Number(r.layer_id),
        quantity: Number(r.layer_quantity),
        totalCost: Number(r.layer_total_cost),
        arrivedAt: r.layer_arrived_at!,
        touched: false,
      });
  }
  return products;
}

/** Outgoing: consumes the live layers (oldest first; a reversal's own layer first) and returns the cost. */
function takeFromLayers(p: LockedProduct, move: StockMove): Yen {
  const live = p.layers.filter((l) => l.quantity > 0);
  const out = consumeLayers(
    live.map((l) => ({
      ...l,
      arrivedAt: move.fromLayerId && l.id === move.fromLayerId ? '0000' : l.arrivedAt,
    })),
    -move.quantity,
    p.buyPrice,
  );
  for (const c of out.consumed) {
    const l = live[c.layerIndex]!;
    const after = out.layers[c.layerIndex]!;
    l.quantity = after.quantity;
    l.totalCost = after.totalCost;
    l.touched = true;
  }
  return out.cost;
}

/** Incoming: a new layer (FIFO) or merged into the single live one (average). */
function addToLayers(p: LockedProduct, move: StockMove, index: number, method: CostMethod, now: string) {
  const unitCost = move.unitCost ?? p.buyPrice;
  if (!Number.isSafeInteger(unitCost) || unitCost < 0)
    throw new ValidationError([{ field: 'unitCost', message: 'whole yen ≥ 0', code: 'invalid' }]);
  const cost = unitCost * move.quantity;
  const live = p.layers.filter((l) => l.quantity > 0);
  const [merged] = addLayer(live, { quantity: move.quantity, totalCost: cost, arrivedAt: now }, 'average');
  if (method === 'fifo' || live.length === 0) {
    const layer: LayerState = {
      quantity: move.quantity,
      totalCost: cost,
      arrivedAt: now,
      touched: true,
      createdBy: index,
    };
    p.layers.push(layer);
    return { cost, layer };
  }
  // Average: the first live layer carries everything on hand; the others are emptied.
  const [keep, ...rest] = live;
  Object.assign(keep!, {
    quantity: merged!.quantity,
    totalCost: merged!.totalCost,
    arrivedAt: now,
    touched: true,
  });
  for (const l of rest) Object.assign(l, { quantity: 0, totalCost: 0, touched: true });
  return { cost, layer: keep! };
}

/** `CASE id WHEN … THEN … END` for one value per row. */
function caseById<T extends number | string>(pairs: [number, T][]) {
  return sql<T>`case id ${sql.join(
    pairs.map(([id, v]) => sql`when ${id} then ${v}`),
    sql` `,
  )} end`;
}

/**
 * The ledger rows in one INSERT; their ids, in order. SQLite returns them (ids grow in row order).
 * MySQL gives the first id; the others follow it where the server promises consecutive ids, and
 * are read back where it does not (interleaved auto-increment, Aurora's default) — the rows of one
 * source, whose document or sale this transaction holds.
 */
async function insertLedgerRows(tx: Tx, rows: Insertable<StockLedgerTable>[]): Promise<number[]> {
  if (dialectOf(tx) === 'sqlite')
    return (await insertRows(tx, 'stock_ledger', rows, { returningIds: true })).rows
      .map((r) => Number(r.id))
      .sort((a, b) => a - b);
  const step = rows.length === 1 ? 1 : await consecutiveIdStep(tx);
  if (step !== null) {
    const first = Number((await insertRows(tx, 'stock_ledger', rows)).insertId);
    return rows.map((_, i) => first + i * step);
  }
  // Sent with the read below, in one request (mysql-pipeline.ts).
  await insertRows(tx, 'stock_ledger', rows, { deferred: true });
  const [first] = rows;
  const ids = await tx
    .selectFrom('stock_ledger')
    .select('id')
    .where('store_id', '=', first!.store_id)
    .where('source_kind', '=', first!.source_kind)
    .where('source_id', '=', first!.source_id)
    .orderBy('id', 'desc')
    .limit(rows.length)
    .execute();
  return ids.map((r) => Number(r.id)).reverse();
}

/** Stored layers touched: one UPDATE. New layers: one INSERT each (a document keeps the layer's id). */
async function writeLayers(
  tx: Tx,
  storeId: number,
  products: Map<number, LockedProduct>,
  ledgerIds: number[],
): Promise<Map<LayerState, number>> {
  const stored: LayerState[] = [];
  const created = new Map<LayerState, number>();
  for (const p of products.values())
    for (const l of p.layers) {
      if (l.id !== undefined && l.touched) stored.push(l);
      else if (l.id === undefined) {
        const id = await insertRow(tx, 'cost_layer', {
          store_id: storeId,
          product_id: p.id,
          quantity: l.quantity,
          total_cost: l.totalCost,
          arrived_at: l.arrivedAt,
          ledger_id: ledgerIds[l.createdBy!]!,
        });
        created.set(l, id);
      }
    }
  if (stored.length) {
    const quantity = stored.map((l): [number, number] => [l.id!, l.quantity]);
    const totalCost = stored.map((l): [number, number] => [l.id!, l.totalCost]);
    const arrivedAt = stored.map((l): [number, string] => [l.id!, l.arrivedAt]);
    const ids = stored.map((l) => l.id!);
    await deferredQuery(
      tx,
      `inventory.updateLayers:${stored.length}`,
      [...quantity.flat(), ...totalCost.flat(), ...arrivedAt.flat(), ...ids],
      () =>
        tx
          .updateTable('cost_layer')
          .set({
            quantity: caseById(quantity),
            total_cost: caseById(totalCost),
            arrived_at: caseById(arrivedAt),
          })
          .where('id', 'in', ids),
    );
  }
  return created;
}
