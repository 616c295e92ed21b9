import { parseArgs } from 'node:util';
import { defineJob } from '../platform/runtime/job.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export default defineJob({
  name: 'job-daily-calculate',
  description: 'Per shop and business day: sales and buy summaries, stock valuation, EC totals.',
  // 00:30 JST: after every shop's business day has ended.
  schedule: { cron: '30 0 * * *', timezone: 'Asia/Tokyo' },
  async run(_p, log, args) {
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
      if (v !== undefined && !DATE.test(v))
        return { exitCode: 2, summary: { error: `--${key} must be YYYY-MM-DD` } };
    }
    // The daily figures are computed by the reporting module, which arrives with the sales issues;
    // until then this job has nothing to compute and says so.
    log.info('no daily figures are registered yet');
    return { exitCode: 0, summary: { job: 'daily-calculate', ...values, reports: 0 } };
  },
});
