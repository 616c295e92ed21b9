/**
 * Daily-figures benchmark: `npm run bench:daily -- --lines 1000000 [--db sqlite:bench/data/daily.db]`.
 * Seeds (or reuses) one store with one business day of completed sales holding that many sale
 * lines (3 per sale, half cash, half card, 10% and 8% items, a ledger row per line), then times
 * job-daily-calculate's computation and write of that day. Writes bench/results/daily.json; the
 * last line printed is `{lines, sales, seconds, linesPerS}`.
 */
import fs from 'node:fs';
import type { Insertable } from 'kysely';
import type { SaleLineTable } from '../src/modules/sales/tables.ts';
import type { StockLedgerTable } from '../src/modules/inventory/tables.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openBenchStore } from './demo-store.ts';
import { withTransaction } from '../src/platform/db/transaction.ts';
import { createLogger } from '../src/platform/log/log.ts';
import { toDbTime } from '../src/kernel/time.ts';
import { computeReceipt } from '../src/modules/sales/tax.ts';
import { createCategory, createGenre, createItem } from '../src/modules/catalog/commands.ts';
import { itemInput } from '../src/modules/catalog/schemas.ts';
import { runDailyCalculate } from '../src/modules/reporting/index.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    db: { type: 'string' },
  },
});
const lines = Number(values.lines);
if (!Number.isInteger(lines) || lines < 3) throw new Error('--lines is a whole number ≥ 3');
const root = path.resolve(import.meta.dirname, '..');
const url = values.db ?? `sqlite:${path.join(root, `bench/data/daily-${lines}.db`)}`;
if (url.startsWith('sqlite:')) fs.mkdirSync(path.dirname(url.slice('sqlite:'.length)), { recursive: true });
const DAY = '2026-11-27';

const { handle, scope, primaryRegisterId } = await openBenchStore(url);
const db = handle.db;
const register = primaryRegisterId;

