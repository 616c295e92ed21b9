import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { normalizeSearchText } from './search-text.ts';
import { searchItemIds, type SearchQuery } from './search.ts';
import type { ItemStatus, TaxCategory } from './tables.ts';
import './tables.ts';

type Reader = Db | Tx;

export interface ProductView {
  id: number;
  itemId: number;
  barcode: string | null;
  conditionId: number;
  condition: string;
  specialtyId: number | null;
  specialty: string | null;
  sellPrice: number;
  buyPrice: number;
  ecPrice: number;
  computedSellPrice: number;
  computedBuyPrice: number;
  manualSellPrice: number | null;
  manualBuyPrice: number | null;
  stock: number;
  reserve: number | null;
  ecStock: number;
  lowStockThreshold: number | null;
}

export interface ItemView {
  id: number;
  genreId: number;
  categoryId: number;
  code: string | null;
  name: string;
  reading: string;
  expansion: string;
  cardNumber: string;
  rarity: string;
  jan: string | null;
  imageUrl: string | null;
  baseSellPrice: number;
  baseBuyPrice: number;
  allowRound: boolean;
  taxCategory: TaxCategory;
  status: ItemStatus;
  products: ProductView[];
}

async function productsOf(
  db: Reader,
  storeId: number,
  where: { itemIds?: number[]; productIds?: number[] },
): Promise<ProductView[]> {
  let q = db
    .selectFrom('product as p')
    .innerJoin('category_condition as c', 'c.id', 'p.condition_id')
    .leftJoin('specialty as s', 's.id', 'p.specialty_id')
    .select([
      'p.id',
      'p.item_id',
      'p.barcode',
      'p.condition_id',
      'c.name as condition',
      'p.specialty_id',
      's.name as specialty',
      'p.sell_price',
      'p.buy_price',
      'p.ec_price',
      'p.computed_sell_price',
      'p.computed_buy_price',
      'p.manual_sell_price',
      'p.manual_buy_price',
      'p.stock',
      'p.reserve',
      'p.ec_stock',
      'p.low_stock_threshold',
    ])
    .where('p.store_id', '=', storeId);
  if (where.itemIds) q = q.where('p.item_id', 'in', where.itemIds.length ? where.itemIds : [0]);
  if (where.productIds) q = q.where('p.id', 'in', where.productIds.length ? where.productIds : [0]);
  const rows = await q
    .orderBy('p.item_id')
    .orderBy('c.sort_order')
    .orderBy('p.specialty_id')
    .orderBy('p.id')
    .execute();
  const n = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: Number(r.id),
    itemId: Number(r.item_id),
    barcode: r.barcode,
    conditionId: Number(r.condition_id),
    condition: r.condition,
    specialtyId: Number(r.specialty_id) === 0 ? null : Number(r.specialty_id),
    specialty: r.specialty ?? null,
    sellPrice: Number(r.sell_price),
    buyPrice: Number(r.buy_price),
    ecPrice: Number(r.ec_price),
    computedSellPrice: Number(r.computed_sell_price),
    computedBuyPrice: Number(r.computed_buy_price),
    manualSellPrice: n(r.manual_sell_price),
    manualBuyPrice: n(r.manual_buy_price),
    stock: Number(r.stock),
    reserve: n(r.reserve),
    ecStock: Number(r.ec_stock),
    lowStockThreshold: n(r.low_stock_threshold),
  }));
}

export async function readItems(db: Reader, storeId: number, itemIds: number[]): Promise<ItemView[]> {
  if (itemIds.length === 0) return [];
  const rows = await db
    .selectFrom('item')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('id', 'in', itemIds)
    .execute();
  const products = await productsOf(db, storeId, { itemIds });
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return itemIds
    .filter((id) => byId.has(id))
    .map((id) => {
      const r = byId.get(id)!;
      return {
        id,
        genreId: Number(r.genre_id),
        categoryId: Number(r.category_id),
        code: r.code,
        name: r.name,
        reading: r.reading,
        expansion: r.expansion,
        cardNumber: r.card_number,
        rarity: r.rarity,
        jan: r.jan,
        imageUrl: r.image_url,
        baseSellPrice: Number(r.base_sell_price),
        baseBuyPrice: Number(r.base_buy_price),
        allowRound: Number(r.allow_round) === 1,
        taxCategory: r.tax_category,
        status: r.status,
        products: products.filter((p) => p.itemId === id),
      };
    });
}

