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

  it('repairs online stock that went stale without touching stock', async () => {
    await t.db.updateTable('product').set({ ec_stock: 7 }).where('id', '=', productId).execute();
    const report = await runConsistency(deps(), [stockLedgerCheck, ecStockCheck], { repair: true });
    const [ledger, ec] = report.checks;
    expect(ledger).toMatchObject({ count: 0 });
    expect(ec).toMatchObject({ count: 1, repaired: 1, remaining: 0 });
    const after = await t.db
      .selectFrom('product')
      .select(['ec_stock', 'stock'])
      .where('id', '=', productId)
      .executeTakeFirstOrThrow();
    expect([Number(after.stock), Number(after.ec_stock)]).toEqual([5, ec!.sample[0]!.expected]);
  });

  it('finds stock changed behind the ledger and restores it (and its online stock) to the ledger sum, audited', async () => {
    const before = await t.db
      .selectFrom('product')
      .select('ec_stock')
      .where('id', '=', productId)
      .executeTakeFirstOrThrow();
    await t.db.updateTable('product').set({ stock: 9, ec_stock: 0 }).where('id', '=', productId).execute();
    const found = await runConsistency(deps(), [stockLedgerCheck], { repair: false });
    expect(found.checks[0]).toMatchObject({
      count: 1,
      repaired: null,
      remaining: 1,
      sample: [{ productId, stock: 9, ledgerSum: 5 }],
    });
    expect(found.critical).toBe(1);
    const report = await runConsistency(deps(), [stockLedgerCheck, ecStockCheck], { repair: true });
    expect(report.checks.map((c) => [c.name, c.count, c.repaired, c.remaining])).toEqual([
      ['inventory.stock_ledger', 1, 1, 0],
      ['inventory.ec_stock', 0, null, 0],
    ]);
    expect(report.critical).toBe(0);
    const after = await t.db
      .selectFrom('product')
      .select(['ec_stock', 'stock'])
      .where('id', '=', productId)
      .executeTakeFirstOrThrow();
    expect([Number(after.stock), Number(after.ec_stock)]).toEqual([5, Number(before.ec_stock)]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'consistency.repair')
      .execute();
    expect(audit.map((a) => a.summary)).toEqual(['Stock 9 restored to its ledger sum 5']);
  });
});
