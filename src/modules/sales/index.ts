import './tables.ts';
import { useSalesByMethod } from '../registers/index.ts';
import { receiptMail, runningTotalOfReturn, runningTotalOfSale } from './handlers.ts';
import { salesByMethod } from './queries.ts';

/** What the workloads use from sales. */
export { events, saleCompleted, saleReturned } from './events.ts';
export { salesRoutes } from './routes.ts';
export { checkout, completeSale, createDraft, replaceCart, returnSale } from './commands.ts';
export { readSale, type SaleView } from './queries.ts';
export { staleCartsCheck } from './consistency.ts';
export { usePaymentProvider, type PaymentProvider } from './payment-providers.ts';
export { PaymentDeclinedError } from './errors.ts';

export const handlers = { runningTotalOfSale, runningTotalOfReturn, receiptMail };

// A register close reports sales by payment method from the payments this module writes.
useSalesByMethod(salesByMethod);
