import type { Kysely } from 'kysely';
import { createTable, timestampType, withId } from '../ddl.ts';

// Selling: sales and returns with their lines, payments and tax per rate, a per-register receipt
// counter, and the running daily totals worker-transaction keeps for the dashboard. Items get a
// consumption-tax category (standard 10% unless said otherwise).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('item')
    .addColumn('tax_category', 'varchar(10)', (c) => c.notNull().defaultTo('standard'))
    .execute();

  await withId(db, createTable(db, 'sale'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('register_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('number', 'varchar(30)')
    .addColumn('business_date', 'varchar(10)')
    .addColumn('staff_id', 'bigint', (c) => c.notNull())
    .addColumn('completed_by', 'bigint')
    .addColumn('return_of_sale_id', 'bigint')
    .addColumn('returned_by_sale_id', 'bigint')
    .addColumn('return_reason', 'varchar(200)')
    .addColumn('tax_mode', 'varchar(10)', (c) => c.notNull())
    .addColumn('tax_rounding', 'varchar(10)', (c) => c.notNull())
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('line_discounts', 'bigint', (c) => c.notNull())
    .addColumn('cart_discount', 'bigint', (c) => c.notNull())
    .addColumn('cart_discount_kind', 'varchar(10)')
    .addColumn('cart_discount_value', 'bigint')
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('tendered', 'bigint')
    .addColumn('change_given', 'bigint')
    .addColumn('receipt_email', 'varchar(254)')
    .addColumn('printed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'varchar(100)')
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('updated_at', timestampType(db), (c) => c.notNull())
    .addColumn('completed_at', timestampType(db))
    .execute();
  await db.schema.createIndex('sale_number').on('sale').columns(['store_id', 'number']).unique().execute();
  await db.schema
    .createIndex('sale_idem')
    .on('sale')
    .columns(['store_id', 'idempotency_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('sale_open')
    .on('sale')
    .columns(['store_id', 'status', 'register_id'])
    .execute();
  await db.schema.createIndex('sale_day').on('sale').columns(['store_id', 'business_date', 'id']).execute();

  await withId(db, createTable(db, 'sale_line'))
    .addColumn('sale_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'bigint', (c) => c.notNull())
    .addColumn('item_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('detail', 'varchar(200)', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('list_price', 'bigint', (c) => c.notNull())
    .addColumn('tax_category', 'varchar(10)', (c) => c.notNull())
    .addColumn('discount_kind', 'varchar(10)')
    .addColumn('discount_value', 'bigint')
    .addColumn('line_discount', 'bigint', (c) => c.notNull())
    .addColumn('cart_discount_share', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('cost', 'bigint')
    .execute();
  await db.schema
    .createIndex('sale_line_no')
    .on('sale_line')
    .columns(['sale_id', 'line_no'])
    .unique()
    .execute();

  await withId(db, createTable(db, 'sale_payment'))
    .addColumn('sale_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('register_id', 'bigint', (c) => c.notNull())
    .addColumn('method', 'varchar(20)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reference', 'varchar(100)')
    .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('occurred_at', timestampType(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sale_payment_sale').on('sale_payment').columns(['sale_id']).execute();
  await db.schema
    .createIndex('sale_payment_register')
    .on('sale_payment')
    .columns(['register_id', 'occurred_at'])
    .execute();

  await createTable(db, 'sale_tax')
    .addColumn('sale_id', 'bigint', (c) => c.notNull())
    .addColumn('category', 'varchar(10)', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('rate_bp', 'integer', (c) => c.notNull())
    .addColumn('tax_included', 'bigint', (c) => c.notNull())
    .addColumn('tax_excluded', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sale_tax_pk', ['sale_id', 'category'])
    .execute();

  // Receipt numbers count per register: the register's row is locked by every sale on it anyway,
  // so numbering adds no contention between registers.
  await createTable(db, 'sale_register_counter')
    .addColumn('register_id', 'bigint', (c) => c.primaryKey())
    .addColumn('last_no', 'bigint', (c) => c.notNull())
    .execute();

  await createTable(db, 'sales_running_total')
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('sales_count', 'bigint', (c) => c.notNull())
    .addColumn('sales_total', 'bigint', (c) => c.notNull())
    .addColumn('returns_count', 'bigint', (c) => c.notNull())
    .addColumn('returns_total', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', timestampType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('sales_running_total_pk', ['store_id', 'business_date'])
    .execute();
}
