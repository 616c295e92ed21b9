import type { Kysely } from 'kysely';
import { createTable, timestampType } from '../ddl.ts';

// Leases: one active holder at a time (the outbox relay), renewed by heartbeat, taken over on expiry.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'bus_lease')
    .addColumn('name', 'varchar(60)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(120)')
    .addColumn('expires_at', timestampType(db))
    .addColumn('acquired_at', timestampType(db))
    .execute();
}
