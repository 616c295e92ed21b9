import { parseArgs } from 'node:util';
import { MAX_RANGE_DAYS, runDailyCalculate } from '../modules/reporting/index.ts';
import { defineJob } from '../platform/runtime/job.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export default defineJob({
  name: 'job-daily-calculate',
  description:
    'Per shop and business day: sales and return summaries, tax, payment methods, stock valuation.',
  // 00:30 JST: after every shop's business day has ended.
  schedule: { cron: '30 0 * * *', timezone: 'Asia/Tokyo' },
  async run(p, log, args) {
    const { values } = parseArgs({
      args,
      options: {
        date: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        store: { type: 'string' },
      },
      strict: true,
    });
    for (const key of ['date', 'from', 'to'] as const) {
      const v = values[key];
      if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(v))))
        return { exitCode: 2, summary: { error: `--${key} must be a date YYYY-MM-DD` } };
    }
    if (values.date && (values.from || values.to))
      return { exitCode: 2, summary: { error: 'give --date or --from/--to, not both' } };
    if (values.from && values.to && values.from > values.to)
      return { exitCode: 2, summary: { error: '--from must not be after --to' } };
    if (
      values.from &&
      values.to &&
      Date.parse(values.to) - Date.parse(values.from) >= MAX_RANGE_DAYS * 86_400_000
    )
      return { exitCode: 2, summary: { error: `a range covers at most ${MAX_RANGE_DAYS} days` } };
    const storeId = values.store === undefined ? undefined : Number(values.store);
    if (storeId !== undefined && !(Number.isSafeInteger(storeId) && storeId > 0))
      return { exitCode: 2, summary: { error: '--store must be a store id' } };
    const started = Date.now();
    const result = await runDailyCalculate(p.db.db, log, { ...values, storeId, now: new Date() });
    return {
      exitCode: result.failed.length ? 1 : 0,
      summary: { job: 'daily-calculate', ...result, seconds: (Date.now() - started) / 1000 },
    };
  },
});
