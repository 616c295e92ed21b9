import type { Yen } from '../../kernel/money.ts';
import type { CashMovementKind } from './tables.ts';

/** One line of "sales by kind × payment method" on a check or close. */
export interface MethodTotal {
  kind: 'sale' | 'sale_refund' | 'buy' | 'buy_refund';
  method: string;
  /** Absolute yen. */
  total: Yen;
}

/**
 * What a middle check or close shows for one register session (open → now). Cash totals are
 * absolute values taken from the cash ledger; `expected` is the ledger's last balance.
 */
export interface SettlementFigures {
  /** Drawer cash right after the open (the counted float). */
  openingCash: Yen;
  cashSales: Yen;
  cashSaleRefunds: Yen;
  cashBuys: Yen;
  cashBuyRefunds: Yen;
  deposits: Yen;
  depositRefunds: Yen;
  cashIn: Yen;
  cashOut: Yen;
  expected: Yen;
  movements: number;
  salesByMethod: MethodTotal[];
}

const fieldOf: Partial<Record<CashMovementKind, keyof SettlementFigures>> = {
  sale: 'cashSales',
  sale_refund: 'cashSaleRefunds',
  buy: 'cashBuys',
  buy_refund: 'cashBuyRefunds',
  deposit: 'deposits',
  deposit_refund: 'depositRefunds',
  cash_in: 'cashIn',
  cash_out: 'cashOut',
};

/**
 * Sums the session's ledger rows (those after the open). Pure: `openingCash` + the signed sum of
 * the rows is the expected cash, which must equal the last row's balance-after — the caller checks.
 */
export function summarizeMovements(
  openingCash: Yen,
  rows: readonly { kind: CashMovementKind; amount: Yen }[],
): Omit<SettlementFigures, 'salesByMethod'> {
  const f = {
    openingCash,
    cashSales: 0,
    cashSaleRefunds: 0,
    cashBuys: 0,
    cashBuyRefunds: 0,
    deposits: 0,
    depositRefunds: 0,
    cashIn: 0,
    cashOut: 0,
    expected: openingCash,
    movements: rows.length,
  };
  for (const r of rows) {
    f.expected += r.amount;
    const field = fieldOf[r.kind] as keyof typeof f | undefined;
    if (field) f[field] += Math.abs(r.amount);
  }
  return f;
}

/** Cash-only "sales by method" from the ledger, used until a sales module provides the full one. */
export function cashMethodTotals(f: Omit<SettlementFigures, 'salesByMethod'>): MethodTotal[] {
  const lines: MethodTotal[] = [
    { kind: 'sale', method: 'cash', total: f.cashSales },
    { kind: 'sale_refund', method: 'cash', total: f.cashSaleRefunds },
    { kind: 'buy', method: 'cash', total: f.cashBuys },
    { kind: 'buy_refund', method: 'cash', total: f.cashBuyRefunds },
  ];
  return lines.filter((l) => l.total !== 0);
}
