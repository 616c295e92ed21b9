import {
  deadLetters,
  outboxLag,
  stuckNotifications,
  stuckTasks,
  type ConsistencyCheck,
} from '../modules/consistency/index.ts';

/** Wiring: every check job-ensure-consistency runs. Modules add theirs as they arrive. */
export const consistencyChecks: readonly ConsistencyCheck[] = [
  outboxLag,
  deadLetters,
  stuckTasks,
  stuckNotifications,
];
