import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../kernel/errors.ts';
import { addDays } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { storeContext } from '../tenancy/index.ts';
import { readStoredDay, type DayFigures } from './daily.ts';

const tags = ['reports'];
const range = z.object({
  from: z.iso.date().describe('First business day (YYYY-MM-DD)'),
  to: z.iso.date().describe('Last business day (YYYY-MM-DD), at most 92 days after from'),
});

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const view = <T extends object>(row: T) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([k]) => k !== 'store_id' && k !== 'business_date' && k !== 'corporation_id')
      .map(([k, v]) => [camel(k), v]),
  );

function dayView(businessDate: string, f: DayFigures) {
  const s = f.summary;
  return {
    businessDate,
    ...view(s),
    /** Net takings of the day: sales minus returns. */
    netTakings: s.sales_net - s.returns_net,
    averageSale: s.sales_count ? Math.round(s.sales_net / s.sales_count) : 0,
    grossMargin: s.sales_net - s.sales_tax - s.sales_cost - (s.returns_net - s.returns_tax - s.returns_cost),
    byRate: f.byRate.map(view),
    byMethod: f.byMethod.map(view),
    byGroup: f.byGroup.map(view),
  };
}

async function daysOf(db: Db, storeId: number, from: string, to: string) {
  if (from > to || addDays(from, 92) < to)
    throw new ValidationError([{ field: 'to', code: 'range', message: 'from ≤ to, at most 92 days apart' }]);
  const out: ReturnType<typeof dayView>[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const f = await readStoredDay(db, storeId, d);
    if (f) out.push(dayView(d, f));
  }
  return out;
}

/** The nightly figures (job-daily-calculate) under `/api/v1/stores/:storeId/reports/...`. */
export const reportingRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;
  const base = '/api/v1/stores/:storeId/reports';

  r.get(
    `${base}/daily`,
    {
      config: { access: { policy: 'reports.view' } },
      schema: {
        tags,
        summary:
          'Daily figures: sales, returns, tax per rate, payment methods, genre × category × condition, stock value, cash over/short',
        params: z.object({ storeId: z.string() }),
        querystring: range,
      },
    },
    async (request) => ({
      days: await daysOf(db, storeContext(request).storeId, request.query.from, request.query.to),
    }),
  );

  r.get(
    `${base}/daily.csv`,
    {
      config: { access: { policy: 'reports.view' } },
      schema: {
        tags,
        summary: 'The daily summaries as CSV, one line per business day',
        params: z.object({ storeId: z.string() }),
        querystring: range,
      },
    },
    async (request, reply) => {
      const days = await daysOf(db, storeContext(request).storeId, request.query.from, request.query.to);
      const columns = [
        'businessDate',
        'salesCount',
        'salesItems',
        'salesGross',
        'salesDiscounts',
        'salesNet',
        'salesTax',
        'salesCost',
        'returnsCount',
        'returnsNet',
        'returnsTax',
        'netTakings',
        'averageSale',
        'grossMargin',
        'stockUnits',
        'stockAtCost',
        'stockAtPrice',
        'settlements',
        'cashOverShort',
      ];
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="daily.csv"')
        .send(stringify(days as Record<string, unknown>[], { header: true, columns }));
    },
  );
};
