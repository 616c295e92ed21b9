import {
  deadLetters,
  outboxLag,
  stuckNotifications,
  stuckTasks,
  type ConsistencyCheck,
} from '../modules/consistency/index.ts';
import { ecStockCheck, stockLedgerCheck } from '../modules/inventory/consistency.ts';
import { cashLedgerCheck } from '../modules/registers/index.ts';
import { dailyDriftCheck } from '../modules/reporting/index.ts';
import { staleCartsCheck } from '../modules/sales/index.ts';

/** Wiring: every check job-ensure-consistency runs. Modules add theirs as they arrive. */
export const consistencyChecks: readonly ConsistencyCheck[] = [
  outboxLag,
  deadLetters,
  stockLedgerCheck,
  ecStockCheck,
  cashLedgerCheck,
  staleCartsCheck,
  dailyDriftCheck,
  stuckTasks,
  stuckNotifications,
];
