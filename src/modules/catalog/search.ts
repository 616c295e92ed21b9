import { sql } from 'kysely';
import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { itemTokens, normalizeSearchText, queryTokens } from './search-text.ts';
import type { ItemStatus } from './tables.ts';
import './tables.ts';

/**
 * Catalogue text search on the bigram token table (design in `search-text.ts`): the same SQL on
 * SQLite and MariaDB/MySQL. A query's tokens are intersected with one indexed GROUP BY … HAVING,
 * candidates are confirmed by a substring test on the item's normalised text, and pages are cut by
 * item id (a cursor), so a deep page costs the same as the first.
 */
export interface SearchFields {
  name: string;
  reading: string;
  expansion: string;
  card_number: string;
  rarity: string;
  code?: string | null;
  jan?: string | null;
}

const fieldsOf = (f: SearchFields) => [
  f.name,
  f.reading,
  f.expansion,
  f.card_number,
  f.rarity,
  f.code ?? null,
];

export function searchTextOf(f: SearchFields): string {
  return fieldsOf(f)
    .map((x) => normalizeSearchText(x ?? ''))
    .join('\n');
}

/** Replaces the item's tokens (in the caller's transaction, with the item change itself). */
export async function indexItem(tx: Tx, storeId: number, itemId: number, f: SearchFields): Promise<void> {
  await tx.deleteFrom('item_search_token').where('item_id', '=', itemId).execute();
  const tokens = itemTokens(fieldsOf(f));
  for (let i = 0; i < tokens.length; i += 500) {
    await tx
      .insertInto('item_search_token')
      .values(tokens.slice(i, i + 500).map((token) => ({ store_id: storeId, token, item_id: itemId })))
      .execute();
  }
}

export interface SearchQuery {
  q?: string;
  genreId?: number;
  categoryId?: number;
  status?: ItemStatus;
  /** Items with an id greater than this (the previous page's `nextCursor`). */
  after?: number;
  limit: number;
}

/** Item ids matching the query, in id order; `nextCursor` is set when more may follow. */
export async function searchItemIds(
  db: Db | Tx,
  storeId: number,
  query: SearchQuery,
): Promise<{ ids: number[]; nextCursor: number | null }> {
  const tokens = query.q ? queryTokens(query.q) : [];
  const needle = query.q ? normalizeSearchText(query.q) : '';
  if (query.q && tokens.length === 0) return { ids: [], nextCursor: null };
  const found: number[] = [];
  let after = query.after ?? 0;
  // Candidates are fetched in batches: most pass the substring test, so one batch is the rule.
  const batch = Math.max(query.limit * 2, 50);
  for (;;) {
    let q = db.selectFrom('item as i').select(['i.id', 'i.search_text']).where('i.store_id', '=', storeId);
    if (tokens.length > 0) {
      const matching = db
        .selectFrom('item_search_token')
        .select('item_id')
        .where('store_id', '=', storeId)
        .where('token', 'in', tokens)
        .where('item_id', '>', after)
        .groupBy('item_id')
        .having(sql`count(*)`, '=', tokens.length);
      q = q.where('i.id', 'in', matching);
    }
    if (query.genreId) q = q.where('i.genre_id', '=', query.genreId);
    if (query.categoryId) q = q.where('i.category_id', '=', query.categoryId);
    if (query.status) q = q.where('i.status', '=', query.status);
    const rows = await q.where('i.id', '>', after).orderBy('i.id').limit(batch).execute();
    for (const r of rows) {
      if (needle && !r.search_text.includes(needle)) continue;
      found.push(Number(r.id));
      if (found.length > query.limit) break;
    }
    if (found.length > query.limit) {
      const ids = found.slice(0, query.limit);
      return { ids, nextCursor: ids[ids.length - 1]! };
    }
    if (rows.length < batch) return { ids: found, nextCursor: null };
    after = Number(rows[rows.length - 1]!.id);
  }
}
