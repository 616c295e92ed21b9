/** Figures of one store and business day, written by job-daily-calculate. Money is integer yen. */
export interface DailySummaryTable {
  store_id: number;
  business_date: string;
  corporation_id: number;
  sales_count: number;
  sales_items: number;
  /** Σ unit price × quantity, before any discount. */
  sales_gross: number;
  /** Line and cart discounts. */
  sales_discounts: number;
  /** What customers paid (tax included). */
  sales_net: number;
  sales_tax: number;
  /** Cost of the units sold (inventory cost layers). */
  sales_cost: number;
  returns_count: number;
  returns_net: number;
  returns_tax: number;
  returns_cost: number;
  /** Stock at the end of the business day (ledger), valued at today's unit cost and sell price. */
  stock_units: number;
  stock_at_cost: number;
  stock_at_price: number;
  /** Register closes of the day and the sum of their counted − expected. */
  settlements: number;
  cash_over_short: number;
  computed_at: string;
}

export interface DailyByRateTable {
  store_id: number;
  business_date: string;
  kind: 'sale' | 'return';
  category: 'standard' | 'reduced' | 'exempt';
  tax_included: number;
  tax_excluded: number;
  tax: number;
}

export interface DailyByMethodTable {
  store_id: number;
  business_date: string;
  kind: 'sale' | 'sale_refund';
  method: string;
  count: number;
  amount: number;
}

export interface DailyByGroupTable {
  store_id: number;
  business_date: string;
  kind: 'sale' | 'return';
  genre_id: number;
  category_id: number;
  condition_id: number;
  quantity: number;
  amount: number;
  cost: number;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    daily_summary: DailySummaryTable;
    daily_by_rate: DailyByRateTable;
    daily_by_method: DailyByMethodTable;
    daily_by_group: DailyByGroupTable;
  }
}
