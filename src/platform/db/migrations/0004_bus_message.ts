import type { Kysely } from 'kysely';
import { createTable, longTextType, timestampType, withId } from '../ddl.ts';

// The `sql` bus: one row per (queue, event) until acknowledged; dead letters live in `<queue>-dlq`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, createTable(db, 'bus_message'))
    .addColumn('queue', 'varchar(80)', (c) => c.notNull())
    .addColumn('event_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('group_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('type', 'varchar(100)', (c) => c.notNull())
    .addColumn('body', longTextType(db), (c) => c.notNull())
    .addColumn('receive_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('visible_at', timestampType(db), (c) => c.notNull())
    .addColumn('receipt', 'varchar(36)')
    .addColumn('source_queue', 'varchar(80)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addUniqueConstraint('bus_message_dedup', ['queue', 'event_id'])
    .execute();
  await db.schema
    .createIndex('bus_message_group_head')
    .on('bus_message')
    .columns(['queue', 'group_key', 'id'])
    .execute();
  await db.schema.createIndex('bus_message_queue_order').on('bus_message').columns(['queue', 'id']).execute();
}
