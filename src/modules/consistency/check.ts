import type { Bus } from '../../platform/bus/bus.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { recordAudit } from '../tenancy/audit.ts';
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

/** Every repair is audited as the system's own act, in the repair's transaction. */
export async function auditRepair(
  tx: Tx,
  tenant: { corporationId: number; storeId: number },
  target: { type: string; id: number | string },
  summary: string,
): Promise<void> {
  await recordAudit(
    tx,
    { ...tenant, accountId: null, actingStaffId: null },
    { action: 'consistency.repair', targetType: target.type, targetId: target.id, summary },
  );
}
