import type { Kysely } from 'kysely';
import { createTable, longTextType, timestampType, withId } from '../ddl.ts';

// Transactional outbox: events written in the command's own transaction, relayed to the bus later.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, createTable(db, 'outbox'))
    .addColumn('event_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('type', 'varchar(100)', (c) => c.notNull())
    .addColumn('topic', 'varchar(60)', (c) => c.notNull())
    .addColumn('ordering_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', longTextType(db), (c) => c.notNull())
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('sent_at', timestampType(db))
    .execute();
  await db.schema.createIndex('outbox_unsent').on('outbox').columns(['sent_at', 'id']).execute();
  // One row per ordering key, updated by every publish on MySQL: its row lock makes two producers of
  // the same key commit in outbox-id order (see docs/events.md, "ordering").
  await createTable(db, 'outbox_key')
    .addColumn('ordering_key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
}
