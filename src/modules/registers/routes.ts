import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { systemClock, type Clock } from '../../kernel/time.ts';
import { idempotencyHeaders, idempotencyKeyOf, sendOutcome } from '../../platform/http/idempotency.ts';
import { storeContext } from '../tenancy/index.ts';
import { denominations } from './cash-count.ts';
import { moveCash } from './cash-moves.ts';
import { renderSettlementHtml, renderSettlementText } from './document.ts';
import { listMovements, listSettlements, registerState, settlementOf } from './queries.ts';
import { closeRegister, middleCheck, openRegister } from './settlements.ts';
import { registerOf } from './locks.ts';

const tags = ['registers'];
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const yen = z.number().int().min(0).max(1_000_000_000_000);
const storeParams = z.object({ storeId: z.string() });
const registerParams = storeParams.extend({ registerId: id });
const settlementParams = storeParams.extend({ settlementId: id });
const page = z.object({ before: id.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Pieces per denomination, keyed by the yen value ("10000", "5000", ... "1"). */
const count = z
  .record(z.string(), z.number())
  .describe(`Pieces per denomination: keys ${denominations.join(', ')}`);
const countBody = z.object({ count }).strict();
const closeBody = z.object({ count, nextFloat: yen }).strict();
const cashMoveBody = z
  .object({
    direction: z.enum(['in', 'out']),
    amount: yen.min(1),
    reason: z.string().trim().min(1).max(200),
  })
  .strict();
/**
 * Register open / check / close, cash in and out, the cash ledger and printable checks, under
 * `/api/v1/stores/:storeId/registers/...`. Day-to-day actions need `registers.open_close` or
 * `cash.move` (clerks have both); the history lists need `cash.view_history`.
 */
export function registersRoutes(opts: { clock?: Clock } = {}): FastifyPluginAsync {
  const clock = opts.clock ?? systemClock;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const db = app.platform.db.db;

    r.get(
      '/api/v1/stores/:storeId/registers/:registerId/state',
      {
        config: { access: { policy: 'registers.open_close' } },
        schema: {
          tags,
          summary: 'Open or closed, expected cash and the running figures of the open session',
          params: registerParams,
        },
      },
      async (request) => registerState(db, storeContext(request), request.params.registerId),
    );

    r.post(
      '/api/v1/stores/:storeId/registers/:registerId/open',
      {
        config: { access: { policy: 'registers.open_close' } },
        schema: {
          tags,
          summary: 'Open the register with a counted drawer (the primary register opens the store)',
          params: registerParams,
          headers: idempotencyHeaders,
          body: countBody,
        },
      },
      async (request, reply) =>
        sendOutcome(
          reply,
          await openRegister(
            db,
            storeContext(request),
            request.params.registerId,
            { count: request.body.count, idempotencyKey: idempotencyKeyOf(request) },
            clock.now(),
          ),
        ),
    );

    r.post(
      '/api/v1/stores/:storeId/registers/:registerId/middle-check',
      {
        config: { access: { policy: 'registers.open_close' } },
        schema: {
          tags,
          summary: 'Count an open register (中間点検): recorded and printable, changes nothing',
          params: registerParams,
          headers: idempotencyHeaders,
          body: countBody,
        },
      },
      async (request, reply) =>
        sendOutcome(
          reply,
          await middleCheck(
            db,
            storeContext(request),
            request.params.registerId,
            { count: request.body.count, idempotencyKey: idempotencyKeyOf(request) },
            clock.now(),
          ),
        ),
    );

    r.post(
      '/api/v1/stores/:storeId/registers/:registerId/close',
      {
        config: { access: { policy: 'registers.open_close' } },
        schema: {
          tags,
          summary: 'Close the register with a counted drawer and the next day’s float',
          params: registerParams,
          headers: idempotencyHeaders,
          body: closeBody,
        },
      },
      async (request, reply) =>
        sendOutcome(
          reply,
          await closeRegister(
            db,
            storeContext(request),
            request.params.registerId,
            { ...request.body, idempotencyKey: idempotencyKeyOf(request) },
            clock.now(),
          ),
        ),
    );

    r.post(
      '/api/v1/stores/:storeId/registers/:registerId/cash-movements',
      {
        config: { access: { policy: 'cash.move' } },
        schema: {
          tags,
          summary: 'Cash in (入金) or out (出金) with a reason',
          params: registerParams,
          headers: idempotencyHeaders,
          body: cashMoveBody,
        },
      },
      async (request, reply) =>
        sendOutcome(
          reply,
          await moveCash(db, storeContext(request), request.params.registerId, {
            ...request.body,
            idempotencyKey: idempotencyKeyOf(request),
          }),
        ),
    );

    r.get(
      '/api/v1/stores/:storeId/registers/:registerId/cash-movements',
      {
        config: { access: { policy: 'cash.view_history' } },
        schema: {
          tags,
          summary: 'The register’s cash ledger, newest first',
          params: registerParams,
          querystring: page,
        },
      },
      async (request) => listMovements(db, storeContext(request), request.params.registerId, request.query),
    );

    r.get(
      '/api/v1/stores/:storeId/registers/settlements',
      {
        config: { access: { policy: 'cash.view_history' } },
        schema: {
          tags,
          summary: 'Register checks (open, middle, close) of the store, newest first',
          params: storeParams,
          querystring: page.extend({ registerId: id.optional() }),
        },
      },
      async (request) => listSettlements(db, storeContext(request), request.query),
    );

    r.get(
      '/api/v1/stores/:storeId/registers/settlements/:settlementId',
      {
        config: { access: { policy: 'registers.open_close' } },
        schema: { tags, summary: 'One register check with its count and figures', params: settlementParams },
      },
      async (request) => settlementOf(db, storeContext(request), request.params.settlementId),
    );

    r.get(
      '/api/v1/stores/:storeId/registers/settlements/:settlementId/document',
      {
        config: { access: { policy: 'registers.open_close' } },
        schema: {
          tags,
          summary: 'The printable check: 48-column text or 80 mm HTML',
          params: settlementParams,
          querystring: z.object({
            format: z.enum(['text', 'html']).default('text'),
            reprint: z.coerce.boolean().default(false),
          }),
        },
      },
      async (request, reply) => {
        const ctx = storeContext(request);
        const settlement = await settlementOf(db, ctx, request.params.settlementId);
        const register = await registerOf(db, ctx, settlement.registerId).catch(() => ({
          name: `#${settlement.registerId}`,
        }));
        const store = await db
          .selectFrom('store')
          .select(['name', 'time_zone'])
          .where('id', '=', ctx.storeId)
          .executeTakeFirstOrThrow();
        const staff = await db
          .selectFrom('staff_account')
          .select('display_name')
          .where('id', '=', settlement.staffId)
          .where('corporation_id', '=', ctx.corporationId)
          .executeTakeFirst();
        const doc = {
          storeName: store.name,
          registerName: register.name,
          staffName: staff?.display_name ?? `#${settlement.staffId}`,
          timeZone: store.time_zone,
          settlement,
          reprint: request.query.reprint,
        };
        return request.query.format === 'html'
          ? reply.type('text/html; charset=utf-8').send(renderSettlementHtml(doc))
          : reply.type('text/plain; charset=utf-8').send(renderSettlementText(doc));
      },
    );
  };
}
