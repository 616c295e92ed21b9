import { sql } from 'kysely';
import { withTransaction } from '../../platform/db/transaction.ts';
import { readSettings } from '../catalog/settings.ts';
import { auditRepair, defineCheck } from '../consistency/check.ts';
import { refreshEcStock } from './ec-stock.ts';
import { ecStockOf } from './rules.ts';
import './tables.ts';
import '../catalog/tables.ts';

/**
 * Stock must equal the sum of its ledger: moveStock keeps them together, so a difference means
 * someone wrote to `product.stock` outside it. The ledger is the record of every document that
 * moved stock, so the repair puts the stock back to the ledger's sum (and the EC stock with it),
 * noting before and after in the audit log; a physical difference is then a stock count's job.
 */
export const stockLedgerCheck = defineCheck({
  name: 'inventory.stock_ledger',
  severity: 'critical',
  description: 'product stock that differs from the sum of its stock ledger',
  async find({ db }) {
    const rows = await db
      .selectFrom('product as p')
      .leftJoin('stock_ledger as l', 'l.product_id', 'p.id')
      .select(['p.id', 'p.corporation_id', 'p.store_id', 'p.stock'])
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('l.quantity'), sql<number>`0`).as('ledger'))
      .groupBy(['p.id', 'p.corporation_id', 'p.store_id', 'p.stock'])
      .having((eb) =>
        eb(eb.ref('p.stock'), '!=', eb.fn.coalesce(eb.fn.sum<number>('l.quantity'), sql<number>`0`)),
      )
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      corporationId: Number(r.corporation_id),
      storeId: Number(r.store_id),
      productId: Number(r.id),
      stock: Number(r.stock),
      ledgerSum: Number(r.ledger),
    }));
  },
  async repair({ db }, findings) {
    let fixed = 0;
    for (const f of findings) {
      await withTransaction(db, async (tx) => {
        const res = await tx
          .updateTable('product')
          .set({ stock: f.ledgerSum as number })
          .where('id', '=', f.productId as number)
          .where('stock', '=', f.stock as number)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return;
        await refreshEcStock(tx, f.productId as number);
        await auditRepair(
          tx,
          { corporationId: f.corporationId!, storeId: f.storeId! },
          { type: 'product', id: f.productId as number },
          `Stock ${f.stock as number} restored to its ledger sum ${f.ledgerSum as number}`,
        );
        fixed++;
      });
    }
    return fixed;
  },
});

/**
 * EC stock is derived (max(0, stock − reserve)) by worker-product; a lost or dead-lettered event
 * leaves it stale, which oversells online. The repair recomputes it, which is always safe.
 */
export const ecStockCheck = defineCheck({
  name: 'inventory.ec_stock',
  severity: 'critical',
  description: 'online stock that is not stock minus reserve',
  async find({ db }) {
    const products = await db
      .selectFrom('product')
      .select(['id', 'corporation_id', 'store_id', 'stock', 'reserve', 'ec_stock'])
      .execute();
    const reserves = new Map<number, number>();
    const out = [];
    for (const p of products) {
      const storeId = Number(p.store_id);
      if (!reserves.has(storeId)) reserves.set(storeId, (await readSettings(db, storeId)).defaultReserve);
      const expected = ecStockOf(
        Number(p.stock),
        p.reserve === null ? reserves.get(storeId)! : Number(p.reserve),
      );
      if (Number(p.ec_stock) !== expected) {
        out.push({
          corporationId: Number(p.corporation_id),
          storeId,
          productId: Number(p.id),
          ecStock: Number(p.ec_stock),
          expected,
        });
      }
    }
    return out;
  },
  async repair({ db }, findings) {
    let fixed = 0;
    for (const f of findings) {
      await withTransaction(db, async (tx) => {
        const res = await tx
          .updateTable('product')
          .set({ ec_stock: f.expected as number })
          .where('id', '=', f.productId as number)
          .where('ec_stock', '=', f.ecStock as number)
          .executeTakeFirst();
        fixed += Number(res.numUpdatedRows);
      });
    }
    return fixed;
  },
});
