import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import {
  productsOfItem,
  runHandler,
  seedCatalog,
  seedItem,
  seedStores,
} from '../../../test/support/catalog.ts';
import { testPlatform } from '../../../test/support/pos.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import type { EventEnvelope } from '../../platform/bus/events.ts';
import { createLogger } from '../../platform/log/log.ts';
import type { CatalogScope } from '../catalog/products.ts';
import { runConsistency } from '../consistency/run.ts';
import { ecStockCheck, stockLedgerCheck } from './consistency.ts';
import { handlers, moveStock } from './index.ts';

describe.each(testDialects())('stock consistency checks on %s', (dialect) => {
  const t = useTestDb(dialect);
  let store: CatalogScope & { ownerId: number };
  let productId = 0;
  const deps = () => ({
    db: t.db,
    bus: testPlatform(t.handle).bus,
    log: createLogger({ level: 'silent' }),
    config: loadConfig({}),
  });

  beforeAll(async () => {
    store = (await seedStores(t.db)).akihabara!;
    const itemId = await seedItem(t.db, store, await seedCatalog(t.db, store));
    productId = Number((await productsOfItem(t.db, itemId))[0]!.id);
    await withTransaction(t.db, (tx) =>
      moveStock(
        tx,
        { ...store, staffId: store.ownerId },
        { productId, quantity: 5, source: { kind: 'test', id: 1 } },
      ),
    );
    // worker-product brings EC stock up to date, as it would after the event.
    for (const row of await t.db
      .selectFrom('outbox')
      .select('body')
      .where('type', '=', 'inventory.stock_changed')
      .execute()) {
      await runHandler(t.db, handlers.ecStock, JSON.parse(row.body) as EventEnvelope);
    }
  });

  it('finds nothing while stock moved only through the ledger', async () => {
    const report = await runConsistency(deps(), [stockLedgerCheck, ecStockCheck], { repair: false });
    expect(report.checks.map((c) => [c.name, c.count])).toEqual([
      ['inventory.stock_ledger', 0],
      ['inventory.ec_stock', 0],
    ]);
  });

  it('finds stock changed behind the ledger, and repairs the online stock it left stale', async () => {
    await t.db.updateTable('product').set({ stock: 9 }).where('id', '=', productId).execute();
    await t.db.updateTable('product').set({ ec_stock: 7 }).where('id', '=', productId).execute();
    const report = await runConsistency(deps(), [stockLedgerCheck, ecStockCheck], { repair: true });
    const [ledger, ec] = report.checks;
    expect(ledger).toMatchObject({
      count: 1,
      repaired: null,
      remaining: 1,
      sample: [{ productId, stock: 9, ledgerSum: 5 }],
    });
    expect(ec).toMatchObject({ count: 1, repaired: 1, remaining: 0 });
    const after = await t.db
      .selectFrom('product')
      .select(['ec_stock', 'stock', 'reserve'])
      .where('id', '=', productId)
      .executeTakeFirstOrThrow();
    expect(Number(after.ec_stock)).toBe(ec!.sample[0]!.expected);
    expect(report.critical).toBe(1);
  });
});
