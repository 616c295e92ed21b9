import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import {
  outboxEvents,
  productsOfItem,
  runHandler,
  seedCatalog,
  seedItem,
  seedStores,
} from '../../../test/support/catalog.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { updateProduct } from '../catalog/commands.ts';
import { writeSettings } from '../catalog/settings.ts';
import type { CatalogScope } from '../catalog/products.ts';
import { handlers, lockStock, moveStock, moveStocks, type StockContext } from './index.ts';

describe.each(testDialects())('stock ledger on %s', (dialect) => {
  const t = useTestDb(dialect);
  let store: CatalogScope;
  let other: CatalogScope;
  let ctx: StockContext;
  let refs: { genreId: number; categoryId: number };

  beforeAll(async () => {
    const stores = await seedStores(t.db);
    store = stores.akihabara!;
    other = stores.umeda!;
    ctx = { ...store, staffId: stores.akihabara!.ownerId };
    refs = await seedCatalog(t.db, store);
  });

  async function newProduct() {
    const itemId = await seedItem(t.db, store, refs);
    return Number((await productsOfItem(t.db, itemId))[0]!.id);
  }
  const move = (productId: number, quantity: number, kind = 'test', unitCost?: number) =>
    withTransaction(t.db, (tx) =>
      moveStock(tx, ctx, { productId, quantity, source: { kind, id: 1 }, unitCost }),
    );
  const stockOf = async (id: number) =>
    Number(
      (await t.db.selectFrom('product').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock,
    );
  const ledgerSum = async (id: number) =>
    Number(
      (
        await t.db
          .selectFrom('stock_ledger')
          .select(sql<number>`coalesce(sum(quantity), 0)`.as('s'))
          .where('product_id', '=', id)
          .executeTakeFirstOrThrow()
      ).s,
    );

  it('never sells more than is on hand when many connections take the same product at once', async () => {
    const id = await newProduct();
    await move(id, 5, 'stocking');
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => move(id, -1, 'sale')));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(5);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ status: 409, code: 'out_of_stock' });
    expect(await stockOf(id)).toBe(0);
    expect(await ledgerSum(id)).toBe(0);
    const balances = await t.db
      .selectFrom('stock_ledger')
      .select('balance_after')
      .where('product_id', '=', id)
      .orderBy('id')
      .execute();
    expect(balances.map((b) => Number(b.balance_after))).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('refuses to go below zero and names the product and what is available', async () => {
    const id = await newProduct();
    await move(id, 2);
    await expect(move(id, -3)).rejects.toMatchObject({
      status: 409,
      code: 'out_of_stock',
      extra: { productId: id, requested: 3, available: 2 },
    });
    expect(await stockOf(id)).toBe(2);
    expect(await ledgerSum(id)).toBe(2);
  });

  it('lets a product that allows negative stock go below zero', async () => {
    const id = await newProduct();
    await withTransaction(t.db, (tx) => updateProduct(tx, store, id, { allowNegative: true }));
    await move(id, -2);
    expect(await stockOf(id)).toBe(-2);
  });

  it("answers another store's product as not found, and moves nothing", async () => {
    const id = await newProduct();
    const foreign = { ...other, staffId: null };
    await expect(
      withTransaction(t.db, (tx) =>
        moveStock(tx, foreign, { productId: id, quantity: 1, source: { kind: 'x', id: 1 } }),
      ),
    ).rejects.toMatchObject({ status: 404 });
    expect(await stockOf(id)).toBe(0);
  });

  it('writes the ledger row and the event with the absolute stock, source, staff and unit price', async () => {
    const id = await newProduct();
    await move(id, 3);
    const b = await withTransaction(t.db, (tx) =>
      moveStock(tx, ctx, {
        productId: id,
        quantity: -2,
        source: { kind: 'sale', id: 'S-42' },
        unitPrice: 980,
      }),
    );
    const row = await t.db
      .selectFrom('stock_ledger')
      .selectAll()
      .where('id', '=', b.ledgerId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source_kind: 'sale', source_id: 'S-42' });
    expect([
      Number(row.quantity),
      Number(row.balance_after),
      Number(row.staff_id),
      Number(row.unit_price),
    ]).toEqual([-2, 1, ctx.staffId, 980]);
    const event = (await outboxEvents<{ ledgerId: number }>(t.db, 'inventory.stock_changed')).find(
      (e) => e.data.ledgerId === b.ledgerId,
    )!;
    expect(event).toMatchObject({
      key: `product:${id}`,
      storeId: store.storeId,
      data: { productId: id, quantity: -2, stock: 1, sourceKind: 'sale', sourceId: 'S-42' },
    });
  });

  it('writes nothing when the caller rolls back', async () => {
    const id = await newProduct();
    await expect(
      withTransaction(t.db, async (tx) => {
        await moveStock(tx, ctx, { productId: id, quantity: 4, source: { kind: 'x', id: 1 } });
        throw new Error('crash after the move');
      }),
    ).rejects.toThrow('crash');
    expect(await stockOf(id)).toBe(0);
    const events = await outboxEvents<{ productId: number }>(t.db, 'inventory.stock_changed');
    expect(events.filter((e) => e.data.productId === id)).toEqual([]);
  });

  it('costs units out oldest layer first (FIFO)', async () => {
    const id = await newProduct();
    await move(id, 2, 'stocking', 100);
    await move(id, 2, 'stocking', 160);
    const out = await withTransaction(t.db, (tx) =>
      moveStock(tx, ctx, { productId: id, quantity: -3, source: { kind: 'sale', id: 1 } }),
    );
    expect(out.cost).toBe(100 + 100 + 160);
  });

  it('moves a sale of several lines all or nothing: one short line leaves every product as it was', async () => {
    const [a, b, c] = [await newProduct(), await newProduct(), await newProduct()];
    for (const id of [a, b, c]) await move(id, 2, 'stocking', 100);
    const sale = (qb: number) =>
      withTransaction(t.db, (tx) =>
        moveStocks(
          tx,
          ctx,
          [
            [c, -1],
            [a, -2],
            [b, -qb],
          ].map(([productId, quantity]) => ({
            productId: productId!,
            quantity: quantity!,
            source: { kind: 'sale', id: 'S-batch' },
            unitPrice: 500,
          })),
        ),
      );
    await expect(sale(3)).rejects.toMatchObject({
      code: 'out_of_stock',
      extra: { productId: b, requested: 3, available: 2 },
    });
    for (const id of [a, b, c]) expect([await stockOf(id), await ledgerSum(id)]).toEqual([2, 2]);

    const moved = await sale(1);
    // Index-aligned with the moves, each with its own ledger row and the cost of its units.
    expect(moved.map((m) => [m.productId, m.stock, m.cost])).toEqual([
      [c, 1, 100],
      [a, 0, 200],
      [b, 1, 100],
    ]);
    const rows = await t.db
      .selectFrom('stock_ledger')
      .select(['id', 'product_id', 'quantity', 'balance_after'])
      .where('source_id', '=', 'S-batch')
      .orderBy('id')
      .execute();
    expect(
      rows.map((r) => [Number(r.id), Number(r.product_id), Number(r.quantity), Number(r.balance_after)]),
    ).toEqual(moved.map((m, i) => [m.ledgerId, m.productId, [-1, -2, -1][i], m.stock]));
    const events = await outboxEvents<{ ledgerId: number; stock: number }>(t.db, 'inventory.stock_changed');
    for (const m of moved)
      expect(events.find((e) => e.data.ledgerId === m.ledgerId)?.data.stock).toBe(m.stock);
  });

  it('moves stock locked ahead (lockStock) once, and only the products it locked', async () => {
    const [a, b] = [await newProduct(), await newProduct()];
    await move(a, 3, 'stocking', 100);
    await move(b, 3, 'stocking', 100);
    const sale = (productId: number) => ({
      productId,
      quantity: -1,
      source: { kind: 'sale', id: 'S-ahead' },
    });
    const moved = await withTransaction(t.db, async (tx) => {
      const locked = await lockStock(tx, ctx, [a]);
      await expect(moveStocks(tx, ctx, [sale(a), sale(b)], locked)).rejects.toThrow(
        'not those of the stock lock',
      );
      const done = await moveStocks(tx, ctx, [sale(a)], locked);
      await expect(moveStocks(tx, ctx, [sale(a)], locked)).rejects.toThrow('used already');
      return done;
    });
    expect(moved.map((m) => [m.stock, m.cost])).toEqual([[2, 100]]);
    expect([await stockOf(a), await ledgerSum(a), await stockOf(b)]).toEqual([2, 2, 3]);
  });

  it('applies the same product twice in one batch in the order given, costing each from the layers left', async () => {
    const id = await newProduct();
    await move(id, 1, 'stocking', 100);
    await move(id, 2, 'stocking', 300);
    const moved = await withTransaction(t.db, (tx) =>
      moveStocks(tx, ctx, [
        { productId: id, quantity: -2, source: { kind: 'sale', id: 'S-twice' } },
        { productId: id, quantity: -1, source: { kind: 'sale', id: 'S-twice' } },
      ]),
    );
    expect(moved.map((m) => [m.stock, m.cost])).toEqual([
      [1, 400],
      [0, 300],
    ]);
    expect([await stockOf(id), await ledgerSum(id)]).toEqual([0, 0]);
    const layers = await t.db
      .selectFrom('cost_layer')
      .select(['quantity', 'total_cost'])
      .where('product_id', '=', id)
      .orderBy('id')
      .execute();
    expect(layers.map((l) => [Number(l.quantity), Number(l.total_cost)])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('keeps one layer at the running average when the store costs by average, within a batch too', async () => {
    await withTransaction(t.db, (tx) => writeSettings(tx, store, { costMethod: 'average' }));
    try {
      const id = await newProduct();
      await move(id, 2, 'stocking', 100);
      await move(id, 2, 'stocking', 300);
      const moved = await withTransaction(t.db, (tx) =>
        moveStocks(tx, ctx, [
          { productId: id, quantity: 2, source: { kind: 'adjustment', id: 'A-avg' }, unitCost: 500 },
          { productId: id, quantity: -3, source: { kind: 'adjustment', id: 'A-avg' } },
        ]),
      );
      // 4 units at 800 + 2 at 1,000 = 6 at 1,800; three of them cost 900.
      expect(moved.map((m) => [m.stock, m.cost])).toEqual([
        [6, 1000],
        [3, 900],
      ]);
      const live = await t.db
        .selectFrom('cost_layer')
        .select(['id', 'quantity', 'total_cost'])
        .where('product_id', '=', id)
        .where('quantity', '>', 0)
        .execute();
      expect(live.map((l) => [Number(l.id), Number(l.quantity), Number(l.total_cost)])).toEqual([
        [moved[0]!.costLayerId, 3, 900],
      ]);
    } finally {
      await withTransaction(t.db, (tx) => writeSettings(tx, store, { costMethod: 'fifo' }));
    }
  });

  it('lets many connections take overlapping products in opposite orders without losing or doubling a unit', async () => {
    const ids = [await newProduct(), await newProduct(), await newProduct()];
    for (const id of ids) await move(id, 100, 'stocking', 10);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, n) =>
        withTransaction(t.db, (tx) =>
          moveStocks(
            tx,
            ctx,
            (n % 2 ? [...ids].reverse() : ids).map((productId) => ({
              productId,
              quantity: -1,
              source: { kind: 'sale', id: `S-par-${n}` },
            })),
          ),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const id of ids) expect([await stockOf(id), await ledgerSum(id)]).toEqual([88, 88]);
  });

  it('keeps EC stock at stock − reserve, never below zero, and raises low stock once when crossing', async () => {
    const id = await newProduct();
    await withTransaction(t.db, (tx) => updateProduct(tx, store, id, { reserve: 2, lowStockThreshold: 1 }));
    await move(id, 5);
    await move(id, -4);
    await move(id, -1);
    const events = (await outboxEvents<{ productId: number }>(t.db, 'inventory.stock_changed')).filter(
      (e) => e.data.productId === id,
    );
    const ecStocks: number[] = [];
    for (const e of events) {
      // replay the history one by one as worker-product would, reading EC stock each time
      await runHandler(t.db, handlers.ecStock, e);
      await runHandler(t.db, handlers.lowStockNotice, e);
      ecStocks.push(
        Number(
          (await t.db.selectFrom('product').select('ec_stock').where('id', '=', id).executeTakeFirstOrThrow())
            .ec_stock,
        ),
      );
    }
    // the handler reads the current stock (0 now), so every replay converges on the same figure
    expect(ecStocks).toEqual([0, 0, 0]);
    await move(id, 7);
    const last = (await outboxEvents<{ productId: number }>(t.db, 'inventory.stock_changed'))
      .filter((e) => e.data.productId === id)
      .at(-1)!;
    await runHandler(t.db, handlers.ecStock, last);
    expect(
      Number(
        (await t.db.selectFrom('product').select('ec_stock').where('id', '=', id).executeTakeFirstOrThrow())
          .ec_stock,
      ),
    ).toBe(5);
    const low = (
      await outboxEvents<{ productId: number; stock: number }>(t.db, 'inventory.low_stock')
    ).filter((e) => e.data.productId === id);
    expect(low.map((e) => e.data.stock)).toEqual([1]);
  });

  it("moves EC stock at once when the reserve changes, back to the store's default when cleared", async () => {
    const id = await newProduct();
    await move(id, 10);
    const ecStock = async () =>
      Number(
        (await t.db.selectFrom('product').select('ec_stock').where('id', '=', id).executeTakeFirstOrThrow())
          .ec_stock,
      );
    await withTransaction(t.db, (tx) => updateProduct(tx, store, id, { reserve: 3 }));
    expect(await ecStock()).toBe(7);
    await withTransaction(t.db, (tx) => writeSettings(tx, store, { defaultReserve: 4 }));
    try {
      await withTransaction(t.db, (tx) => updateProduct(tx, store, id, { reserve: null }));
      expect(await ecStock()).toBe(6);
    } finally {
      await withTransaction(t.db, (tx) => writeSettings(tx, store, { defaultReserve: 0 }));
    }
  });

  it('records one price-history row per product and business day with the latest prices', async () => {
    const id = await newProduct();
    await withTransaction(t.db, (tx) => updateProduct(tx, store, id, { manualSellPrice: 1500 }));
    await withTransaction(t.db, (tx) => updateProduct(tx, store, id, { manualSellPrice: 1700 }));
    const events = (await outboxEvents<{ productId: number }>(t.db, 'catalog.price_changed')).filter(
      (e) => e.data.productId === id,
    );
    expect(events).toHaveLength(3);
    for (const e of events) await runHandler(t.db, handlers.priceHistory, e);
    const rows = await t.db.selectFrom('price_history').selectAll().where('product_id', '=', id).execute();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.sell_price)).toBe(1700);
  });
});
