import { addDays, toDbTime, calendarDate } from '../../kernel/time.ts';
import { auditRepair, defineCheck } from '../consistency/check.ts';
import { computeDay, fingerprint, readStoredDay, writeDay } from './daily.ts';
import './tables.ts';

/** How far back the drift check recomputes stored days. */
const DRIFT_DAYS = 7;

/**
 * Stored daily figures of the last week that a recomputation no longer matches: a late return, a
 * sale completed on a register that stayed open past the job, or a bug. The repair replaces the
 * day with the recomputation (what job-daily-calculate would do) and notes it in the audit log.
 */
export const dailyDriftCheck = defineCheck({
  name: 'reporting.daily_drift',
  severity: 'warning',
  description: `daily figures of the last ${DRIFT_DAYS} days that differ from a recomputation`,
  async find({ db, now }) {
    const stores = await db.selectFrom('store').select(['id', 'corporation_id', 'time_zone']).execute();
    const out = [];
    for (const s of stores) {
      const today = calendarDate(now, s.time_zone);
      const days = await db
        .selectFrom('daily_summary')
        .select('business_date')
        .where('store_id', '=', Number(s.id))
        .where('business_date', '>=', addDays(today, -DRIFT_DAYS))
        .execute();
      for (const { business_date } of days) {
        const day = {
          corporationId: Number(s.corporation_id),
          storeId: Number(s.id),
          timeZone: s.time_zone,
          businessDate: business_date,
        };
        const [stored, fresh] = await Promise.all([
          readStoredDay(db, day.storeId, business_date),
          computeDay(db, day),
        ]);
        if (stored && fingerprint(stored) !== fingerprint(fresh))
          out.push({
            corporationId: day.corporationId,
            storeId: day.storeId,
            timeZone: day.timeZone,
            businessDate: business_date,
            storedNet: stored.summary.sales_net - stored.summary.returns_net,
            recomputedNet: fresh.summary.sales_net - fresh.summary.returns_net,
          });
      }
    }
    return out;
  },
  async repair({ db, now }, findings) {
    let fixed = 0;
    for (const f of findings) {
      const day = {
        corporationId: f.corporationId!,
        storeId: f.storeId!,
        timeZone: f.timeZone as string,
        businessDate: f.businessDate as string,
      };
      await writeDay(db, await computeDay(db, day), now, (tx) =>
        auditRepair(
          tx,
          { corporationId: day.corporationId, storeId: day.storeId },
          { type: 'daily_summary', id: day.businessDate },
          `Recomputed the figures of ${day.businessDate} (net ${f.storedNet as number} → ${f.recomputedNet as number}) at ${toDbTime(now)}`,
        ),
      );
      fixed++;
    }
    return fixed;
  },
});
