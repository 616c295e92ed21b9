import type { Kysely } from 'kysely';
import { createTable, timestampType } from '../ddl.ts';

// The nightly figures per store and business day (job-daily-calculate): one summary row and its
// breakdowns by tax rate, payment method and genre × category × condition. A day is replaced as
// a whole when it is recomputed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const day = (name: string) =>
    createTable(db, name)
      .addColumn('store_id', 'bigint', (c) => c.notNull())
      .addColumn('business_date', 'varchar(10)', (c) => c.notNull());

  await day('daily_summary')
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('sales_count', 'bigint', (c) => c.notNull())
    .addColumn('sales_items', 'bigint', (c) => c.notNull())
    .addColumn('sales_gross', 'bigint', (c) => c.notNull())
    .addColumn('sales_discounts', 'bigint', (c) => c.notNull())
    .addColumn('sales_net', 'bigint', (c) => c.notNull())
    .addColumn('sales_tax', 'bigint', (c) => c.notNull())
    .addColumn('sales_cost', 'bigint', (c) => c.notNull())
    .addColumn('returns_count', 'bigint', (c) => c.notNull())
    .addColumn('returns_net', 'bigint', (c) => c.notNull())
    .addColumn('returns_tax', 'bigint', (c) => c.notNull())
    .addColumn('returns_cost', 'bigint', (c) => c.notNull())
    .addColumn('stock_units', 'bigint', (c) => c.notNull())
    .addColumn('stock_at_cost', 'bigint', (c) => c.notNull())
    .addColumn('stock_at_price', 'bigint', (c) => c.notNull())
    .addColumn('settlements', 'bigint', (c) => c.notNull())
    .addColumn('cash_over_short', 'bigint', (c) => c.notNull())
    .addColumn('computed_at', timestampType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_summary_pk', ['store_id', 'business_date'])
    .execute();

  await day('daily_by_rate')
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('category', 'varchar(10)', (c) => c.notNull())
    .addColumn('tax_included', 'bigint', (c) => c.notNull())
    .addColumn('tax_excluded', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_by_rate_pk', ['store_id', 'business_date', 'kind', 'category'])
    .execute();

  await day('daily_by_method')
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    .addColumn('method', 'varchar(20)', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_by_method_pk', ['store_id', 'business_date', 'kind', 'method'])
    .execute();

  await day('daily_by_group')
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('genre_id', 'bigint', (c) => c.notNull())
    .addColumn('category_id', 'bigint', (c) => c.notNull())
    .addColumn('condition_id', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('cost', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_by_group_pk', [
      'store_id',
      'business_date',
      'kind',
      'genre_id',
      'category_id',
      'condition_id',
    ])
    .execute();
}
