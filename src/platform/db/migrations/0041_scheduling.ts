import type { Kysely } from 'kysely';
import { createTable, longTextType, timestampType, withId } from '../ddl.ts';

// The scheduler: one row per (kind, slot) makes each scheduled run happen once however many clocks
// fire it; delayed jobs are "do X at T" rows the clock enqueues when due.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'schedule_run')
    .addColumn('kind', 'varchar(100)', (c) => c.notNull())
    .addColumn('slot', 'varchar(40)', (c) => c.notNull())
    .addColumn('fired_at', timestampType(db), (c) => c.notNull())
    .addColumn('finished_at', timestampType(db))
    .addPrimaryKeyConstraint('schedule_run_pk', ['kind', 'slot'])
    .execute();

  await withId(db, createTable(db, 'delayed_job'))
    .addColumn('kind', 'varchar(100)', (c) => c.notNull())
    .addColumn('run_at', timestampType(db), (c) => c.notNull())
    .addColumn('payload', longTextType(db), (c) => c.notNull())
    .addColumn('dedup_key', 'varchar(200)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('corporation_id', 'bigint')
    .addColumn('store_id', 'bigint')
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delayed_job_due').on('delayed_job').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('delayed_job_dedup').on('delayed_job').column('dedup_key').unique().execute();
}
