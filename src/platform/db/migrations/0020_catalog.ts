import { sql, type Kysely } from 'kysely';
import { createTable, dialectOf, timestampType, withId } from '../ddl.ts';

// Catalogue per store: genres, categories with their condition options, per-genre rate overrides,
// specialties, items, products (item × condition [× specialty]) with stored prices and stock, the
// bigram search-token table, pricing settings and daily price history.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  // Search tokens and codes compare byte for byte: utf8mb4_unicode_ci would equate ハ and パ.
  const bin = (n: number) =>
    dialectOf(db) === 'mysql'
      ? sql`varchar(${sql.raw(String(n))}) character set utf8mb4 collate utf8mb4_bin`
      : sql`text`;

  await createTable(db, 'catalog_settings')
    .addColumn('store_id', 'bigint', (c) => c.primaryKey().references('store.id'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('rounding_rule', 'varchar(10)', (c) => c.notNull())
    .addColumn('rounding_unit', 'integer', (c) => c.notNull())
    .addColumn('ec_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('ec_rounding_rule', 'varchar(10)', (c) => c.notNull())
    .addColumn('ec_rounding_unit', 'integer', (c) => c.notNull())
    .addColumn('cost_method', 'varchar(10)', (c) => c.notNull())
    .addColumn('default_reserve', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await withId(db, createTable(db, 'genre'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull().references('store.id'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('genre_store_name_uq', ['store_id', 'name'])
    .execute();

  await withId(db, createTable(db, 'category'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull().references('store.id'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('category_store_name_uq', ['store_id', 'name'])
    .execute();

  // Rates: kind 'percent' (value in basis points) or 'yen' (value added).
  await withId(db, createTable(db, 'category_condition'))
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('category_id', 'bigint', (c) => c.notNull().references('category.id'))
    .addColumn('name', 'varchar(40)', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('sell_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('sell_value', 'integer', (c) => c.notNull())
    .addColumn('buy_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('buy_value', 'integer', (c) => c.notNull())
    .addUniqueConstraint('category_condition_name_uq', ['category_id', 'name'])
    .execute();

  await createTable(db, 'genre_condition_rate')
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('genre_id', 'bigint', (c) => c.notNull().references('genre.id'))
    .addColumn('condition_id', 'bigint', (c) => c.notNull().references('category_condition.id'))
    .addColumn('sell_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('sell_value', 'integer', (c) => c.notNull())
    .addColumn('buy_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('buy_value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('genre_condition_rate_pk', ['genre_id', 'condition_id'])
    .execute();

  await withId(db, createTable(db, 'specialty'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull().references('store.id'))
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('sell_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('sell_value', 'integer', (c) => c.notNull())
    .addColumn('buy_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('buy_value', 'integer', (c) => c.notNull())
    .addUniqueConstraint('specialty_store_name_uq', ['store_id', 'name'])
    .execute();

  await withId(db, createTable(db, 'item'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull().references('store.id'))
    .addColumn('genre_id', 'bigint', (c) => c.notNull().references('genre.id'))
    .addColumn('category_id', 'bigint', (c) => c.notNull().references('category.id'))
    .addColumn('code', bin(64))
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('reading', 'varchar(300)', (c) => c.notNull())
    .addColumn('expansion', 'varchar(100)', (c) => c.notNull())
    .addColumn('card_number', 'varchar(40)', (c) => c.notNull())
    .addColumn('rarity', 'varchar(40)', (c) => c.notNull())
    .addColumn('jan', bin(20))
    .addColumn('image_url', 'varchar(500)')
    .addColumn('base_sell_price', 'bigint', (c) => c.notNull())
    .addColumn('base_buy_price', 'bigint', (c) => c.notNull())
    .addColumn('allow_round', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('item_store_code_uq', ['store_id', 'code'])
    .execute();
  await db.schema.createIndex('item_store_jan_idx').on('item').columns(['store_id', 'jan']).execute();
  await db.schema.createIndex('item_category_idx').on('item').columns(['category_id']).execute();
  await db.schema.createIndex('item_genre_idx').on('item').columns(['genre_id']).execute();

  // specialty_id 0 = none, so "one product per item × condition × specialty" is a plain UNIQUE.
  await withId(db, createTable(db, 'product'))
    .addColumn('corporation_id', 'bigint', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull().references('store.id'))
    .addColumn('item_id', 'bigint', (c) => c.notNull().references('item.id'))
    .addColumn('condition_id', 'bigint', (c) => c.notNull().references('category_condition.id'))
    .addColumn('specialty_id', 'bigint', (c) => c.notNull())
    .addColumn('barcode', bin(20))
    .addColumn('sell_price', 'bigint', (c) => c.notNull())
    .addColumn('buy_price', 'bigint', (c) => c.notNull())
    .addColumn('ec_price', 'bigint', (c) => c.notNull())
    .addColumn('computed_sell_price', 'bigint', (c) => c.notNull())
    .addColumn('computed_buy_price', 'bigint', (c) => c.notNull())
    .addColumn('manual_sell_price', 'bigint')
    .addColumn('manual_buy_price', 'bigint')
    .addColumn('stock', 'bigint', (c) => c.notNull())
    .addColumn('allow_negative', 'integer', (c) => c.notNull())
    .addColumn('reserve', 'integer')
    .addColumn('ec_stock', 'bigint', (c) => c.notNull())
    .addColumn('low_stock_threshold', 'integer')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('product_variant_uq', ['item_id', 'condition_id', 'specialty_id'])
    .addUniqueConstraint('product_store_barcode_uq', ['store_id', 'barcode'])
    .execute();
  await db.schema.createIndex('product_store_idx').on('product').columns(['store_id', 'id']).execute();

  await createTable(db, 'item_search_token')
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('token', bin(48), (c) => c.notNull())
    .addColumn('item_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_search_token_pk', ['store_id', 'token', 'item_id'])
    .execute();
  await db.schema
    .createIndex('item_search_token_item_idx')
    .on('item_search_token')
    .columns(['item_id'])
    .execute();

  await createTable(db, 'price_history')
    .addColumn('product_id', 'bigint', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('store_id', 'bigint', (c) => c.notNull())
    .addColumn('sell_price', 'bigint', (c) => c.notNull())
    .addColumn('buy_price', 'bigint', (c) => c.notNull())
    .addColumn('ec_price', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('price_history_pk', ['product_id', 'day'])
    .execute();
}
