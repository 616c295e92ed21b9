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
import * as tasks from '../tasks/index.ts';
import { createSpecialty, setGenreRate, updateCondition, updateItem, updateProduct } from './commands.ts';
import { computePrice } from './pricing.ts';
import type { CatalogScope } from './products.ts';
import { productBarcode } from './products.ts';
import { lookupCode, searchItems } from './queries.ts';
import { startRepricing } from './reprice.ts';
import { writeSettings } from './settings.ts';
import './index.ts';

describe.each(testDialects())('catalogue on %s', (dialect) => {
  const t = useTestDb(dialect);
  let store: CatalogScope;
  let other: CatalogScope;
  let refs: { genreId: number; categoryId: number };

  beforeAll(async () => {
    const stores = await seedStores(t.db);
    store = stores.akihabara!;
    other = stores.umeda!;
    refs = await seedCatalog(t.db, store);
  });

  it('creates one product per condition, priced by the engine with the store rounding', async () => {
    const itemId = await seedItem(t.db, store, refs, { baseSellPrice: 1234, baseBuyPrice: 555 });
    const products = await productsOfItem(t.db, itemId);
    expect(products).toHaveLength(2);
    // default rounding: nearest ¥10; B is 80% sell, 70% buy
    expect(products.map((p) => [Number(p.sell_price), Number(p.buy_price), Number(p.ec_price)])).toEqual([
      [1230, 560, 1230],
      [990, 390, 990],
    ]);
    expect(products.map((p) => p.barcode)).toEqual(products.map((p) => productBarcode(Number(p.id))));
  });

  it('adds a product per condition for each specialty, with the specialty rate on top', async () => {
    const psa = await withTransaction(t.db, (tx) =>
      createSpecialty(tx, store, {
        name: `PSA10-${Math.random()}`,
        sell: { kind: 'percent', value: 30_000 },
        buy: { kind: 'yen', value: 100 },
      }),
    );
    const itemId = await seedItem(t.db, store, refs, {
      baseSellPrice: 1000,
      baseBuyPrice: 500,
      specialtyIds: [psa],
    });
    const products = await productsOfItem(t.db, itemId);
    expect(products).toHaveLength(4);
    const graded = products.filter((p) => Number(p.specialty_id) === psa);
    expect(graded.map((p) => [Number(p.sell_price), Number(p.buy_price)])).toEqual([
      [3000, 600],
      [2400, 450],
    ]);
  });

  it('keeps a manual price over the engine and still stores the computed one', async () => {
    const itemId = await seedItem(t.db, store, refs);
    const [a] = await productsOfItem(t.db, itemId);
    await withTransaction(t.db, (tx) => updateProduct(tx, store, Number(a!.id), { manualSellPrice: 777 }));
    const [after] = await productsOfItem(t.db, itemId);
    expect([Number(after!.sell_price), Number(after!.computed_sell_price)]).toEqual([777, 1000]);
  });

  it('refuses a duplicate item code in the store with 409 and accepts it in another store', async () => {
    await seedItem(t.db, store, refs, { code: 'SV1-001' });
    await expect(seedItem(t.db, store, refs, { code: 'SV1-001' })).rejects.toMatchObject({
      status: 409,
      code: 'duplicate',
    });
    const otherRefs = await seedCatalog(t.db, other);
    await expect(seedItem(t.db, other, otherRefs, { code: 'SV1-001' })).resolves.toBeGreaterThan(0);
  });

  it("refuses another store's genre as a validation error", async () => {
    const otherRefs = await seedCatalog(t.db, other);
    await expect(seedItem(t.db, store, { ...refs, genreId: otherRefs.genreId })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('publishes item_changed and price_changed with absolute prices', async () => {
    const itemId = await seedItem(t.db, store, refs, { name: 'Event Card' });
    const items = await outboxEvents<{ itemId: number; productIds: number[] }>(t.db, 'catalog.item_changed');
    const mine = items.find((e) => e.data.itemId === itemId)!;
    expect(mine.data.productIds).toHaveLength(2);
    const prices = (
      await outboxEvents<{ productId: number; sellPrice: number; previous: unknown }>(
        t.db,
        'catalog.price_changed',
      )
    ).filter((e) => mine.data.productIds.includes(e.data.productId));
    expect(prices.map((e) => [e.data.sellPrice, e.data.previous])).toEqual([
      [1000, null],
      [800, null],
    ]);
  });

  it('finds items by hiragana reading, card number and rarity, pages by cursor, and not in another store', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        await seedItem(t.db, store, refs, {
          name: `ピカチュウex ${i}`,
          reading: 'ぴかちゅう',
          cardNumber: `SV-P 0${i}5`,
          rarity: 'SAR',
        }),
      );
    const byReading = await searchItems(t.db, store.storeId, { q: 'ピカチュウ', limit: 2 });
    expect(byReading.items.map((i) => i.id)).toEqual(ids.slice(0, 2));
    const next = await searchItems(t.db, store.storeId, {
      q: 'ピカチュウ',
      limit: 2,
      after: byReading.nextCursor!,
    });
    expect(next.items.map((i) => i.id)).toEqual([ids[2]]);
    expect(next.nextCursor).toBeNull();
    expect(
      (await searchItems(t.db, store.storeId, { q: 'svp015', limit: 10 })).items.map((i) => i.id),
    ).toEqual([ids[1]]);
    expect(
      (await searchItems(t.db, store.storeId, { q: 'ｓａｒ', limit: 10 })).items.length,
    ).toBeGreaterThanOrEqual(3);
    expect((await searchItems(t.db, other.storeId, { q: 'ピカチュウ', limit: 10 })).items).toEqual([]);
  });

  it('matches words typed with spaces in different fields, and a whole expansion or rarity exactly', async () => {
    const a = await seedItem(t.db, store, refs, { name: 'ミライドンex', expansion: 'SV1V', rarity: 'SAR' });
    const b = await seedItem(t.db, store, refs, { name: 'ミライドン', expansion: 'SV1V', rarity: 'AR' });
    const found = await searchItems(t.db, store.storeId, { q: 'ミライドン sv1v ＳＡＲ', limit: 10 });
    expect(found.items.map((i) => i.id)).toEqual([a]);
    // "AR" is a whole rarity: it does not also match the "ar" inside "SAR"
    expect(
      (await searchItems(t.db, store.storeId, { q: 'ミライドン AR', limit: 10 })).items.map((i) => i.id),
    ).toEqual([b]);
  });

  it('does not match a query whose bigrams are spread over different fields', async () => {
    await seedItem(t.db, store, refs, { name: 'リザードン', expansion: 'テスト' });
    expect((await searchItems(t.db, store.storeId, { q: 'ンテ', limit: 10 })).items).toEqual([]);
  });

  it('looks up a label barcode (one product) and a JAN (every product of every item with it)', async () => {
    const a = await seedItem(t.db, store, refs, { jan: '4521329350031' });
    const b = await seedItem(t.db, store, refs, { jan: '4521329350031' });
    const jan = await lookupCode(t.db, store.storeId, '4521329350031');
    expect(jan.match).toBe('jan');
    expect(new Set(jan.products.map((p) => p.itemId))).toEqual(new Set([a, b]));
    expect(jan.products).toHaveLength(4);
    const [first] = await productsOfItem(t.db, a);
    const own = await lookupCode(t.db, store.storeId, first!.barcode!);
    expect(own).toMatchObject({ match: 'barcode', products: [{ id: Number(first!.id) }] });
    expect((await lookupCode(t.db, other.storeId, first!.barcode!)).match).toBe('none');
  });

  it('re-indexes an item when its name changes', async () => {
    const itemId = await seedItem(t.db, store, refs, { name: 'ミュウツー' });
    await withTransaction(t.db, (tx) => updateItem(tx, store, itemId, { name: 'ルギア' }));
    expect(
      (await searchItems(t.db, store.storeId, { q: 'ミュウツー', limit: 10 })).items.map((i) => i.id),
    ).not.toContain(itemId);
    expect(
      (await searchItems(t.db, store.storeId, { q: 'ルギア', limit: 10 })).items.map((i) => i.id),
    ).toContain(itemId);
  });

  it('re-prices every item of a category through a task whose progress reaches done', async () => {
    const own = await seedCatalog(t.db, store);
    const itemIds: number[] = [];
    for (let i = 0; i < 5; i++)
      itemIds.push(await seedItem(t.db, store, own, { baseSellPrice: 1000 + i * 37, baseBuyPrice: 400 + i }));
    const cond = await t.db
      .selectFrom('category_condition')
      .select('id')
      .where('category_id', '=', own.categoryId)
      .where('name', '=', 'B')
      .executeTakeFirstOrThrow();
    const taskId = await withTransaction(t.db, async (tx) => {
      await updateCondition(tx, store, Number(cond.id), { sell: { kind: 'percent', value: 6_500 } });
      await setGenreRate(tx, store, own.genreId, Number(cond.id), {
        sell: { kind: 'percent', value: 6_000 },
        buy: { kind: 'yen', value: -50 },
      });
      await writeSettings(tx, store, { rounding: { rule: 'up', unit: 100 } });
      return startRepricing(tx, store, { categoryId: own.categoryId });
    });
    expect(taskId).not.toBeNull();
    const chunks = (await outboxEvents<{ taskId: number }>(t.db, 'tasks.chunk_ready')).filter(
      (e) => e.data.taskId === taskId,
    );
    for (const c of chunks) await runHandler(t.db, tasks.handlers.runChunk, c);
    const task = await tasks.findTask(t.db, store, taskId!);
    expect(task).toMatchObject({ status: 'done', total: 5, processed: 5, failed: 0 });
    for (const [i, itemId] of itemIds.entries()) {
      const [, b] = await productsOfItem(t.db, itemId);
      const engine = (base: number, adj: Parameters<typeof computePrice>[0]['adjustments']) =>
        computePrice({ base, adjustments: adj, rounding: { rule: 'up', unit: 100 }, allowRound: true }).price;
      // the genre override wins over the category's changed rate
      expect(Number(b!.sell_price)).toBe(engine(1000 + i * 37, [{ kind: 'percent', bp: 6_000 }]));
      expect(Number(b!.buy_price)).toBe(engine(400 + i, [{ kind: 'yen', value: -50 }]));
    }
  });
});
