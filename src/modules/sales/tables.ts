import type { Id } from '../../platform/db/database.ts';
import type { TaxCategory } from './tax.ts';

export type SaleKind = 'sale' | 'return';
/** draft → held ⇄ draft → completed, or → cancelled. A return is created completed. */
export type SaleStatus = 'draft' | 'held' | 'completed' | 'cancelled';

export interface SaleTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  register_id: number;
  kind: SaleKind;
  status: SaleStatus;
  /** Receipt number, "<register>-<seq>", assigned at completion. */
  number: string | null;
  /** The register's business day at completion (store time zone). */
  business_date: string | null;
  /** Who started the cart. */
  staff_id: number;
  /** The customer the sale is made to (customers module), when one was attached. */
  customer_id: number | null;
  /** Who took the money (the acting clerk at completion). */
  completed_by: number | null;
  return_of_sale_id: number | null;
  returned_by_sale_id: number | null;
  return_reason: string | null;
  tax_mode: 'inclusive' | 'exclusive';
  tax_rounding: 'up' | 'down' | 'nearest';
  /** Figures of computeReceipt(), stored positive for both kinds; a return's kind gives the sign. */
  subtotal: number;
  line_discounts: number;
  cart_discount: number;
  cart_discount_kind: 'yen' | 'percent' | null;
  /** Yen, or basis points for a percentage. */
  cart_discount_value: number | null;
  tax: number;
  total: number;
  items: number;
  tendered: number | null;
  change_given: number | null;
  receipt_email: string | null;
  printed_count: number;
  idempotency_key: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface SaleLineTable {
  id: Id;
  sale_id: number;
  store_id: number;
  line_no: number;
  product_id: number;
  item_id: number;
  /** Name and condition as sold: a receipt reprinted later shows what was sold, not today's names. */
  name: string;
  detail: string;
  quantity: number;
  unit_price: number;
  /** The price engine's price when the line was added (a manual price differs from it). */
  list_price: number;
  tax_category: TaxCategory;
  discount_kind: 'yen' | 'percent' | null;
  discount_value: number | null;
  line_discount: number;
  cart_discount_share: number;
  amount: number;
  /** Cost of the units at completion (from inventory's cost layers). */
  cost: number | null;
}

export interface SalePaymentTable {
  id: Id;
  sale_id: number;
  store_id: number;
  register_id: number;
  method: string;
  /** Signed: refunds of a return are negative. */
  amount: number;
  reference: string | null;
  business_date: string;
  occurred_at: string;
}

export interface SaleTaxTable {
  sale_id: number;
  category: TaxCategory;
  store_id: number;
  rate_bp: number;
  tax_included: number;
  tax_excluded: number;
  tax: number;
}

/** Running figures of the day for the dashboard; the nightly job computes the exact ones. */
export interface SalesRunningTotalTable {
  store_id: number;
  business_date: string;
  corporation_id: number;
  sales_count: number;
  sales_total: number;
  returns_count: number;
  returns_total: number;
  updated_at: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    sale: SaleTable;
    sale_line: SaleLineTable;
    sale_payment: SalePaymentTable;
    sale_tax: SaleTaxTable;
    sales_running_total: SalesRunningTotalTable;
  }
}
