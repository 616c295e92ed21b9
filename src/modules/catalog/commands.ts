import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { itemChanged } from './events.ts';
import { ensureProducts, priceItems, type CatalogScope } from './products.ts';
import type { ItemInput, ItemPatch, ProductPatch, RateInput } from './schemas.ts';
import { indexItem, searchTextOf } from './search.ts';
import { refreshEcStock } from '../inventory/ec-stock.ts';
import type { CategoryKind, ItemTable } from './tables.ts';
import './tables.ts';

/** Catalogue commands: each runs in the caller's transaction (one unit of work per request). */
async function unique<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('duplicate', `${what} already exists in this store.`);
    throw err;
  }
}

const rateCols = (prefix: 'sell' | 'buy', r: RateInput) =>
  prefix === 'sell' ? { sell_kind: r.kind, sell_value: r.value } : { buy_kind: r.kind, buy_value: r.value };

export async function createGenre(
  tx: Tx,
  scope: CatalogScope,
  input: { name: string; sortOrder: number },
): Promise<number> {
  const now = toDbTime(new Date());
  const res = await unique(`Genre "${input.name}"`, () =>
    tx
      .insertInto('genre')
      .values({
        corporation_id: scope.corporationId,
        store_id: scope.storeId,
        name: input.name,
        sort_order: input.sortOrder,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow(),
  );
  return Number(res.insertId);
}

export async function createCategory(
  tx: Tx,
  scope: CatalogScope,
  input: {
    name: string;
    kind: CategoryKind;
    conditions: { name: string; sell: RateInput; buy: RateInput }[];
  },
): Promise<number> {
  const now = toDbTime(new Date());
  const res = await unique(`Category "${input.name}"`, () =>
    tx
      .insertInto('category')
      .values({
        corporation_id: scope.corporationId,
        store_id: scope.storeId,
        name: input.name,
        kind: input.kind,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow(),
  );
  const categoryId = Number(res.insertId);
  for (const [i, c] of input.conditions.entries()) await insertCondition(tx, scope, categoryId, c, i);
  return categoryId;
}

async function insertCondition(
  tx: Tx,
  scope: CatalogScope,
  categoryId: number,
  c: { name: string; sell: RateInput; buy: RateInput },
  order: number,
) {
  const res = await unique(`Condition "${c.name}"`, () =>
    tx
      .insertInto('category_condition')
      .values({
        store_id: scope.storeId,
        category_id: categoryId,
        name: c.name,
        sort_order: order,
        ...rateCols('sell', c.sell),
        ...rateCols('buy', c.buy),
      } as never)
      .executeTakeFirstOrThrow(),
  );
  return Number(res.insertId);
}

async function ownCategory(tx: Tx, scope: CatalogScope, categoryId: number) {
  const c = await tx
    .selectFrom('category')
    .selectAll()
    .where('id', '=', categoryId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (!c) throw new NotFoundError(`Category ${categoryId}`);
  return c;
}

/** Adds a condition option; the items of the category get their new products through a re-pricing task. */
export async function addCondition(
  tx: Tx,
  scope: CatalogScope,
  categoryId: number,
  c: { name: string; sell: RateInput; buy: RateInput },
): Promise<number> {
  await ownCategory(tx, scope, categoryId);
  const max = await tx
    .selectFrom('category_condition')
    .select((e) => e.fn.max('sort_order').as('m'))
    .where('category_id', '=', categoryId)
    .executeTakeFirst();
  return insertCondition(tx, scope, categoryId, c, Number(max?.m ?? -1) + 1);
}

export async function updateCondition(
  tx: Tx,
  scope: CatalogScope,
  conditionId: number,
  patch: { sell?: RateInput; buy?: RateInput },
): Promise<{ categoryId: number }> {
  const c = await tx
    .selectFrom('category_condition')
    .select(['id', 'category_id'])
    .where('id', '=', conditionId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (!c) throw new NotFoundError(`Condition ${conditionId}`);
  const set = {
    ...(patch.sell ? rateCols('sell', patch.sell) : {}),
    ...(patch.buy ? rateCols('buy', patch.buy) : {}),
  };
  if (Object.keys(set).length > 0)
    await tx
      .updateTable('category_condition')
      .set(set as never)
      .where('id', '=', conditionId)
      .execute();
  return { categoryId: Number(c.category_id) };
}

/** A genre's own rate for one condition (overrides the category's); null removes the override. */
export async function setGenreRate(
  tx: Tx,
  scope: CatalogScope,
  genreId: number,
  conditionId: number,
  rates: { sell: RateInput; buy: RateInput } | null,
): Promise<void> {
  const genre = await tx
    .selectFrom('genre')
    .select('id')
    .where('id', '=', genreId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (!genre) throw new NotFoundError(`Genre ${genreId}`);
  const cond = await tx
    .selectFrom('category_condition')
    .select('id')
    .where('id', '=', conditionId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (!cond) throw new NotFoundError(`Condition ${conditionId}`);
  await tx
    .deleteFrom('genre_condition_rate')
    .where('genre_id', '=', genreId)
    .where('condition_id', '=', conditionId)
    .execute();
  if (rates)
    await tx
      .insertInto('genre_condition_rate')
      .values({
        store_id: scope.storeId,
        genre_id: genreId,
        condition_id: conditionId,
        ...rateCols('sell', rates.sell),
        ...rateCols('buy', rates.buy),
      } as never)
      .execute();
}

export async function createSpecialty(
  tx: Tx,
  scope: CatalogScope,
  input: { name: string; sell: RateInput; buy: RateInput },
): Promise<number> {
  const res = await unique(`Specialty "${input.name}"`, () =>
    tx
      .insertInto('specialty')
      .values({
        corporation_id: scope.corporationId,
        store_id: scope.storeId,
        name: input.name,
        ...rateCols('sell', input.sell),
        ...rateCols('buy', input.buy),
      } as never)
      .executeTakeFirstOrThrow(),
  );
  return Number(res.insertId);
}

async function checkRefs(
  tx: Tx,
  scope: CatalogScope,
  refs: { genreId?: number; categoryId?: number; specialtyIds?: number[] },
) {
  const errors: { field: string; message: string; code: string }[] = [];
  if (refs.genreId !== undefined) {
    const g = await tx
      .selectFrom('genre')
      .select('id')
      .where('id', '=', refs.genreId)
      .where('store_id', '=', scope.storeId)
      .executeTakeFirst();
    if (!g) errors.push({ field: 'genreId', message: 'no such genre in this store', code: 'unknown' });
  }
  if (refs.categoryId !== undefined) {
    const c = await tx
      .selectFrom('category')
      .select('id')
      .where('id', '=', refs.categoryId)
      .where('store_id', '=', scope.storeId)
      .executeTakeFirst();
    if (!c) errors.push({ field: 'categoryId', message: 'no such category in this store', code: 'unknown' });
  }
  if (refs.specialtyIds && refs.specialtyIds.length > 0) {
    const found = await tx
      .selectFrom('specialty')
      .select('id')
      .where('id', 'in', refs.specialtyIds)
      .where('store_id', '=', scope.storeId)
      .execute();
    if (found.length !== new Set(refs.specialtyIds).size)
      errors.push({ field: 'specialtyIds', message: 'no such specialty in this store', code: 'unknown' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

function itemRow(input: Omit<ItemInput, 'genreId' | 'categoryId' | 'specialtyIds'>) {
  return {
    code: input.code,
    name: input.name,
    reading: input.reading,
    expansion: input.expansion,
    card_number: input.cardNumber,
    rarity: input.rarity,
    jan: input.jan,
    image_url: input.imageUrl,
    base_sell_price: input.baseSellPrice,
    base_buy_price: input.baseBuyPrice,
    allow_round: input.allowRound ? 1 : 0,
    tax_category: input.taxCategory,
    status: input.status,
  } satisfies Partial<ItemTable>;
}

async function announce(tx: Tx, scope: CatalogScope, itemId: number, change: 'created' | 'updated') {
  const item = await tx
    .selectFrom('item')
    .select(['status', 'name', 'jan'])
    .where('id', '=', itemId)
    .executeTakeFirstOrThrow();
  const products = await tx
    .selectFrom('product')
    .select('id')
    .where('item_id', '=', itemId)
    .orderBy('id')
    .execute();
  await publish(
    tx,
    itemChanged.build({
      corporationId: scope.corporationId,
      storeId: scope.storeId,
      key: `item:${itemId}`,
      data: {
        itemId,
        change,
        status: item.status,
        name: item.name,
        jan: item.jan,
        productIds: products.map((p) => Number(p.id)),
      },
    }),
  );
}

/** Creates an item with its products (one per condition [× specialty]), priced by the engine. */
export async function createItem(tx: Tx, scope: CatalogScope, input: ItemInput): Promise<number> {
  await checkRefs(tx, scope, input);
  const row = itemRow(input);
  const now = toDbTime(new Date());
  const res = await unique(`Item code "${input.code}"`, () =>
    tx
      .insertInto('item')
      .values({
        ...row,
        corporation_id: scope.corporationId,
        store_id: scope.storeId,
        genre_id: input.genreId,
        category_id: input.categoryId,
        search_text: searchTextOf(row),
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow(),
  );
  const itemId = Number(res.insertId);
  await indexItem(tx, scope.storeId, itemId, row);
  const created = await ensureProducts(tx, scope, itemId, input.specialtyIds);
  await priceItems(tx, scope, [itemId], new Set(created));
  await announce(tx, scope, itemId, 'created');
  return itemId;
}

export async function updateItem(
  tx: Tx,
  scope: CatalogScope,
  itemId: number,
  patch: ItemPatch,
): Promise<void> {
  const current = await tx
    .selectFrom('item')
    .selectAll()
    .where('id', '=', itemId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (!current) throw new NotFoundError(`Item ${itemId}`);
  await checkRefs(tx, scope, { specialtyIds: patch.specialtyIds });
  const merged = {
    code: current.code,
    name: current.name,
    reading: current.reading,
    expansion: current.expansion,
    cardNumber: current.card_number,
    rarity: current.rarity,
    jan: current.jan,
    imageUrl: current.image_url,
    baseSellPrice: Number(current.base_sell_price),
    baseBuyPrice: Number(current.base_buy_price),
    allowRound: Number(current.allow_round) === 1,
    taxCategory: current.tax_category,
    status: current.status,
    ...patch,
  };
  const row = itemRow(merged);
  await unique(`Item code "${merged.code}"`, () =>
    tx
      .updateTable('item')
      .set({ ...row, search_text: searchTextOf(row), updated_at: toDbTime(new Date()) })
      .where('id', '=', itemId)
      .execute(),
  );
  await indexItem(tx, scope.storeId, itemId, row);
  const created = await ensureProducts(tx, scope, itemId, patch.specialtyIds ?? []);
  await priceItems(tx, scope, [itemId], new Set(created));
  await announce(tx, scope, itemId, 'updated');
}

/** Manual prices, reserve, low-stock threshold of one product; stock itself moves only through inventory. */
export async function updateProduct(
  tx: Tx,
  scope: CatalogScope,
  productId: number,
  patch: ProductPatch,
): Promise<void> {
  const p = await tx
    .selectFrom('product')
    .select(['id', 'item_id'])
    .where('id', '=', productId)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (!p) throw new NotFoundError(`Product ${productId}`);
  const set: Record<string, unknown> = {};
  if (patch.manualSellPrice !== undefined) set.manual_sell_price = patch.manualSellPrice;
  if (patch.manualBuyPrice !== undefined) set.manual_buy_price = patch.manualBuyPrice;
  if (patch.reserve !== undefined) set.reserve = patch.reserve;
  if (patch.lowStockThreshold !== undefined) set.low_stock_threshold = patch.lowStockThreshold;
  if (patch.allowNegative !== undefined) set.allow_negative = patch.allowNegative ? 1 : 0;
  if (Object.keys(set).length === 0) return;
  await tx.updateTable('product').set(set).where('id', '=', productId).execute();
  // EC stock follows the reserve at once (worker-product keeps it in step with stock movements).
  if (patch.reserve !== undefined) await refreshEcStock(tx, productId);
  await priceItems(tx, scope, [Number(p.item_id)]);
}
