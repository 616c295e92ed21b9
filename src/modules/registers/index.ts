import './tables.ts';

/** What sales, returns, buy-ins and the workloads use from registers. */
export {
  assertRegisterOpen,
  recordCashMovement,
  type CashMovement,
  type CashMovementInput,
  type OpenRegister,
} from './ledger.ts';
export { useSalesByMethod, type SalesByMethodSource } from './sales-source.ts';
export { registerOf } from './locks.ts';
export type { MethodTotal, SettlementFigures } from './figures.ts';
export { RegisterClosedError, InsufficientCashError } from './errors.ts';
export { events } from './events.ts';
export { registersRoutes } from './routes.ts';
export { cashLedgerCheck, findCashMismatches, type CashMismatch } from './consistency.ts';
