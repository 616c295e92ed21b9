import type { Kysely } from 'kysely';
import { createTable, timestampType, withId } from '../ddl.ts';

// Bulk work with visible progress: a task, processed in chunks by a worker.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, createTable(db, 'task'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint')
    .addColumn('kind', 'varchar(60)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('chunks_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('updated_at', timestampType(db), (c) => c.notNull())
    .addColumn('finished_at', timestampType(db))
    .execute();
  await db.schema.createIndex('task_tenant').on('task').columns(['corporation_id', 'id']).execute();
  await withId(db, createTable(db, 'task_item_error'))
    .addColumn('task_id', 'bigint', (c) => c.notNull())
    .addColumn('item', 'varchar(200)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('task_item_error_task')
    .on('task_item_error')
    .columns(['task_id', 'id'])
    .execute();
}
