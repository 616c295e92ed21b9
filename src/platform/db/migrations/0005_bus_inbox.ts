import type { Kysely } from 'kysely';
import { createTable, timestampType } from '../ddl.ts';

// Inbox: "event X handled by consumer Y", committed with the handler's effects, so a redelivery is a no-op.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'bus_inbox')
    .addColumn('consumer', 'varchar(80)', (c) => c.notNull())
    .addColumn('event_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('handled_at', timestampType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('bus_inbox_pk', ['consumer', 'event_id'])
    .execute();
  await db.schema.createIndex('bus_inbox_handled').on('bus_inbox').columns(['handled_at']).execute();
}
