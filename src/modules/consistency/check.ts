import type { Bus } from '../../platform/bus/bus.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/log/log.ts';

export type Severity = 'critical' | 'warning';

/** One offending row (or group), with the tenant it belongs to when it has one. */
export interface Finding {
  corporationId: number | null;
  storeId?: number | null;
  [detail: string]: unknown;
}

export interface CheckContext {
  db: Db;
  bus: Bus;
  log: Logger;
  now: Date;
}

/**
 * A named invariant. `find` returns every violation (the runner keeps a sample); `repair`, where a
 * safe one exists, fixes them through the same commands the product uses (ledger, audit log) and
 * says how many it fixed.
 */
export interface ConsistencyCheck {
  name: string;
  severity: Severity;
  description: string;
  find(ctx: CheckContext): Promise<Finding[]>;
  repair?(ctx: CheckContext, findings: Finding[]): Promise<number>;
}

export function defineCheck(c: ConsistencyCheck): ConsistencyCheck {
  return c;
}
