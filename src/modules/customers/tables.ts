import type { Id } from '../../platform/db/database.ts';

/** A customer of one store. Money is integer yen; times are UTC (`toDbTime`). */
export interface CustomerTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  /** Member number (会員番号, what the member card's barcode holds); null without a card. */
  code: string | null;
  name: string;
  /** Reading in full-width katakana (フリガナ); '' when not given. */
  name_kana: string;
  phone: string;
  email: string;
  note: string;
  /** Normalised name, kana, phone digits, code and e-mail, one per line (see search.ts). */
  search_text: string;
  /** The Idempotency-Key of the request that registered the customer, if it sent one. */
  idempotency_key: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Figures per customer, kept by worker-transaction from sales events (eventually consistent). */
export interface CustomerStatsTable {
  customer_id: number;
  store_id: number;
  sales_count: number;
  sales_total: number;
  returns_count: number;
  returns_total: number;
  /** Units bought, less units returned. */
  items: number;
  /** Business dates (YYYY-MM-DD, the store's day) of the first and the last sale or return. */
  first_visit_date: string | null;
  last_visit_date: string | null;
  updated_at: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    customer: CustomerTable;
    customer_stats: CustomerStatsTable;
  }
}
