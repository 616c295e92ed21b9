import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toDbTime } from '../../kernel/time.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { recordAudit, storeContext } from '../tenancy/index.ts';
import { addCountSheet, applyCount, openCount, reviewCount } from './counts.ts';
import {
  cancelStocking,
  planStocking,
  readDocument,
  receiveStocking,
  recordMovementDocument,
  reverseStocking,
} from './documents.ts';
import type { StockContext } from './ledger.ts';
import { ledgerCsv, stockCsv } from './exports.ts';
import { ledgerOf, listDocuments } from './queries.ts';

const tags = ['inventory'];
const base = '/api/v1/stores/:storeId';
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const storeParams = z.object({ storeId: z.string() });
const docParams = storeParams.extend({ documentId: id });
const qty = z.number().int().min(-1_000_000).max(1_000_000);
const reason = z.string().trim().min(1).max(300);
const lines = (q: z.ZodNumber) =>
  z
    .array(z.object({ productId: id, quantity: q }).strict())
    .min(1)
    .max(1000);

function stockCtx(request: FastifyRequest): StockContext {
  const c = storeContext(request);
  return { corporationId: c.corporationId, storeId: c.storeId, staffId: c.actingStaffId };
}

/** Stock API: ledger, loss, manual adjustment, stocking (plan → receive → reverse), counts. */
export const inventoryRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;

  r.get(
    `${base}/products/:productId/ledger`,
    {
      config: { access: { policy: 'stock.view' } },
      schema: {
        tags,
        summary: "A product's stock movements, newest first",
        params: storeParams.extend({ productId: id }),
        querystring: z.object({
          cursor: id.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) =>
      ledgerOf(db, storeContext(request).storeId, request.params.productId, {
        before: request.query.cursor,
        limit: request.query.limit,
      }),
  );

  const kinds = ['stocking', 'loss', 'adjustment', 'count'] as const;
  const statuses = ['planned', 'open', 'review', 'final', 'reversed', 'cancelled'] as const;
  r.get(
    `${base}/stock-documents`,
    {
      config: { access: { policy: 'stock.view' } },
      schema: {
        tags,
        summary: "The store's stock documents (slips), newest first, without their lines",
        description:
          'Stocking, loss, adjustment and count slips of this store only. A reversal is a `stocking` ' +
          'with `reversesId`. Page with `before` = the `nextBefore` of the previous page.',
        params: storeParams,
        querystring: z.object({
          kind: z.enum(kinds).optional(),
          status: z.enum(statuses).optional(),
          before: id.optional().describe('Cursor: the nextBefore of the previous page'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                kind: z.enum(kinds),
                status: z.enum(statuses),
                reason: z.string(),
                supplier: z.string(),
                countMode: z.enum(['counted', 'full']).nullable(),
                reversesId: z.number().nullable(),
                reversedById: z.number().nullable(),
                createdBy: z.number().nullable().describe('Staff account id'),
                lineCount: z.number(),
                createdAt: z.string(),
                finalizedAt: z.string().nullable(),
              }),
            ),
            nextBefore: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => listDocuments(db, storeContext(request).storeId, request.query),
  );

  r.get(
    `${base}/stock-documents/:documentId`,
    {
      config: { access: { policy: 'stock.view' } },
      schema: { tags, summary: 'One stock document with its lines', params: docParams },
    },
    async (request) => readDocument(db, storeContext(request).storeId, request.params.documentId),
  );

  r.post(
    `${base}/losses`,
    {
      config: { access: { policy: 'stock.edit' } },
      schema: {
        tags,
        summary: 'Write off damaged or lost units (with a reason)',
        params: storeParams,
        body: z.object({ reason, lines: lines(z.number().int().min(1).max(1_000_000)) }).strict(),
      },
    },
    async (request, reply) => {
      const ctx = stockCtx(request);
      const doc = await withTransaction(db, async (tx) => {
        const docId = await recordMovementDocument(tx, ctx, { kind: 'loss', ...request.body });
        await recordAudit(tx, storeContext(request), {
          action: 'stock.loss',
          targetType: 'stock_document',
          targetId: docId,
          summary: `Loss: ${request.body.reason}`,
        });
        return readDocument(tx, ctx.storeId, docId);
      });
      return reply.status(201).send(doc);
    },
  );

  r.post(
    `${base}/adjustments`,
    {
      config: { access: { policy: 'stock.adjust' } },
      schema: {
        tags,
        summary: 'Manual stock adjustment (signed quantities, with a reason)',
        params: storeParams,
        body: z.object({ reason, lines: lines(qty.refine((q) => q !== 0, 'not 0')) }).strict(),
      },
    },
    async (request, reply) => {
      const ctx = stockCtx(request);
      const doc = await withTransaction(db, async (tx) => {
        const docId = await recordMovementDocument(tx, ctx, { kind: 'adjustment', ...request.body });
        await recordAudit(tx, storeContext(request), {
          action: 'stock.adjust',
          targetType: 'stock_document',
          targetId: docId,
          summary: `Adjustment: ${request.body.reason}`,
        });
        return readDocument(tx, ctx.storeId, docId);
      });
      return reply.status(201).send(doc);
    },
  );

  r.post(
    `${base}/stockings`,
    {
      config: { access: { policy: 'stock.stocking' } },
      schema: {
        tags,
        summary: 'Plan a stocking from a supplier (stock moves when it is received)',
        params: storeParams,
        body: z
          .object({
            supplier: z.string().trim().max(200).default(''),
            costTax: z.enum(['include', 'exclude']).default('include'),
            lines: z
              .array(
                z
                  .object({
                    productId: id,
                    quantity: z.number().int().min(1).max(1_000_000),
                    unitCost: z.number().int().min(0).max(100_000_000).nullable().default(null),
                  })
                  .strict(),
              )
              .min(1)
              .max(1000),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const ctx = stockCtx(request);
      const doc = await withTransaction(db, async (tx) =>
        readDocument(tx, ctx.storeId, await planStocking(tx, ctx, request.body)),
      );
      return reply.status(201).send(doc);
    },
  );

  r.post(
    `${base}/stockings/:documentId/receive`,
    {
      config: { access: { policy: 'stock.stocking' } },
      schema: { tags, summary: 'Receive a planned stocking into stock', params: docParams },
    },
    async (request) => {
      const ctx = stockCtx(request);
      return withTransaction(db, async (tx) => {
        await receiveStocking(tx, ctx, request.params.documentId);
        return readDocument(tx, ctx.storeId, request.params.documentId);
      });
    },
  );

  r.post(
    `${base}/stockings/:documentId/cancel`,
    {
      config: { access: { policy: 'stock.stocking' } },
      schema: { tags, summary: 'Cancel a stocking not yet received', params: docParams },
    },
    async (request) => {
      const ctx = stockCtx(request);
      return withTransaction(db, async (tx) => {
        await cancelStocking(tx, ctx, request.params.documentId);
        return readDocument(tx, ctx.storeId, request.params.documentId);
      });
    },
  );

  r.post(
    `${base}/stockings/:documentId/reverse`,
    {
      config: { access: { policy: 'stock.stocking' } },
      schema: {
        tags,
        summary: 'Reverse a received stocking with a compensating document',
        params: docParams,
        body: z.object({ reason }).strict(),
      },
    },
    async (request, reply) => {
      const ctx = stockCtx(request);
      const doc = await withTransaction(db, async (tx) => {
        const reversal = await reverseStocking(tx, ctx, request.params.documentId, request.body.reason);
        await recordAudit(tx, storeContext(request), {
          action: 'stock.stocking_reversed',
          targetType: 'stock_document',
          targetId: request.params.documentId,
          summary: `Reversed stocking: ${request.body.reason}`,
        });
        return readDocument(tx, ctx.storeId, reversal);
      });
      return reply.status(201).send(doc);
    },
  );

  r.post(
    `${base}/counts`,
    {
      config: { access: { policy: 'stock.adjust' } },
      schema: {
        tags,
        summary: 'Open a stock count',
        params: storeParams,
        body: z
          .object({
            mode: z.enum(['counted', 'full']).default('counted'),
            reason: z.string().trim().max(300).default(''),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const ctx = stockCtx(request);
      const doc = await withTransaction(db, async (tx) =>
        readDocument(tx, ctx.storeId, await openCount(tx, ctx, request.body)),
      );
      return reply.status(201).send(doc);
    },
  );

  r.post(
    `${base}/counts/:documentId/sheets`,
    {
      config: { access: { policy: 'stock.edit' } },
      schema: {
        tags,
        summary: 'Submit a count sheet for one shelf',
        params: docParams,
        body: z
          .object({
            shelf: z.string().trim().min(1).max(60),
            lines: lines(z.number().int().min(0).max(1_000_000)),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const ctx = stockCtx(request);
      await withTransaction(db, (tx) => addCountSheet(tx, ctx, request.params.documentId, request.body));
      return reply.status(204).send();
    },
  );

  r.post(
    `${base}/counts/:documentId/review`,
    {
      config: { access: { policy: 'stock.adjust' } },
      schema: {
        tags,
        summary: 'Close the count to new sheets and show counted vs expected',
        params: docParams,
      },
    },
    async (request) => {
      const ctx = stockCtx(request);
      return {
        differences: await withTransaction(db, (tx) => reviewCount(tx, ctx, request.params.documentId)),
      };
    },
  );

  r.post(
    `${base}/counts/:documentId/apply`,
    {
      config: { access: { policy: 'stock.adjust' } },
      schema: { tags, summary: 'Apply the differences as stock adjustments', params: docParams },
    },
    async (request) => {
      const ctx = stockCtx(request);
      return withTransaction(db, async (tx) => {
        const differences = await applyCount(tx, ctx, request.params.documentId);
        await recordAudit(tx, storeContext(request), {
          action: 'stock.count_applied',
          targetType: 'stock_document',
          targetId: request.params.documentId,
          summary: `Applied count (${differences.filter((d) => d.difference !== 0).length} differences)`,
        });
        return { differences };
      });
    },
  );

  const csv = (name: string) => ({
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
  });

  r.get(
    `${base}/exports/stock.csv`,
    {
      config: { access: { policy: 'stock.view' } },
      schema: { tags, summary: 'Stock of every product as CSV', params: storeParams },
    },
    async (request, reply) =>
      reply.headers(csv('stock.csv')).send(await stockCsv(db, storeContext(request).storeId)),
  );

  r.get(
    `${base}/exports/ledger.csv`,
    {
      config: { access: { policy: 'stock.view' } },
      schema: {
        tags,
        summary: 'Stock movements in a UTC time range as CSV',
        params: storeParams,
        querystring: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
      },
    },
    async (request, reply) => {
      const t = (s: string) => toDbTime(new Date(s));
      return reply.headers(csv('ledger.csv')).send(
        await ledgerCsv(db, storeContext(request).storeId, {
          from: t(request.query.from),
          to: t(request.query.to),
        }),
      );
    },
  );
};
