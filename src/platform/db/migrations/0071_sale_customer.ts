import type { Kysely } from 'kysely';

// A sale or return may name the customer it was made to (customers are per store); worker-
// transaction keeps their figures from the events, and the index serves a customer's history.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sale').addColumn('customer_id', 'bigint').execute();
  await db.schema
    .createIndex('sale_customer')
    .on('sale')
    .columns(['store_id', 'customer_id', 'id'])
    .execute();
}
