import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { productsOfItem, seedCatalog, seedItem, seedStores } from '../../../test/support/catalog.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import type { CatalogScope } from '../catalog/products.ts';
import { addCountSheet, applyCount, openCount, reviewCount } from './counts.ts';
import {
  planStocking,
  readDocument,
  receiveStocking,
  recordMovementDocument,
  reverseStocking,
} from './documents.ts';
import { moveStock, type StockContext } from './ledger.ts';
import { listDocuments } from './queries.ts';

describe.each(testDialects())('stock documents on %s', (dialect) => {
  const t = useTestDb(dialect);
  let store: CatalogScope;
  let ctx: StockContext;
  let other: StockContext;
  let otherRefs: { genreId: number; categoryId: number };
  let refs: { genreId: number; categoryId: number };

  beforeAll(async () => {
    const stores = await seedStores(t.db);
    store = stores.akihabara!;
    ctx = { ...store, staffId: stores.akihabara!.ownerId };
    refs = await seedCatalog(t.db, store);
    // Another store of the same corporation (its slips must never show in this store's list).
    const second = Object.values(stores).find(
      (s) => s.corporationId === store.corporationId && s.storeId !== store.storeId,
    )!;
    other = { ...second, staffId: second.ownerId };
    otherRefs = await seedCatalog(t.db, second);
  });

  async function newProducts() {
    const itemId = await seedItem(t.db, store, refs);
    return (await productsOfItem(t.db, itemId)).map((p) => Number(p.id));
  }
  const stockOf = async (id: number) =>
    Number(
      (await t.db.selectFrom('product').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock,
    );
  const layersOf = async (id: number) =>
    (
      await t.db
        .selectFrom('cost_layer')
        .select(['quantity', 'total_cost'])
        .where('product_id', '=', id)
        .where('quantity', '>', 0)
        .orderBy('id')
        .execute()
    ).map((l) => [Number(l.quantity), Number(l.total_cost)]);
  const tx = <T>(fn: Parameters<typeof withTransaction<T>>[1]) => withTransaction(t.db, fn);

  it('moves no stock for a planned stocking and all lines with their cost when it is received', async () => {
    const [a, b] = await newProducts();
    const docId = await tx((x) =>
      planStocking(x, ctx, {
        supplier: 'Wholesaler',
        costTax: 'include',
        lines: [
          { productId: a!, quantity: 3, unitCost: 120 },
          { productId: b!, quantity: 2, unitCost: 80 },
        ],
      }),
    );
    expect([await stockOf(a!), await stockOf(b!)]).toEqual([0, 0]);
    await tx((x) => receiveStocking(x, ctx, docId));
    expect([await stockOf(a!), await stockOf(b!)]).toEqual([3, 2]);
    expect(await layersOf(a!)).toEqual([[3, 360]]);
    await expect(tx((x) => receiveStocking(x, ctx, docId))).rejects.toMatchObject({
      status: 409,
      code: 'document_not_planned',
    });
    expect(await stockOf(a!)).toBe(3);
  });

  it('restores stock and cost layers when a received stocking is reversed', async () => {
    const [a] = await newProducts();
    const first = await tx((x) =>
      planStocking(x, ctx, {
        supplier: 'A',
        costTax: 'include',
        lines: [{ productId: a!, quantity: 2, unitCost: 100 }],
      }),
    );
    await tx((x) => receiveStocking(x, ctx, first));
    const before = await layersOf(a!);
    const second = await tx((x) =>
      planStocking(x, ctx, {
        supplier: 'B',
        costTax: 'exclude',
        lines: [{ productId: a!, quantity: 4, unitCost: 250 }],
      }),
    );
    await tx((x) => receiveStocking(x, ctx, second));
    const reversal = await tx((x) => reverseStocking(x, ctx, second, 'wrong supplier invoice'));
    expect(await stockOf(a!)).toBe(2);
    // the newer layer is the one taken back, not the oldest (FIFO would take the ¥100 units)
    expect(await layersOf(a!)).toEqual(before);
    const doc = await readDocument(t.db, store.storeId, second);
    expect([doc.status, doc.reversedById]).toEqual(['reversed', reversal]);
    expect((await readDocument(t.db, store.storeId, reversal)).lines.map((l) => l.quantity)).toEqual([-4]);
    await expect(tx((x) => reverseStocking(x, ctx, second, 'again'))).rejects.toMatchObject({ status: 409 });
  });

  it('refuses to reverse a stocking whose units were sold, and changes nothing', async () => {
    const [a] = await newProducts();
    const docId = await tx((x) =>
      planStocking(x, ctx, {
        supplier: 'A',
        costTax: 'include',
        lines: [{ productId: a!, quantity: 2, unitCost: 100 }],
      }),
    );
    await tx((x) => receiveStocking(x, ctx, docId));
    await tx((x) => moveStock(x, ctx, { productId: a!, quantity: -1, source: { kind: 'sale', id: 9 } }));
    await expect(tx((x) => reverseStocking(x, ctx, docId, 'oops'))).rejects.toMatchObject({
      status: 409,
      code: 'out_of_stock',
    });
    expect((await readDocument(t.db, store.storeId, docId)).status).toBe('final');
    expect(await stockOf(a!)).toBe(1);
  });

  it('writes off a loss as a final document with negative lines', async () => {
    const [a] = await newProducts();
    await tx((x) => moveStock(x, ctx, { productId: a!, quantity: 5, source: { kind: 'test', id: 1 } }));
    const docId = await tx((x) =>
      recordMovementDocument(x, ctx, {
        kind: 'loss',
        reason: 'water damage',
        lines: [{ productId: a!, quantity: 2 }],
      }),
    );
    expect(await stockOf(a!)).toBe(3);
    const doc = await readDocument(t.db, store.storeId, docId);
    expect([doc.status, doc.reason, doc.lines[0]!.quantity]).toEqual(['final', 'water damage', -2]);
  });

  it('applies exactly the count differences, summing shelves and ignoring sales made during the count', async () => {
    const [a, b] = await newProducts();
    const [c] = await newProducts();
    for (const [p, q] of [
      [a, 10],
      [b, 4],
      [c, 7],
    ] as const)
      await tx((x) => moveStock(x, ctx, { productId: p!, quantity: q, source: { kind: 'test', id: 1 } }));
    const count = await tx((x) => openCount(x, ctx, { mode: 'counted', reason: 'monthly' }));
    // a: 6 on shelf 1 + 3 on shelf 2 = 9 (one lost); b: counted 4 (right); c not counted
    await tx((x) =>
      addCountSheet(x, ctx, count, {
        shelf: 'S1',
        lines: [
          { productId: a!, quantity: 6 },
          { productId: b!, quantity: 4 },
        ],
      }),
    );
    await tx((x) => addCountSheet(x, ctx, count, { shelf: 'S2', lines: [{ productId: a!, quantity: 3 }] }));
    // a sale of a while the count runs is not a loss
    await tx((x) => moveStock(x, ctx, { productId: a!, quantity: -2, source: { kind: 'sale', id: 7 } }));
    const review = await tx((x) => reviewCount(x, ctx, count));
    expect(review.map((d) => [d.productId, d.expected, d.counted, d.difference])).toEqual([
      [a, 10, 9, -1],
      [b, 4, 4, 0],
    ]);
    await expect(
      tx((x) => addCountSheet(x, ctx, count, { shelf: 'late', lines: [{ productId: c!, quantity: 1 }] })),
    ).rejects.toMatchObject({ status: 409 });
    await tx((x) => applyCount(x, ctx, count));
    expect([await stockOf(a!), await stockOf(b!), await stockOf(c!)]).toEqual([7, 4, 7]);
    const moves = await t.db
      .selectFrom('stock_ledger')
      .select(['product_id', 'quantity'])
      .where('source_kind', '=', 'count')
      .where('source_id', '=', String(count))
      .execute();
    expect(moves.map((m) => [Number(m.product_id), Number(m.quantity)])).toEqual([[a, -1]]);
    await expect(tx((x) => applyCount(x, ctx, count))).rejects.toMatchObject({ status: 409 });
  });

  it('lists the store’s slips newest first by cursor, filtered by kind and status, never another store’s', async () => {
    const [a, b] = await newProducts();
    const line = [{ productId: a!, quantity: 2, unitCost: 100 }];
    const plan = () => tx((x) => planStocking(x, ctx, { supplier: 'List', costTax: 'include', lines: line }));
    const planned = await plan();
    const received = await plan();
    await tx((x) => receiveStocking(x, ctx, received));
    await tx((x) => moveStock(x, ctx, { productId: b!, quantity: 1, source: { kind: 'test', id: 1 } }));
    const loss = await tx((x) =>
      recordMovementDocument(x, ctx, {
        kind: 'loss',
        reason: 'torn',
        lines: [{ productId: b!, quantity: 1 }],
      }),
    );
    const [foreignProduct] = (await productsOfItem(t.db, await seedItem(t.db, other, otherRefs))).map((p) =>
      Number(p.id),
    );
    const foreign = await tx((x) =>
      planStocking(x, other, {
        supplier: 'Elsewhere',
        costTax: 'include',
        lines: [{ productId: foreignProduct!, quantity: 1, unitCost: null }],
      }),
    );

    const all = await listDocuments(t.db, store.storeId, { limit: 200 });
    const ids = all.items.map((d) => d.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(ids.slice(0, 3)).toEqual([loss, received, planned]);
    expect(ids).not.toContain(foreign);
    expect(all.items[0]).toMatchObject({ kind: 'loss', status: 'final', reason: 'torn', lineCount: 1 });
    expect(all.items[2]).toMatchObject({
      kind: 'stocking',
      status: 'planned',
      supplier: 'List',
      lineCount: 1,
    });
    expect((await listDocuments(t.db, other.storeId, { limit: 200 })).items.map((d) => d.id)).toEqual([
      foreign,
    ]);

    // Pages of two: the cursor is the last id shown, and the last page has no cursor.
    const first = await listDocuments(t.db, store.storeId, { limit: 2 });
    expect(first.items.map((d) => d.id)).toEqual([loss, received]);
    expect(first.nextBefore).toBe(received);
    const second = await listDocuments(t.db, store.storeId, { limit: 2, before: first.nextBefore! });
    expect(second.items[0]!.id).toBe(planned);
    const last = await listDocuments(t.db, store.storeId, { limit: 200, before: planned });
    expect(last.nextBefore).toBeNull();

    const stockings = await listDocuments(t.db, store.storeId, {
      kind: 'stocking',
      status: 'planned',
      limit: 200,
    });
    expect(stockings.items.map((d) => d.id)).toContain(planned);
    expect(stockings.items.every((d) => d.kind === 'stocking' && d.status === 'planned')).toBe(true);
    expect(stockings.items.map((d) => d.id)).not.toContain(received);

    // A reversal shows as its own slip pointing back, and the original as reversed.
    const reversal = await tx((x) => reverseStocking(x, ctx, received, 'wrong'));
    const after = await listDocuments(t.db, store.storeId, { limit: 200 });
    expect(after.items[0]).toMatchObject({
      id: reversal,
      kind: 'stocking',
      status: 'final',
      reversesId: received,
    });
    expect(after.items.find((d) => d.id === received)).toMatchObject({
      status: 'reversed',
      reversedById: reversal,
    });
  });
});
