import { sql } from 'kysely';
import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { itemTokens, normalizeSearchText, queryTokens } from './search-text.ts';
import type { ItemStatus } from './tables.ts';
import './tables.ts';

/**
 * Catalogue text search on the bigram token table (design in `search-text.ts`): the same SQL on
 * SQLite and MariaDB/MySQL. Candidates are the items holding every bigram of the query (driven by
 * the rarest bigram, see searchItemIds), confirmed by a substring test on the item's normalised
 * text; pages are cut by item id (a cursor), so a deep page costs the same as the first.
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

/**
 * Card numbers, codes, expansions and rarities are short strings over a small alphabet, so their
 * bigrams are shared by a large part of the catalogue. Each whole value is also stored as one
 * exact token (prefixed "#", which normalisation never leaves in text): a word typed that equals
 * such a value ("SV1S-001", "SV3", "SAR") is one primary-key range read however large the catalogue.
 */
const EXACT = '#';
export function exactTokens(
  f: Pick<SearchFields, 'card_number' | 'code' | 'expansion' | 'rarity'>,
): string[] {
  return [f.card_number, f.code ?? '', f.expansion, f.rarity]
    .map(normalizeSearchText)
    .filter((v) => v.length >= 1 && v.length <= 47)
    .map((v) => EXACT + v);
}

export function searchTokensOf(f: SearchFields): string[] {
  return [...new Set([...itemTokens(fieldsOf(f)), ...exactTokens(f)])];
}

/** Replaces the item's tokens (in the caller's transaction, with the item change itself). */
export async function indexItem(tx: Tx, storeId: number, itemId: number, f: SearchFields): Promise<void> {
  await tx.deleteFrom('item_search_token').where('item_id', '=', itemId).execute();
  const tokens = searchTokensOf(f);
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

/** Postings counted per token before choosing which one drives the scan (bounded cost per token). */
const COUNT_CAP = 2000;

/**
 * How many items carry each token, counted up to COUNT_CAP: enough to pick the rarest token. A
 * LIMIT inside the count keeps a token that every item has (e.g. "sv") as cheap as a rare one.
 */
async function tokenCounts(db: Db | Tx, storeId: number, tokens: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const token of tokens) {
    const capped = db
      .selectFrom('item_search_token')
      .select('item_id')
      .where('store_id', '=', storeId)
      .where('token', '=', token)
      .limit(COUNT_CAP)
      .as('c');
    const row = await db
      .selectFrom(capped)
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out.set(token, Number(row.n));
  }
  return out;
}

/**
 * Item ids matching the query, in id order; `nextCursor` is set when more may follow.
 *
 * The rarest token drives: its postings are read in item-id order (the primary key order) and
 * every other token is checked by a primary-key lookup, so the scan stops as soon as a page is
 * full. A token with no postings ends the search at once.
 */
export async function searchItemIds(
  db: Db | Tx,
  storeId: number,
  query: SearchQuery,
): Promise<{ ids: number[]; nextCursor: number | null }> {
  // Words typed with spaces between them ("SV1S SAR") may match different fields; each word must
  // appear whole in one field.
  const terms = (query.q ?? '')
    .split(/\s+/)
    .map(normalizeSearchText)
    .filter((w) => w.length > 0);
  if (query.q && terms.every((w) => queryTokens(w).length === 0)) return { ids: [], nextCursor: null };
  // A word that is a whole card number, code, expansion or rarity is looked up by its exact token.
  const tokens: string[] = [];
  for (const w of terms) {
    const exact = await db
      .selectFrom('item_search_token')
      .select('item_id')
      .where('store_id', '=', storeId)
      .where('token', '=', EXACT + w)
      .limit(1)
      .executeTakeFirst();
    tokens.push(...(exact ? [EXACT + w] : queryTokens(w)));
  }
  return searchByTokens(db, storeId, [...new Set(tokens)], terms, query);
}

async function searchByTokens(
  db: Db | Tx,
  storeId: number,
  tokens: string[],
  terms: string[],
  query: SearchQuery,
): Promise<{ ids: number[]; nextCursor: number | null }> {
  let order = tokens;
  if (tokens.length > 1) {
    const counts = await tokenCounts(db, storeId, tokens);
    if ([...counts.values()].some((n) => n === 0)) return { ids: [], nextCursor: null };
    order = [...tokens].sort((a, b) => counts.get(a)! - counts.get(b)!);
  }
  const found: number[] = [];
  let after = query.after ?? 0;
  // Candidates are fetched in batches: most pass the substring test, so one batch is the rule.
  const batch = Math.max(query.limit * 2, 100);
  for (;;) {
    let q = db.selectFrom('item as i').select(['i.id', 'i.search_text']).where('i.store_id', '=', storeId);
    if (order.length > 0) {
      let postings = db
        .selectFrom('item_search_token as t0')
        .select('t0.item_id')
        .where('t0.store_id', '=', storeId)
        .where('t0.token', '=', order[0]!)
        .where('t0.item_id', '>', after);
      for (const [k, token] of order.slice(1).entries()) {
        const alias = `t${k + 1}`;
        postings = postings.where(({ exists, selectFrom }) =>
          exists(
            selectFrom(`item_search_token as ${alias}` as 'item_search_token')
              .select(sql.lit(1).as('one'))
              .where(sql.ref(`${alias}.store_id`), '=', storeId)
              .where(sql.ref(`${alias}.token`), '=', token)
              .where(sql.ref(`${alias}.item_id`), '=', sql.ref('t0.item_id')),
          ),
        );
      }
      const ids = await postings.orderBy('t0.item_id').limit(batch).execute();
      if (ids.length === 0) return { ids: found.slice(0, query.limit), nextCursor: null };
      const last = Number(ids[ids.length - 1]!.item_id);
      q = q.where(
        'i.id',
        'in',
        ids.map((r) => Number(r.item_id)),
      );
      const rows = await filtered(q, query).orderBy('i.id').execute();
      for (const r of rows) {
        if (!terms.every((w) => r.search_text.includes(w))) continue;
        found.push(Number(r.id));
        if (found.length > query.limit) break;
      }
      if (found.length > query.limit) {
        const page = found.slice(0, query.limit);
        return { ids: page, nextCursor: page[page.length - 1]! };
      }
      if (ids.length < batch) return { ids: found, nextCursor: null };
      after = last;
      continue;
    }
    const rows = await filtered(q, query)
      .where('i.id', '>', after)
      .orderBy('i.id')
      .limit(query.limit + 1)
      .execute();
    const ids = rows.map((r) => Number(r.id));
    if (ids.length > query.limit)
      return { ids: ids.slice(0, query.limit), nextCursor: ids[query.limit - 1]! };
    return { ids, nextCursor: null };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function filtered<Q extends { where: (...args: any[]) => Q }>(q: Q, query: SearchQuery): Q {
  if (query.genreId) q = q.where('i.genre_id', '=', query.genreId);
  if (query.categoryId) q = q.where('i.category_id', '=', query.categoryId);
  if (query.status) q = q.where('i.status', '=', query.status);
  return q;
}
