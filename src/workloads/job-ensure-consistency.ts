import { parseArgs } from 'node:util';
import { exitCodeOf, runConsistency } from '../modules/consistency/index.ts';
import { defineJob } from '../platform/runtime/job.ts';
import { consistencyChecks } from './consistency-checks.ts';

export default defineJob({
  name: 'job-ensure-consistency',
  description:
    'Verifies invariants (stock = ledger, cash = cash ledger, outbox lag...), repairs what is safe.',
  // 01:00 JST, after job-daily-calculate.
  schedule: { cron: '0 1 * * *', timezone: 'Asia/Tokyo' },
  async run(p, log, args) {
    const { values } = parseArgs({
      args,
      options: { repair: { type: 'boolean', default: false }, 'fail-on': { type: 'string' } },
      strict: true,
    });
    const failOn = values['fail-on'] ?? null;
    if (failOn !== null && failOn !== 'critical' && failOn !== 'warning') {
      return { exitCode: 2, summary: { error: '--fail-on must be critical or warning' } };
    }
    const report = await runConsistency(
      { db: p.db.db, bus: p.bus, log, config: p.config },
      consistencyChecks,
      { repair: values.repair },
    );
    return {
      exitCode: exitCodeOf(report, failOn),
      summary: {
        job: 'ensure-consistency',
        reportId: report.reportId,
        repair: report.repair,
        critical: report.critical,
        warnings: report.warnings,
        complete: report.complete,
        checks: Object.fromEntries(
          report.checks.map((c) => [
            c.name,
            c.error ? `error: ${c.error}` : { found: c.count, repaired: c.repaired, remaining: c.remaining },
          ]),
        ),
      },
    };
  },
});
