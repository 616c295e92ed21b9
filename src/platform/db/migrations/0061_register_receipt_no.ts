import { sql, type Kysely } from 'kysely';

// Receipt numbers move onto the register's cash row: every sale and return locks that row anyway,
// so taking the next number becomes part of the lock's UPDATE instead of two more statements on a
// counter table of its own. The counters carry over, so no number is issued twice.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('register_cash')
    .addColumn('receipt_no', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update register_cash set receipt_no = (
      select c.last_no from sale_register_counter c where c.register_id = register_cash.register_id)
    where register_id in (select register_id from sale_register_counter)`.execute(db);
  await db.schema.dropTable('sale_register_counter').execute();
}
