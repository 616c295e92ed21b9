import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { actorContext } from '../tenancy/index.ts';
import './tables.ts';

const tags = ['notifications'];
const notice = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
const mail = z.object({
  id: z.number(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.string(),
});

/**
 * In-app notices of the acting staff member (the clerk at a shared terminal, else the account), and
 * the mail captured in embedded mode, readable by those who may see operations.
 */
export const notificationRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;

  r.get(
    '/api/v1/notices',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'My notices, newest first, with the unread count',
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(100).default(30),
        }),
        response: {
          200: z.object({ unread: z.number(), items: z.array(notice), nextBefore: z.number().nullable() }),
        },
      },
    },
    async (request) => {
      const a = actorContext(request);
      let q = db
        .selectFrom('staff_notice')
        .select(['id', 'title', 'body', 'created_at', 'read_at'])
        .where('corporation_id', '=', a.corporationId)
        .where('staff_id', '=', a.actingStaffId)
        .orderBy('id', 'desc')
        .limit(request.query.limit + 1);
      if (request.query.before) q = q.where('id', '<', request.query.before);
      const rows = await q.execute();
      const page = rows.slice(0, request.query.limit);
      const unread = await db
        .selectFrom('staff_notice')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('corporation_id', '=', a.corporationId)
        .where('staff_id', '=', a.actingStaffId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return {
        unread: Number(unread.n),
        items: page.map((n) => ({
          id: Number(n.id),
          title: n.title,
          body: n.body,
          createdAt: n.created_at,
          read: n.read_at !== null,
        })),
        nextBefore: rows.length > request.query.limit ? Number(page.at(-1)!.id) : null,
      };
    },
  );

  r.post(
    '/api/v1/notices/:id/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Mark one of my notices read',
        params: z.object({ id: z.coerce.number().int().positive() }),
      },
    },
    async (request, reply) => {
      const a = actorContext(request);
      const res = await db
        .updateTable('staff_notice')
        .set({ read_at: toDbTime(new Date()) })
        .where('id', '=', request.params.id)
        .where('corporation_id', '=', a.corporationId)
        .where('staff_id', '=', a.actingStaffId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        const mine = await db
          .selectFrom('staff_notice')
          .select('id')
          .where('id', '=', request.params.id)
          .where('corporation_id', '=', a.corporationId)
          .where('staff_id', '=', a.actingStaffId)
          .executeTakeFirst();
        if (!mine) throw new NotFoundError(`Notice ${request.params.id}`);
      }
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/notifications/captured-mail',
    {
      config: { access: { policy: 'operations.view' } },
      schema: {
        tags,
        summary: 'E-mail captured instead of sent (MAIL_TRANSPORT=capture), newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }),
        response: { 200: z.object({ items: z.array(mail) }) },
      },
    },
    async (request) => {
      const a = actorContext(request);
      const rows = await db
        .selectFrom('captured_mail')
        .select(['id', 'to_address', 'subject', 'body', 'created_at'])
        .where('corporation_id', '=', a.corporationId)
        .orderBy('id', 'desc')
        .limit(request.query.limit)
        .execute();
      return {
        items: rows.map((m) => ({
          id: Number(m.id),
          to: m.to_address,
          subject: m.subject,
          body: m.body,
          createdAt: m.created_at,
        })),
      };
    },
  );
};
