import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import { actorContext } from '../tenancy/index.ts';
import type { CheckResult } from './run.ts';
import './tables.ts';

const tags = ['consistency'];
const summary = z.object({
  id: z.number(),
  ranAt: z.string(),
  repair: z.boolean(),
  critical: z.number(),
  warnings: z.number(),
});

/**
 * An owner sees each check's verdict for their own corporation (with sample rows of it only), and
 * the count of platform-level findings (relay, dead letters) without their details.
 */
function forCorporation(checks: CheckResult[], corporationId: number) {
  return checks.map((c) => ({
    name: c.name,
    severity: c.severity,
    description: c.description,
    remaining: (c.countsByCorporation[String(corporationId)] ?? 0) + (c.countsByCorporation.platform ?? 0),
    repaired: c.repaired,
    error: c.error ?? null,
    sample: c.sample.filter((f) => f.corporationId === corporationId),
  }));
}

export const consistencyRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;

  r.get(
    '/api/v1/consistency/reports',
    {
      config: { access: { policy: 'operations.view' } },
      schema: {
        tags,
        summary: 'Recent consistency reports, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ items: z.array(summary) }) },
      },
    },
    async (request) => {
      const corp = actorContext(request).corporationId;
      const rows = await db
        .selectFrom('consistency_report')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(request.query.limit)
        .execute();
      return {
        items: rows.map((row) => {
          const checks = forCorporation(JSON.parse(row.report) as CheckResult[], corp);
          const open = (s: string) => checks.filter((c) => c.severity === s && c.remaining > 0).length;
          return {
            id: Number(row.id),
            ranAt: row.ran_at,
            repair: row.repair === 1,
            critical: open('critical'),
            warnings: open('warning'),
          };
        }),
      };
    },
  );

  r.get(
    '/api/v1/consistency/reports/:id',
    {
      config: { access: { policy: 'operations.view' } },
      schema: {
        tags,
        summary: 'One consistency report, as it concerns my corporation',
        params: z.object({ id: z.coerce.number().int().positive() }),
      },
    },
    async (request) => {
      const row = await db
        .selectFrom('consistency_report')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`Report ${request.params.id}`);
      return {
        id: Number(row.id),
        ranAt: row.ran_at,
        repair: row.repair === 1,
        checks: forCorporation(JSON.parse(row.report) as CheckResult[], actorContext(request).corporationId),
      };
    },
  );
};
