import type { Id } from '../../platform/db/database.ts';

/** The store's business day (営業日): opened by the primary register, closed when it closes. */
export interface StoreBusinessDayTable {
  store_id: number;
  corporation_id: number;
  status: 'open' | 'closed';
  /** `YYYY-MM-DD` in the store's time zone at the moment the primary register opened. */
  business_date: string;
  opened_at: string;
  closed_at: string | null;
  /** Bumped by every open/close: the portable way to take the store's row lock on both dialects. */
  lock_version: number;
}

/** One row per register that has ever opened: its state and its drawer's expected cash. */
export interface RegisterCashTable {
  register_id: number;
  corporation_id: number;
  store_id: number;
  status: 'open' | 'closed';
  business_date: string | null;
  /** The OPEN settlement of the current (or last) session. */
  open_settlement_id: number | null;
  opened_at: string | null;
  /** = balance_after of the register's last cash_movement (0 before the first). */
  balance: number;
  /** = seq of the register's last cash_movement. */
  seq: number;
  /** The last receipt number issued on this register (sales and returns), taken under its lock. */
  receipt_no: number;
  lock_version: number;
}

export type CashMovementKind =
  | 'sale'
  | 'sale_refund'
  | 'buy'
  | 'buy_refund'
  | 'deposit'
  | 'deposit_refund'
  | 'cash_in'
  | 'cash_out'
  | 'open_adjust'
  | 'close_reset';

export interface CashMovementTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  register_id: number;
  /** 1, 2, 3... per register; UNIQUE with register_id, so the balance chain has no forks. */
  seq: number;
  business_date: string;
  kind: CashMovementKind;
  /** Signed yen: into the drawer > 0, out of it < 0. */
  amount: number;
  balance_after: number;
  /** What caused it: `sale`, `return`, `cash_move`, `settlement`... and that document's id. */
  source_kind: string;
  source_id: string | null;
  reason: string | null;
  staff_id: number | null;
  idempotency_key: string | null;
  occurred_at: string;
}

export type SettlementKind = 'open' | 'middle' | 'close';

export interface RegisterSettlementTable {
  id: Id;
  corporation_id: number;
  store_id: number;
  register_id: number;
  kind: SettlementKind;
  business_date: string;
  staff_id: number;
  expected: number;
  counted: number;
  difference: number;
  next_float: number | null;
  period_start: string;
  period_end: string;
  /** JSON of `SettlementFigures`. */
  figures: string;
  idempotency_key: string | null;
  created_at: string;
}

export interface RegisterSettlementCountTable {
  settlement_id: number;
  denomination: number;
  pieces: number;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    store_business_day: StoreBusinessDayTable;
    register_cash: RegisterCashTable;
    cash_movement: CashMovementTable;
    register_settlement: RegisterSettlementTable;
    register_settlement_count: RegisterSettlementCountTable;
  }
}
