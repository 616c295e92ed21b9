import type { Kysely } from 'kysely';
import { createTable, timestampType, withId } from '../ddl.ts';

// Registers and cash: the store's business day, each register's open/closed state and drawer
// balance, the cash ledger (one row per movement, balance after) and register checks (settlements).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'store_business_day')
    .addColumn('store_id', 'bigint', (c) => c.primaryKey())
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('opened_at', timestampType(db), (c) => c.notNull())
    .addColumn('closed_at', timestampType(db))
    .addColumn('lock_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await createTable(db, 'register_cash')
    .addColumn('register_id', 'bigint', (c) => c.primaryKey())
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('business_date', 'varchar(10)')
    .addColumn('open_settlement_id', 'bigint')
    .addColumn('opened_at', timestampType(db))
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lock_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // No secondary index on register_cash: every hot UPDATE finds its row by primary key, and a
  // (store_id, status) index let MariaDB plan those updates through it, locking index entries and
  // the primary row in opposite orders (deadlocks between concurrent cash movements). Per-store
  // lookups go through `register` (indexed by store) and join here by primary key.

  await withId(db, createTable(db, 'cash_movement'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('register_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    .addColumn('source_kind', 'varchar(30)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(64)')
    .addColumn('reason', 'varchar(200)')
    .addColumn('staff_id', 'bigint')
    .addColumn('idempotency_key', 'varchar(100)')
    .addColumn('occurred_at', timestampType(db), (c) => c.notNull())
    .execute();
  // (register, seq) unique: two movements can never claim the same place in a register's chain.
  await db.schema
    .createIndex('cash_movement_chain')
    .on('cash_movement')
    .columns(['register_id', 'seq'])
    .unique()
    .execute();
  await db.schema
    .createIndex('cash_movement_idem')
    .on('cash_movement')
    .columns(['register_id', 'idempotency_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('cash_movement_store')
    .on('cash_movement')
    .columns(['store_id', 'business_date', 'id'])
    .execute();

  await withId(db, createTable(db, 'register_settlement'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('register_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('staff_id', 'bigint', (c) => c.notNull())
    .addColumn('expected', 'bigint', (c) => c.notNull())
    .addColumn('counted', 'bigint', (c) => c.notNull())
    .addColumn('difference', 'bigint', (c) => c.notNull())
    .addColumn('next_float', 'bigint')
    .addColumn('period_start', timestampType(db), (c) => c.notNull())
    .addColumn('period_end', timestampType(db), (c) => c.notNull())
    // The figures of a close or middle check (JSON text): frozen, so a reprint shows what was printed.
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(100)')
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('register_settlement_idem')
    .on('register_settlement')
    .columns(['register_id', 'idempotency_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('register_settlement_store')
    .on('register_settlement')
    .columns(['store_id', 'id'])
    .execute();

  await createTable(db, 'register_settlement_count')
    .addColumn('settlement_id', 'bigint', (c) => c.notNull())
    .addColumn('denomination', 'integer', (c) => c.notNull())
    .addColumn('pieces', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('register_settlement_count_pk', ['settlement_id', 'denomination'])
    .execute();
}
