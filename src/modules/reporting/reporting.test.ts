import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { productsOfItem, seedCatalog, seedItem, seedStores } from '../../../test/support/catalog.ts';
import { policyNames } from '../../kernel/policies.ts';
import { toDbTime } from '../../kernel/time.ts';
import { openBus } from '../../platform/bus/open-bus.ts';
import { topology } from '../../platform/bus/topology.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { createLogger } from '../../platform/log/log.ts';
import { consistencyChecks } from '../../workloads/consistency-checks.ts';
import { runConsistency } from '../consistency/index.ts';
import { moveStock } from '../inventory/index.ts';
import { closeRegister, openRegister } from '../registers/settlements.ts';
import { checkout, createDraft, returnSale, type SaleView } from '../sales/index.ts';
import type { StoreContext } from '../tenancy/index.ts';
import { readStoredDay, reportingRoutes, runDailyCalculate } from './index.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import { DEMO_PASSWORD } from '../tenancy/seed.ts';

const log = createLogger({ level: 'silent' });

describe.each(testDialects())('daily figures and the consistency job on %s', (dialect) => {
  const t = useTestDb(dialect);
  let ctx: StoreContext;
  let products: { id: number; price: number; category: 'standard' | 'reduced'; conditionId: number }[];
  let businessDate: string;
  const sold: SaleView[] = [];
  let returned: SaleView;

  beforeAll(async () => {
    const stores = await seedStores(t.db);
    const scope = stores.umeda!;
    const register = await t.db
      .selectFrom('register')
      .select('id')
      .where('primary_of_store_id', '=', scope.storeId)
      .executeTakeFirstOrThrow();
    ctx = {
      corporationId: scope.corporationId,
      storeId: scope.storeId,
      accountId: scope.ownerId,
      actingStaffId: scope.ownerId,
      policies: new Set(policyNames),
      registerId: Number(register.id),
    };
    const refs = await seedCatalog(t.db, scope);
    const card = await seedItem(t.db, scope, refs, { baseSellPrice: 2480, baseBuyPrice: 1000 });
    const tea = await seedItem(t.db, scope, refs, {
      baseSellPrice: 160,
      baseBuyPrice: 60,
      taxCategory: 'reduced',
    });
    const rows = [...(await productsOfItem(t.db, card)), ...(await productsOfItem(t.db, tea))];
    products = rows.map((p) => ({
      id: Number(p.id),
      price: Number(p.sell_price),
      category: Number(p.item_id) === tea ? 'reduced' : 'standard',
      conditionId: Number(p.condition_id),
    }));
    await withTransaction(t.db, async (tx) => {
      for (const p of products)
        await moveStock(
          tx,
          { ...scope, staffId: null },
          { productId: p.id, quantity: 500, source: { kind: 'stocking', id: 'seed' }, unitCost: 100 },
        );
    });
    const opened = await openRegister(t.db, ctx, ctx.registerId!, { count: { '10000': 3 } });
    businessDate = opened.value.businessDate;

    for (let i = 0; i < 24; i++) {
      const lines = products
        .map((p, j) => ({ productId: p.id, quantity: (i + j) % 3 }))
        .filter((l) => l.quantity > 0);
      const total = lines.reduce(
        (s, l) => s + products.find((p) => p.id === l.productId)!.price * l.quantity,
        0,
      );
      const payment =
        i % 2 ? { cashTendered: total + 1000 } : { other: { method: 'card' as const, amount: total } };
      sold.push((await checkout(t.db, ctx, { cart: { lines }, payment })).value);
    }
    returned = (await returnSale(t.db, ctx, sold[1]!.id, { reason: 'test' })).value;
    // Counted ¥100 short at the close: the day's cash over/short.
    const expected = Number(
      (
        await t.db
          .selectFrom('register_cash')
          .select('balance')
          .where('register_id', '=', ctx.registerId!)
          .executeTakeFirstOrThrow()
      ).balance,
    );
    await closeRegister(t.db, ctx, ctx.registerId!, { count: { '1': expected - 100 }, nextFloat: 0 });
  });

  it('computes a day equal to independently summed sales, and a re-run changes nothing', async () => {
    const run = await runDailyCalculate(t.db, log, {
      date: businessDate,
      storeId: ctx.storeId,
      now: new Date(),
    });
    expect(run).toMatchObject({ stores: 1, days: 1, changed: 1, sales: 24, failed: [] });
    const day = (await readStoredDay(t.db, ctx.storeId, businessDate))!;
    const sum = (xs: SaleView[], f: (s: SaleView) => number) => xs.reduce((a, s) => a + f(s), 0);
    expect(day.summary).toMatchObject({
      sales_count: 24,
      sales_items: sum(sold, (s) => s.items),
      sales_net: sum(sold, (s) => s.total),
      sales_tax: sum(sold, (s) => s.tax),
      sales_gross: sum(sold, (s) => s.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0)),
      sales_discounts: 0,
      returns_count: 1,
      returns_net: returned.total,
      returns_tax: returned.tax,
      settlements: 1,
      cash_over_short: -100,
    });
    // Every unit cost 100 (one cost layer per product).
    expect(day.summary.sales_cost).toBe(sum(sold, (s) => s.items) * 100);
    expect(day.summary.returns_cost).toBe(returned.items * 100);
    const units = 4 * 500 - sum(sold, (s) => s.items) + returned.items;
    expect(day.summary.stock_units).toBe(units);
    expect(day.summary.stock_at_cost).toBe(units * 100);

    const byMethod = Object.fromEntries(day.byMethod.map((m) => [`${m.kind}:${m.method}`, m.amount]));
    expect(byMethod).toEqual({
      'sale:card': sum(
        sold.filter((_, i) => i % 2 === 0),
        (s) => s.total,
      ),
      'sale:cash': sum(
        sold.filter((_, i) => i % 2 === 1),
        (s) => s.total,
      ),
      'sale_refund:cash': returned.total,
    });
    for (const category of ['standard', 'reduced'] as const) {
      const rate = day.byRate.find((r) => r.kind === 'sale' && r.category === category)!;
      expect(rate.tax).toBe(sum(sold, (s) => s.rates.find((r) => r.category === category)?.tax ?? 0));
      expect(rate.tax_included).toBe(
        sum(sold, (s) => s.rates.find((r) => r.category === category)?.taxIncluded ?? 0),
      );
    }
    const unitsOfCondition = (conditionId: number) =>
      sum(sold, (s) =>
        s.lines
          .filter((l) => products.find((x) => x.id === l.productId)!.conditionId === conditionId)
          .reduce((a, l) => a + l.quantity, 0),
      );
    for (const conditionId of new Set(products.map((p) => p.conditionId)))
      expect(
        day.byGroup
          .filter((g) => g.kind === 'sale' && g.condition_id === conditionId)
          .reduce((a, g) => a + g.quantity, 0),
      ).toBe(unitsOfCondition(conditionId));

    const again = await runDailyCalculate(t.db, log, {
      date: businessDate,
      storeId: ctx.storeId,
      now: new Date(),
    });
    expect(again).toMatchObject({ days: 1, changed: 0 });
    expect(await readStoredDay(t.db, ctx.storeId, businessDate)).toEqual(day);
  });

  it('serves the stored days to owners (JSON and CSV), not to clerks or another tenant, and refuses a bad range', async () => {
    await runDailyCalculate(t.db, log, { date: businessDate, storeId: ctx.storeId, now: new Date() });
    const app = await startPos(testPlatform(t.handle), { plugins: [reportingRoutes] });
    try {
      const owner = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
      await owner.post('/api/v1/auth/session', { mode: 'admin' });
      const base = `/api/v1/stores/${ctx.storeId}/reports`;
      const days = (await owner.get(`${base}/daily?from=${businessDate}&to=${businessDate}`)).json().days;
      expect(days).toHaveLength(1);
      expect(days[0]).toMatchObject({ businessDate, salesCount: 24, returnsCount: 1, cashOverShort: -100 });
      expect(days[0].netTakings).toBe(days[0].salesNet - days[0].returnsNet);
      const csv = await owner.get(`${base}/daily.csv?from=${businessDate}&to=${businessDate}`);
      expect(csv.body.split('\n')[0]).toMatch(/^businessDate,salesCount,/);
      expect(csv.body.trim().split('\n')).toHaveLength(2);
      const backwards = await owner.get(`${base}/daily?from=${businessDate}&to=2000-01-01`);
      expect([backwards.statusCode, backwards.json().errors[0].field]).toEqual([400, 'to']);
      const hoshi = await t.db
        .selectFrom('store')
        .select('id')
        .where('code', '=', 'akihabara')
        .executeTakeFirstOrThrow();
      const other = await owner.get(
        `/api/v1/stores/${hoshi.id}/reports/daily?from=${businessDate}&to=${businessDate}`,
      );
      expect(other.statusCode).toBe(404);
      const clerk = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
      await clerk.post('/api/v1/auth/session', {
        mode: 'sales',
        storeId: ctx.storeId,
        registerId: ctx.registerId,
      });
      const denied = await clerk.get(`${base}/daily?from=${businessDate}&to=${businessDate}`);
      expect([denied.statusCode, denied.json().policy]).toEqual([403, 'reports.view']);
    } finally {
      await app.close();
    }
  });

  it('finds a corrupted stock row, drawer balance, stale cart and drifted day, and --repair fixes each (audited)', async () => {
    await runDailyCalculate(t.db, log, { date: businessDate, storeId: ctx.storeId, now: new Date() });
    const product = products[0]!.id;
    await t.db.updateTable('product').set({ stock: 9999 }).where('id', '=', product).execute();
    await t.db
      .updateTable('register_cash')
      .set({ balance: 123_456 })
      .where('register_id', '=', ctx.registerId!)
      .execute();
    const cart = await createDraft(t.db, ctx, { cart: { lines: [{ productId: product, quantity: 1 }] } });
    await t.db
      .updateTable('sale')
      .set({ updated_at: toDbTime(new Date(Date.now() - 49 * 3600_000)) })
      .where('id', '=', cart.id)
      .execute();
    await t.db
      .updateTable('daily_summary')
      .set({ sales_net: 1 })
      .where('store_id', '=', ctx.storeId)
      .execute();

    const config = loadConfig({});
    const deps = { db: t.db, bus: openBus(config, t.db, topology), log, config };
    const names = [
      'inventory.stock_ledger',
      'registers.cash_ledger',
      'sales.stale_carts',
      'reporting.daily_drift',
    ];
    const found = await runConsistency(deps, consistencyChecks, { repair: false });
    for (const name of names)
      expect(found.checks.find((c) => c.name === name)?.count, name).toBeGreaterThan(0);

    const fixed = await runConsistency(deps, consistencyChecks, { repair: true });
    for (const name of names)
      expect(
        fixed.checks.find((c) => c.name === name),
        name,
      ).toMatchObject({ remaining: 0, repaired: 1 });
    const after = await runConsistency(deps, consistencyChecks, { repair: false });
    for (const name of names) expect(after.checks.find((c) => c.name === name)?.count, name).toBe(0);

    expect(
      (await t.db.selectFrom('sale').select('status').where('id', '=', cart.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('cancelled');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['target_type'])
      .where('action', '=', 'consistency.repair')
      .where('store_id', '=', ctx.storeId)
      .execute();
    expect(audit.map((a) => a.target_type).sort()).toEqual(['daily_summary', 'product', 'register', 'sale']);
  });
});
