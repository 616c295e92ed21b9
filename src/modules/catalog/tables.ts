import type { Id } from '../../platform/db/database.ts';

/** Booleans are 0/1 integers on both dialects. Money is integer yen. */
type Flag = number;
export type RateKind = 'percent' | 'yen';
/** Consumption-tax category: standard 10%, reduced 8% (food, drinks), exempt. */
export type TaxCategory = 'standard' | 'reduced' | 'exempt';
export type ItemStatus = 'draft' | 'published' | 'hidden';
export type CategoryKind = 'single' | 'box' | 'pack' | 'supply' | 'lucky_bag' | 'other' | 'custom';

export interface CatalogSettingsTable {
  store_id: number;
  corporation_id: number;
  rounding_rule: 'up' | 'down' | 'nearest';
  rounding_unit: number;
  ec_rate_bp: number;
  ec_rounding_rule: 'up' | 'down' | 'nearest';
  ec_rounding_unit: number;
  cost_method: 'fifo' | 'average';
  default_reserve: number;
  updated_at: string;
}

export interface GenreTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  name: string;
  sort_order: number;
  created_at: string;
  updated_at: string;
}

export interface CategoryTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  name: string;
  kind: CategoryKind;
  created_at: string;
  updated_at: string;
}

/** A condition option of a category (S/A/B/C, "for play"...) with its sell/buy adjustment. */
export interface CategoryConditionTable {
  id: Id;
  store_id: number;
  category_id: number;
  name: string;
  sort_order: number;
  sell_kind: RateKind;
  sell_value: number;
  buy_kind: RateKind;
  buy_value: number;
}

export interface GenreConditionRateTable {
  store_id: number;
  genre_id: number;
  condition_id: number;
  sell_kind: RateKind;
  sell_value: number;
  buy_kind: RateKind;
  buy_value: number;
}

export interface SpecialtyTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  name: string;
  sell_kind: RateKind;
  sell_value: number;
  buy_kind: RateKind;
  buy_value: number;
}

export interface ItemTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  genre_id: number;
  category_id: number;
  code: string | null;
  name: string;
  reading: string;
  expansion: string;
  card_number: string;
  rarity: string;
  jan: string | null;
  image_url: string | null;
  base_sell_price: number;
  base_buy_price: number;
  allow_round: Flag;
  tax_category: TaxCategory;
  status: ItemStatus;
  /** Normalised searchable fields joined by "\n" (normalisation removes whitespace, so a match stays in one field). */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface ProductTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  item_id: number;
  condition_id: number;
  /** 0 = no specialty. */
  specialty_id: number;
  barcode: string | null;
  sell_price: number;
  buy_price: number;
  ec_price: number;
  computed_sell_price: number;
  computed_buy_price: number;
  manual_sell_price: number | null;
  manual_buy_price: number | null;
  /** Changed only by inventory's moveStock. */
  stock: number;
  allow_negative: Flag;
  /** Units kept back from the online shop; null = the store default. */
  reserve: number | null;
  ec_stock: number;
  low_stock_threshold: number | null;
  created_at: string;
  updated_at: string;
}

export interface ItemSearchTokenTable {
  store_id: number;
  token: string;
  item_id: number;
}

export interface PriceHistoryTable {
  product_id: number;
  /** Business day in the store's time zone, YYYY-MM-DD. */
  day: string;
  store_id: number;
  sell_price: number;
  buy_price: number;
  ec_price: number;
  updated_at: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    catalog_settings: CatalogSettingsTable;
    genre: GenreTable;
    category: CategoryTable;
    category_condition: CategoryConditionTable;
    genre_condition_rate: GenreConditionRateTable;
    specialty: SpecialtyTable;
    item: ItemTable;
    product: ProductTable;
    item_search_token: ItemSearchTokenTable;
    price_history: PriceHistoryTable;
  }
}