const have = Number(
  (
    await db
      .selectFrom('sale_line')
      .select((e) => e.fn.countAll().as('n'))
      .where('store_id', '=', scope.storeId)
      .executeTakeFirstOrThrow()
  ).n,
);
if (have < lines) {
  const started = Date.now();
  const products = await withTransaction(db, async (tx) => {
    const genreId = await createGenre(tx, scope, { name: 'bench', sortOrder: 0 });
    const categoryId = await createCategory(tx, scope, {
      name: 'bench',
      kind: 'single',
      conditions: [
        { name: 'A', sell: { kind: 'percent', value: 10_000 }, buy: { kind: 'percent', value: 10_000 } },
        { name: 'B', sell: { kind: 'percent', value: 8_000 }, buy: { kind: 'percent', value: 7_000 } },
      ],
    });
    const out: { id: number; itemId: number; price: number; category: 'standard' | 'reduced' }[] = [];
    for (let i = 0; i < 1000; i++) {
      const category = i % 10 === 0 ? 'reduced' : 'standard';
      const itemId = await createItem(
        tx,
        scope,
        itemInput.parse({
          genreId,
          categoryId,
          name: `Bench ${i}`,
          baseSellPrice: 100 + (i % 40) * 50,
          baseBuyPrice: 40,
          taxCategory: category,
        }),
      );
      for (const p of await tx
        .selectFrom('product')
        .select(['id', 'sell_price'])
        .where('item_id', '=', itemId)
        .execute())
        out.push({ id: Number(p.id), itemId, price: Number(p.sell_price), category });
    }
    await tx.updateTable('product').set({ stock: 1_000_000 }).where('store_id', '=', scope.storeId).execute();
    return out;
  });
  const sales = Math.floor(lines / 3);
  const at = toDbTime(new Date(`${DAY}T05:00:00Z`));
  const BATCH = 500;
  for (let from = 0; from < sales; from += BATCH) {
    await withTransaction(db, async (tx) => {
      const saleRows = [];
      const cartOf: { p: (typeof products)[number]; quantity: number }[][] = [];
      for (let i = from; i < Math.min(sales, from + BATCH); i++) {
        const cart = [0, 1, 2].map((j) => ({
          p: products[(i * 7 + j * 131) % products.length]!,
          quantity: 1 + ((i + j) % 2),
        }));
        cartOf.push(cart);
        const t = computeReceipt({
          lines: cart.map((l) => ({ unitPrice: l.p.price, quantity: l.quantity, category: l.p.category })),
          mode: 'inclusive',
          rounding: 'down',
        });
        saleRows.push({
          corporation_id: scope.corporationId,
          store_id: scope.storeId,
          register_id: register,
          kind: 'sale' as const,
          status: 'completed' as const,
          number: `bench-${i}`,
          business_date: DAY,
          staff_id: 1,
          completed_by: 1,
          return_of_sale_id: null,
          returned_by_sale_id: null,
          return_reason: null,
          tax_mode: 'inclusive' as const,
          tax_rounding: 'down' as const,
          subtotal: t.subtotal,
          line_discounts: 0,
          cart_discount: 0,
          cart_discount_kind: null,
          cart_discount_value: null,
          tax: t.tax,
          total: t.total,
          items: cart.reduce((n, l) => n + l.quantity, 0),
          tendered: null,
          change_given: null,
          receipt_email: null,
          printed_count: 1,
          idempotency_key: null,
          created_at: at,
          updated_at: at,
          completed_at: at,
        });
      }
      const first =
        Number((await tx.insertInto('sale').values(saleRows).executeTakeFirstOrThrow()).insertId) -
        saleRows.length +
        1;
      const lineRows: Insertable<SaleLineTable>[] = [];
      const taxRows = [];
      const payRows = [];
      const ledgerRows: Insertable<StockLedgerTable>[] = [];
      for (const [k, cart] of cartOf.entries()) {
        const saleId = first + k;
        const t = computeReceipt({
          lines: cart.map((l) => ({ unitPrice: l.p.price, quantity: l.quantity, category: l.p.category })),
          mode: 'inclusive',
          rounding: 'down',
        });
        cart.forEach((l, j) => {
          lineRows.push({
            sale_id: saleId,
            store_id: scope.storeId,
            line_no: j + 1,
            product_id: l.p.id,
            item_id: l.p.itemId,
            name: 'Bench',
            detail: '',
            quantity: l.quantity,
            unit_price: l.p.price,
            list_price: l.p.price,
            tax_category: l.p.category,
            discount_kind: null,
            discount_value: null,
            line_discount: 0,
            cart_discount_share: 0,
            amount: t.lines[j]!.amount,
            cost: 40 * l.quantity,
          });
          ledgerRows.push({
            corporation_id: scope.corporationId,
            store_id: scope.storeId,
            product_id: l.p.id,
            quantity: -l.quantity,
            balance_after: 0,
            source_kind: 'sale',
            source_id: String(saleId),
            staff_id: 1,
            unit_price: l.p.price,
            cost: 40 * l.quantity,
            occurred_at: at,
          });
        });
        for (const r of t.rates)
          taxRows.push({
            sale_id: saleId,
            category: r.category,
            store_id: scope.storeId,
            rate_bp: r.rateBp,
            tax_included: r.taxIncluded,
            tax_excluded: r.taxExcluded,
            tax: r.tax,
          });
        payRows.push({
          sale_id: saleId,
          store_id: scope.storeId,
          register_id: register,
          method: saleId % 2 ? 'cash' : 'card',
          amount: t.total,
          reference: null,
          business_date: DAY,
          occurred_at: at,
        });
      }
      for (let i = 0; i < lineRows.length; i += 1000) {
        await tx
          .insertInto('sale_line')
          .values(lineRows.slice(i, i + 1000))
          .execute();
        await tx
          .insertInto('stock_ledger')
          .values(ledgerRows.slice(i, i + 1000))
          .execute();
      }
      await tx.insertInto('sale_tax').values(taxRows).execute();
      await tx.insertInto('sale_payment').values(payRows).execute();
    });
  }
  process.stderr.write(`seeded ${sales * 3} lines in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const started = performance.now();
const run = await runDailyCalculate(db, createLogger({ level: 'warn' }), {
  date: DAY,
  storeId: scope.storeId,
  now: new Date(),
});
const seconds = (performance.now() - started) / 1000;
if (run.failed.length) throw new Error(JSON.stringify(run.failed));
const counted = Number(
  (
    await db
      .selectFrom('sale_line')
      .select((e) => e.fn.countAll().as('n'))
      .where('store_id', '=', scope.storeId)
      .executeTakeFirstOrThrow()
  ).n,
);
await handle.close();
const result = {
  lines: counted,
  sales: run.sales,
  seconds: Math.round(seconds * 100) / 100,
  linesPerS: Math.round(counted / seconds),
};
fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench/results/daily.json'), JSON.stringify(result, null, 2) + '\n');
process.stdout.write(JSON.stringify(result) + '\n');
