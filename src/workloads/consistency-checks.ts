import {
  deadLetters,
  outboxLag,
  stuckNotifications,
  stuckTasks,
  type ConsistencyCheck,
} from '../modules/consistency/index.ts';
import { cashLedgerCheck } from '../modules/registers/index.ts';

/** Wiring: every check job-ensure-consistency runs. Modules add theirs as they arrive. */
export const consistencyChecks: readonly ConsistencyCheck[] = [
  outboxLag,
  deadLetters,
  cashLedgerCheck,
  stuckTasks,
  stuckNotifications,
];
