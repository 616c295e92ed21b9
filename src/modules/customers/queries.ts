import type { Selectable } from 'kysely';
import { NotFoundError } from '../../kernel/errors.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { CustomerDetail, CustomerQuery, CustomerRow, CustomerStats, CustomerView } from './schemas.ts';
import { searchPatterns } from './search.ts';
import type { CustomerStatsTable, CustomerTable } from './tables.ts';
import './tables.ts';

export function toView(r: Selectable<CustomerTable>): CustomerView {
  return {
    id: Number(r.id),
    code: r.code,
    name: r.name,
    nameKana: r.name_kana,
    phone: r.phone,
    email: r.email,
    note: r.note,
    archivedAt: r.archived_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toStats(s: Selectable<CustomerStatsTable> | undefined): CustomerStats {
  const n = (v: number | undefined) => Number(v ?? 0);
  return {
    salesCount: n(s?.sales_count),
    salesTotal: n(s?.sales_total),
    returnsCount: n(s?.returns_count),
    returnsTotal: n(s?.returns_total),
    netTotal: n(s?.sales_total) - n(s?.returns_total),
    items: n(s?.items),
    firstVisitDate: s?.first_visit_date ?? null,
    lastVisitDate: s?.last_visit_date ?? null,
    updatedAt: s?.updated_at ?? null,
  };
}

/** The customer row of this store (archived ones included), or 404: another store's id looks absent. */
export async function ownCustomer(db: Db | Tx, storeId: number, customerId: number) {
  const row = await db
    .selectFrom('customer')
    .selectAll()
    .where('id', '=', customerId)
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('The customer');
  return row;
}

/** One customer with the figures worker-transaction keeps. */
export async function readCustomer(
  db: Db | Tx,
  storeId: number,
  customerId: number,
): Promise<CustomerDetail> {
  const row = await ownCustomer(db, storeId, customerId);
  const stats = await db
    .selectFrom('customer_stats')
    .selectAll()
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return { ...toView(row), stats: toStats(stats) };
}

/**
 * A store's customers, newest first, paged by id: all of them, or those whose search text holds
 * every word of `q` (see search.ts). A page stops as soon as it is full.
 */
export async function searchCustomers(
  db: Db,
  storeId: number,
  query: CustomerQuery,
): Promise<{ items: CustomerRow[]; nextBefore: number | null }> {
  let q = db
    .selectFrom('customer as c')
    .leftJoin('customer_stats as s', 's.customer_id', 'c.id')
    .selectAll('c')
    .select(['s.sales_count', 's.last_visit_date'])
    .where('c.store_id', '=', storeId)
    .orderBy('c.id', 'desc')
    .limit(query.limit + 1);
  if (query.status === 'active') q = q.where('c.archived_at', 'is', null);
  if (query.status === 'archived') q = q.where('c.archived_at', 'is not', null);
  if (query.before !== undefined) q = q.where('c.id', '<', query.before);
  for (const pattern of searchPatterns(query.q)) q = q.where('c.search_text', 'like', pattern);
  const rows = await q.execute();
  const items = rows.slice(0, query.limit).map((r) => ({
    ...toView(r),
    salesCount: Number(r.sales_count ?? 0),
    lastVisitDate: r.last_visit_date ?? null,
  }));
  return { items, nextBefore: rows.length > query.limit ? items[items.length - 1]!.id : null };
}

/**
 * For the sales module: the customer a sale is made to, as a receipt or a sale may show it. Another
 * store's, an unknown or an archived customer answers 404, so a sale never attaches one.
 */
export async function customerOf(
  db: Db | Tx,
  storeId: number,
  customerId: number,
): Promise<{ id: number; code: string | null; name: string }> {
  const row = await db
    .selectFrom('customer')
    .select(['id', 'code', 'name'])
    .where('id', '=', customerId)
    .where('store_id', '=', storeId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('The customer');
  return { id: Number(row.id), code: row.code, name: row.name };
}
