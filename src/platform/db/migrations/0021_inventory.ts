import type { Kysely } from 'kysely';
import { createTable, timestampType, withId } from '../ddl.ts';

// Inventory: the stock ledger (every movement, signed, with the balance after), cost layers, and
// stock documents (stocking, loss, adjustment, count) with their lines and count sheets.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await withId(db, createTable(db, 'stock_ledger'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('product_id', 'bigint', (c) => c.notNull().references('product.id'))
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    .addColumn('source_kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('staff_id', 'bigint')
    .addColumn('unit_price', 'bigint')
    .addColumn('cost', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stock_ledger_product_idx')
    .on('stock_ledger')
    .columns(['product_id', 'id'])
    .execute();
  await db.schema
    .createIndex('stock_ledger_store_idx')
    .on('stock_ledger')
    .columns(['store_id', 'id'])
    .execute();
  await db.schema
    .createIndex('stock_ledger_source_idx')
    .on('stock_ledger')
    .columns(['store_id', 'source_kind', 'source_id'])
    .execute();

  await withId(db, createTable(db, 'cost_layer'))
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('product_id', 'bigint', (c) => c.notNull().references('product.id'))
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('total_cost', 'bigint', (c) => c.notNull())
    .addColumn('arrived_at', ts, (c) => c.notNull())
    .addColumn('ledger_id', 'bigint')
    .execute();
  await db.schema
    .createIndex('cost_layer_product_idx')
    .on('cost_layer')
    .columns(['product_id', 'quantity'])
    .execute();

  // kind: stocking | loss | adjustment | count. status: planned | final | reversed (stocking:
  // planned → final when received; count: open → review → final).
  await withId(db, createTable(db, 'stock_document'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('reason', 'varchar(300)', (c) => c.notNull())
    .addColumn('supplier', 'varchar(200)', (c) => c.notNull())
    .addColumn('cost_tax', 'varchar(10)', (c) => c.notNull())
    .addColumn('count_mode', 'varchar(10)')
    .addColumn('start_ledger_id', 'bigint')
    .addColumn('reverses_id', 'bigint')
    .addColumn('reversed_by_id', 'bigint')
    .addColumn('created_by', 'bigint')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('finalized_at', ts)
    .execute();
  await db.schema
    .createIndex('stock_document_store_idx')
    .on('stock_document')
    .columns(['store_id', 'kind', 'id'])
    .execute();

  await withId(db, createTable(db, 'stock_document_line'))
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('stock_document.id'))
    .addColumn('product_id', 'bigint', (c) => c.notNull().references('product.id'))
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('unit_cost', 'bigint')
    .addColumn('expected', 'bigint')
    .addColumn('counted', 'bigint')
    .addColumn('ledger_id', 'bigint')
    .addColumn('cost_layer_id', 'bigint')
    .execute();
  await db.schema
    .createIndex('stock_document_line_doc_idx')
    .on('stock_document_line')
    .columns(['document_id'])
    .execute();

  await withId(db, createTable(db, 'count_sheet_line'))
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('stock_document.id'))
    .addColumn('shelf', 'varchar(60)', (c) => c.notNull())
    .addColumn('product_id', 'bigint', (c) => c.notNull().references('product.id'))
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('staff_id', 'bigint')
    .addColumn('counted_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('count_sheet_line_doc_idx')
    .on('count_sheet_line')
    .columns(['document_id'])
    .execute();
}
