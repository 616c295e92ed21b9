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
import type { CatalogScope } from '../catalog/products.ts';
import { handlers, moveStock, type StockContext } from './index.ts';

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
