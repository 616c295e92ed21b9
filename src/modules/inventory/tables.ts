import type { Id } from '../../platform/db/database.ts';
import '../catalog/tables.ts';

export interface StockLedgerTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  product_id: number;
  /** Signed: + in, − out. Σ quantity per product = product.stock. */
  quantity: number;
  balance_after: number;
  source_kind: string;
  source_id: string;
  staff_id: number | null;
  unit_price: number | null;
  /** Cost of the units moved (in: what the layer was given; out: what the layers gave up). */
  cost: number;
  occurred_at: string;
}

export interface CostLayerTable {
  id: Id;
  store_id: number;
  product_id: number;
  quantity: number;
  total_cost: number;
  arrived_at: string;
  ledger_id: number | null;
}

export type StockDocumentKind = 'stocking' | 'loss' | 'adjustment' | 'count';
export type StockDocumentStatus = 'planned' | 'open' | 'review' | 'final' | 'reversed' | 'cancelled';

export interface StockDocumentTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  kind: StockDocumentKind;
  status: StockDocumentStatus;
  reason: string;
  supplier: string;
  cost_tax: 'include' | 'exclude';
  count_mode: 'counted' | 'full' | null;
  /** Count: the last ledger id when the count started (movements after it are "since the count"). */
  start_ledger_id: number | null;
  reverses_id: number | null;
  reversed_by_id: number | null;
  created_by: number | null;
  created_at: string;
  finalized_at: string | null;
}

export interface StockDocumentLineTable {
  id: Id;
  document_id: number;
  product_id: number;
  quantity: number;
  unit_cost: number | null;
  expected: number | null;
  counted: number | null;
  ledger_id: number | null;
  cost_layer_id: number | null;
}

export interface CountSheetLineTable {
  id: Id;
  document_id: number;
  shelf: string;
  product_id: number;
  quantity: number;
  staff_id: number | null;
  counted_at: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    stock_ledger: StockLedgerTable;
    cost_layer: CostLayerTable;
    stock_document: StockDocumentTable;
    stock_document_line: StockDocumentLineTable;
    count_sheet_line: CountSheetLineTable;
  }
}
