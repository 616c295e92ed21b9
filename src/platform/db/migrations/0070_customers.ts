import { sql, type Kysely } from 'kysely';
import { createTable, dialectOf, timestampType, withId } from '../ddl.ts';

// Customers of one store (a member of two stores is two rows, as in the reference) and the
// per-customer figures worker-transaction keeps from sales.completed / sales.returned.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Member codes and the normalised search text compare byte for byte on MySQL too:
  // utf8mb4_unicode_ci would treat ハ and パ (or "a" and "A") as equal, and SQLite does not.
  const bin = (n: number) =>
    dialectOf(db) === 'mysql'
      ? sql`varchar(${sql.raw(String(n))}) character set utf8mb4 collate utf8mb4_bin`
      : sql`varchar(${sql.raw(String(n))})`;

  await withId(db, createTable(db, 'customer'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('code', bin(32))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('name_kana', 'varchar(100)', (c) => c.notNull())
    .addColumn('phone', 'varchar(30)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('note', 'varchar(1000)', (c) => c.notNull())
    .addColumn('search_text', bin(1000), (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(100)')
    .addColumn('archived_at', timestampType(db))
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('updated_at', timestampType(db), (c) => c.notNull())
    .execute();
  // NULL codes (no member card) may repeat on both dialects; a given code once per store. A
  // scanned member card is this index.
  await db.schema
    .createIndex('customer_code')
    .on('customer')
    .columns(['store_id', 'code'])
    .unique()
    .execute();
  // A registration retried with the same Idempotency-Key finds the first one.
  await db.schema
    .createIndex('customer_idem')
    .on('customer')
    .columns(['store_id', 'idempotency_key'])
    .unique()
    .execute();
  // The list: a store's active customers, newest first, paged by id. A text search is a substring
  // test of search_text over these rows (one store's customers: thousands, not millions), which no
  // B-tree index could serve; see docs/customers.md.
  await db.schema
    .createIndex('customer_list')
    .on('customer')
    .columns(['store_id', 'archived_at', 'id'])
    .execute();

  await createTable(db, 'customer_stats')
    .addColumn('customer_id', 'bigint', (c) => c.primaryKey())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('sales_count', 'bigint', (c) => c.notNull())
    .addColumn('sales_total', 'bigint', (c) => c.notNull())
    .addColumn('returns_count', 'bigint', (c) => c.notNull())
    .addColumn('returns_total', 'bigint', (c) => c.notNull())
    .addColumn('items', 'bigint', (c) => c.notNull())
    .addColumn('first_visit_date', 'varchar(10)')
    .addColumn('last_visit_date', 'varchar(10)')
    .addColumn('updated_at', timestampType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('customer_stats_store')
    .on('customer_stats')
    .columns(['store_id', 'last_visit_date'])
    .execute();
}
