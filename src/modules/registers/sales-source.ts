import type { Tx } from '../../platform/db/transaction.ts';
import type { MethodTotal } from './figures.ts';

/**
 * Where a close finds "sales by kind × payment method". Registers do not own sales: the sales
 * module, which writes the payments, plugs its query in here (`useSalesByMethod`) when it loads.
 * Until then the totals come from the cash ledger's kinds (cash only), so a close is complete for
 * a shop that only moves cash through the drawer and never invents card figures.
 */
export type SalesByMethodSource = (
  tx: Tx,
  scope: { corporationId: number; storeId: number; registerId: number; from: string; to: string },
) => Promise<MethodTotal[]>;

let source: SalesByMethodSource | null = null;

export function useSalesByMethod(s: SalesByMethodSource | null): void {
  source = s;
}

export function salesByMethodSource(): SalesByMethodSource | null {
  return source;
}