export async function readItem(db: Reader, storeId: number, itemId: number): Promise<ItemView | undefined> {
  return (await readItems(db, storeId, [itemId]))[0];
}

export async function readProduct(
  db: Reader,
  storeId: number,
  productId: number,
): Promise<ProductView | undefined> {
  return (await productsOf(db, storeId, { productIds: [productId] }))[0];
}

export async function searchItems(db: Reader, storeId: number, query: SearchQuery) {
  const { ids, nextCursor } = await searchItemIds(db, storeId, query);
  return { items: await readItems(db, storeId, ids), nextCursor };
}

/**
 * A scan at the register: the product's own label barcode (exactly one product), else a JAN code
 * (every product of every item with that JAN — several conditions, maybe several items).
 */
export async function lookupCode(
  db: Reader,
  storeId: number,
  code: string,
): Promise<{ match: 'barcode' | 'jan' | 'none'; products: ProductView[] }> {
  const c = normalizeSearchText(code);
  const own = await db
    .selectFrom('product')
    .select('id')
    .where('store_id', '=', storeId)
    .where('barcode', '=', c)
    .executeTakeFirst();
  if (own)
    return { match: 'barcode', products: await productsOf(db, storeId, { productIds: [Number(own.id)] }) };
  const items = await db
    .selectFrom('item')
    .select('id')
    .where('store_id', '=', storeId)
    .where('jan', '=', c)
    .orderBy('id')
    .execute();
  if (items.length === 0) return { match: 'none', products: [] };
  return {
    match: 'jan',
    products: await productsOf(db, storeId, { itemIds: items.map((i) => Number(i.id)) }),
  };
}

export async function listCatalogSetup(db: Reader, storeId: number) {
  const [genres, categories, conditions, overrides, specialties] = await Promise.all([
    db
      .selectFrom('genre')
      .select(['id', 'name', 'sort_order'])
      .where('store_id', '=', storeId)
      .orderBy('sort_order')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('category')
      .select(['id', 'name', 'kind'])
      .where('store_id', '=', storeId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('category_condition')
      .selectAll()
      .where('store_id', '=', storeId)
      .orderBy('sort_order')
      .orderBy('id')
      .execute(),
    db.selectFrom('genre_condition_rate').selectAll().where('store_id', '=', storeId).execute(),
    db.selectFrom('specialty').selectAll().where('store_id', '=', storeId).orderBy('id').execute(),
  ]);
  const rate = (kind: string, value: number) => ({ kind, value: Number(value) });
  return {
    genres: genres.map((g) => ({
      id: Number(g.id),
      name: g.name,
      sortOrder: Number(g.sort_order),
      rates: overrides
        .filter((o) => Number(o.genre_id) === Number(g.id))
        .map((o) => ({
          conditionId: Number(o.condition_id),
          sell: rate(o.sell_kind, o.sell_value),
          buy: rate(o.buy_kind, o.buy_value),
        })),
    })),
    categories: categories.map((c) => ({
      id: Number(c.id),
      name: c.name,
      kind: c.kind,
      conditions: conditions
        .filter((x) => Number(x.category_id) === Number(c.id))
        .map((x) => ({
          id: Number(x.id),
          name: x.name,
          sell: rate(x.sell_kind, x.sell_value),
          buy: rate(x.buy_kind, x.buy_value),
        })),
    })),
    specialties: specialties.map((s) => ({
      id: Number(s.id),
      name: s.name,
      sell: rate(s.sell_kind, s.sell_value),
      buy: rate(s.buy_kind, s.buy_value),
    })),
  };
}
