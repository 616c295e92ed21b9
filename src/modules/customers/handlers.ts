import { sql } from 'kysely';
import { toDbTime } from '../../kernel/time.ts';
import type { EventDefinition, EventEnvelope } from '../../platform/bus/events.ts';
import { onEvent, type HandlerContext } from '../../platform/bus/handler.ts';
import type { Tx } from '../../platform/db/transaction.ts';
// Sales' event contract itself, not its index: sales imports customers (a sale names its customer),
// and the index would close that cycle before the event definitions exist.
import { saleCompleted, saleReturned } from '../sales/events.ts';
import './tables.ts';

/*
 * worker-transaction: each customer's figures after a sale or a return made to them. The handlers
 * run in the consumer's transaction with its inbox record, so a redelivered event counts once;
 * every change is an increment or a min/max, so events applied in any order give the same figures.
 */

type DataOf<E> = E extends EventDefinition<infer T> ? T : never;
type TransactionEvent = EventEnvelope<DataOf<typeof saleCompleted>>;

interface Delta {
  sales_count: number;
  sales_total: number;
  returns_count: number;
  returns_total: number;
  items: number;
}

async function addToCustomer(tx: Tx, e: TransactionEvent, ctx: HandlerContext, delta: Delta) {
  const customerId = e.data.customerId;
  if (customerId === null || e.storeId === null) return;
  const customer = await tx
    .selectFrom('customer')
    .select('id')
    .where('id', '=', customerId)
    .where('store_id', '=', e.storeId)
    .executeTakeFirst();
  if (!customer) {
    // A sale cannot attach another store's customer (customerOf refuses it): this is a bug to look
    // at, not a reason to hold back the running totals and receipt mail of the same event.
    ctx.log.warn({ customerId, saleId: e.data.saleId }, 'sale names a customer not of its store; no stats');
    return;
  }
  const at = toDbTime(new Date());
  const day = e.data.businessDate;
  await tx
    .insertInto('customer_stats')
    .orIgnore()
    .values({
      customer_id: customerId,
      store_id: e.storeId,
      sales_count: 0,
      sales_total: 0,
      returns_count: 0,
      returns_total: 0,
      items: 0,
      first_visit_date: null,
      last_visit_date: null,
      updated_at: at,
    })
    .execute();
  await tx
    .updateTable('customer_stats')
    .set({
      sales_count: sql`sales_count + ${delta.sales_count}`,
      sales_total: sql`sales_total + ${delta.sales_total}`,
      returns_count: sql`returns_count + ${delta.returns_count}`,
      returns_total: sql`returns_total + ${delta.returns_total}`,
      items: sql`items + ${delta.items}`,
      first_visit_date: sql`case when first_visit_date is null or first_visit_date > ${day} then ${day} else first_visit_date end`,
      last_visit_date: sql`case when last_visit_date is null or last_visit_date < ${day} then ${day} else last_visit_date end`,
      updated_at: at,
    })
    .where('customer_id', '=', customerId)
    .execute();
}

/** A sale to a customer: one more sale, its total (tax included) and units, and a visit that day. */
export const statsOfSale = onEvent('customers.stats_of_sale', saleCompleted, (tx, e, ctx) =>
  addToCustomer(tx, e, ctx, {
    sales_count: 1,
    sales_total: e.data.total,
    returns_count: 0,
    returns_total: 0,
    items: e.data.items,
  }),
);

/** A return by a customer: one more return, its refund, the units back, and a visit that day. */
export const statsOfReturn = onEvent('customers.stats_of_return', saleReturned, (tx, e, ctx) =>
  addToCustomer(tx, e, ctx, {
    sales_count: 0,
    sales_total: 0,
    returns_count: 1,
    returns_total: e.data.total,
    items: -e.data.items,
  }),
);
