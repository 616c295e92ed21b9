import { toDbTime } from '../../kernel/time.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import type { Config } from '../../platform/config/config.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import type { Logger } from '../../platform/log/log.ts';
import { notifyOwners, requestNotification } from '../notifications/index.ts';
import type { ConsistencyCheck, Finding, Severity } from './check.ts';
import './tables.ts';

const SAMPLE = 20;

export interface CheckResult {
  name: string;
  severity: Severity;
  description: string;
  /** Violations found (before any repair). */
  count: number;
  /** Violations per corporation id (`platform` for findings without a tenant). */
  countsByCorporation: Record<string, number>;
  sample: Finding[];
  /** Fixed by `--repair`; null when not asked or the check has no safe repair. */
  repaired: number | null;
  /** Violations left after the repair (= count without one). */
  remaining: number;
  /** The check itself failed: the run is incomplete. */
  error?: string;
}

export interface ConsistencyReport {
  reportId: number;
  ranAt: string;
  repair: boolean;
  checks: CheckResult[];
  /** Checks of each severity with violations remaining. */
  critical: number;
  warnings: number;
  /** True when every check ran. */
  complete: boolean;
}

function countByCorporation(findings: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) {
    const key = f.corporationId === null ? 'platform' : String(f.corporationId);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * Runs every check (repairing what is safe when asked), stores the report, and tells people about
 * what is still critical: each affected corporation's owners, and the operators' Slack for findings
 * that belong to no tenant. One failing check does not stop the others.
 */
export async function runConsistency(
  deps: { db: Db; bus: Bus; log: Logger; config: Config },
  checks: readonly ConsistencyCheck[],
  opts: { repair: boolean; now?: Date },
): Promise<ConsistencyReport> {
  const now = opts.now ?? new Date();
  const ctx = { db: deps.db, bus: deps.bus, log: deps.log, now };
  const results: CheckResult[] = [];
  for (const check of checks) {
    const base = { name: check.name, severity: check.severity, description: check.description };
    try {
      const found = await check.find(ctx);
      let repaired: number | null = null;
      let left = found;
      if (opts.repair && check.repair && found.length > 0) {
        repaired = await check.repair(ctx, found);
        left = await check.find(ctx);
      }
      results.push({
        ...base,
        count: found.length,
        countsByCorporation: countByCorporation(left),
        sample: found.slice(0, SAMPLE),
        repaired,
        remaining: left.length,
      });
    } catch (err) {
      deps.log.error({ err, check: check.name }, 'consistency check failed to run');
      results.push({
        ...base,
        count: 0,
        countsByCorporation: {},
        sample: [],
        repaired: null,
        remaining: 0,
        error: (err as Error).message,
      });
    }
  }
  const critical = results.filter((r) => r.severity === 'critical' && r.remaining > 0);
  const warnings = results.filter((r) => r.severity === 'warning' && r.remaining > 0).length;
  const ranAt = toDbTime(now);
  const reportId = await withTransaction(deps.db, async (tx) => {
    const inserted = await tx
      .insertInto('consistency_report')
      .values({
        ran_at: ranAt,
        repair: opts.repair ? 1 : 0,
        critical: critical.length,
        warnings,
        report: JSON.stringify(results),
      })
      .executeTakeFirstOrThrow();
    const corporations = new Set(critical.flatMap((r) => Object.keys(r.countsByCorporation)));
    for (const corp of corporations) {
      const mine = critical.filter((r) => r.countsByCorporation[corp]);
      const params = {
        critical: mine.length,
        ranAt,
        summary: mine.map((r) => `- ${r.name}: ${r.countsByCorporation[corp]} (${r.description})`).join('\n'),
      };
      if (corp === 'platform') {
        if (deps.config.SLACK_WEBHOOK_URL) {
          await requestNotification(tx, {
            corporationId: null,
            kind: 'consistency.findings',
            channel: 'slack',
            recipient: 'default',
            params,
          });
        }
      } else {
        await notifyOwners(tx, Number(corp), 'consistency.findings', params);
      }
    }
    return Number(inserted.insertId);
  });
  return {
    reportId,
    ranAt,
    repair: opts.repair,
    checks: results,
    critical: critical.length,
    warnings,
    complete: results.every((r) => !r.error),
  };
}

/**
 * The job's exit code: 1 when a check could not run, 3 when `--fail-on` asked findings of that
 * severity (or worse) to fail the run and some remain, else 0.
 */
export function exitCodeOf(report: ConsistencyReport, failOn: Severity | null): number {
  if (!report.complete) return 1;
  if (failOn === 'critical' && report.critical > 0) return 3;
  if (failOn === 'warning' && report.critical + report.warnings > 0) return 3;
  return 0;
}
