import type { Kysely } from 'kysely';
import { createTable, longTextType, timestampType, withId } from '../ddl.ts';

// Reports of job-ensure-consistency: one row per run, the findings as JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, createTable(db, 'consistency_report'))
    .addColumn('ran_at', timestampType(db), (c) => c.notNull())
    .addColumn('repair', 'integer', (c) => c.notNull())
    .addColumn('critical', 'integer', (c) => c.notNull())
    .addColumn('warnings', 'integer', (c) => c.notNull())
    .addColumn('report', longTextType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consistency_report_ran_at')
    .on('consistency_report')
    .column('ran_at')
    .execute();
}
