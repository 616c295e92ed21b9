import { addDays, calendarDate } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/log/log.ts';
import { computeDay, writeDay } from './daily.ts';
import '../tenancy/tables.ts';

export interface DailyRunOptions {
  /** One business day, or a range (inclusive); default: yesterday in each store's time zone. */
  date?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  storeId?: number | undefined;
  now: Date;
}

export interface DailyRunSummary {
  stores: number;
  days: number;
  /** Days whose stored figures differed from the recomputation (0 on a re-run). */
  changed: number;
  sales: number;
  failed: { storeId: number; businessDate: string; error: string }[];
}

export const MAX_RANGE_DAYS = 400;

/** The business days to compute for a store. */
export function daysToCompute(opts: DailyRunOptions, timeZone: string): string[] {
  if (opts.date) return [opts.date];
  if (opts.from || opts.to) {
    const from = opts.from ?? opts.to!;
    const to = opts.to ?? opts.from!;
    const out: string[] = [];
    for (let d = from; d <= to && out.length < MAX_RANGE_DAYS; d = addDays(d, 1)) out.push(d);
    return out;
  }
  return [addDays(calendarDate(opts.now, timeZone), -1)];
}

/**
 * job-daily-calculate: for every store (or one) and business day, recompute the figures and
 * replace the stored day. A day that fails is reported and the others still run; the job's exit
 * code says whether everything completed.
 */
export async function runDailyCalculate(
  db: Db,
  log: Logger,
  opts: DailyRunOptions,
): Promise<DailyRunSummary> {
  let q = db.selectFrom('store').select(['id', 'corporation_id', 'time_zone']).orderBy('id');
  if (opts.storeId !== undefined) q = q.where('id', '=', opts.storeId);
  const stores = await q.execute();
  const summary: DailyRunSummary = { stores: stores.length, days: 0, changed: 0, sales: 0, failed: [] };
  for (const s of stores) {
    for (const businessDate of daysToCompute(opts, s.time_zone)) {
      const day = {
        corporationId: Number(s.corporation_id),
        storeId: Number(s.id),
        timeZone: s.time_zone,
        businessDate,
      };
      try {
        const figures = await computeDay(db, day);
        if (await writeDay(db, figures, opts.now)) summary.changed++;
        summary.days++;
        summary.sales += figures.summary.sales_count;
      } catch (err) {
        log.error({ err, storeId: day.storeId, businessDate }, 'daily figures failed');
        summary.failed.push({ storeId: day.storeId, businessDate, error: (err as Error).message });
      }
    }
  }
  return summary;
}
