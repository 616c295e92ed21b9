import type { Tx } from '../../platform/db/transaction.ts';
import type { Logger } from '../../platform/log/log.ts';

/**
 * Work the scheduler runs. A periodic kind has a cron and a time zone (the same declaration becomes
 * an EventBridge Scheduler entry in AWS); a kind without a cron only runs as delayed jobs.
 * `run` executes in worker-scheduled inside one transaction with the run's "done" mark.
 */
export interface ScheduledKind {
  kind: string;
  cron?: string;
  timeZone?: string;
  description: string;
  run(tx: Tx, ctx: { slot: string; payload: unknown; log: Logger }): Promise<void>;
}

export function defineScheduledKind(k: ScheduledKind): ScheduledKind {
  return k;
}
