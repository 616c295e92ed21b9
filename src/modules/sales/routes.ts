import { calendarDate } from '../../kernel/time.ts';
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import { idempotencyHeaders, idempotencyKeyOf, sendOutcome } from '../../platform/http/idempotency.ts';
import { storeContext } from '../tenancy/index.ts';
import { checkout, completeSale, createDraft, replaceCart, returnSale, setCartStatus } from './commands.ts';
import {
  listOpenCarts,
  listTransactions,
  readSale,
  runningTotal,
  saleIdByNumber,
  type TransactionFilter,
} from './queries.ts';
import { formalReceiptOf, receiptOf } from './receipts.ts';

const tags = ['sales'];
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const yen = z.number().int().min(0).max(1_000_000_000);
const storeParams = z.object({ storeId: z.string() });
const saleParams = storeParams.extend({ saleId: id });

const discount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('yen'), value: yen }).strict(),
  z
    .object({
      kind: z.literal('percent'),
      percent: z
        .number()
        .min(0)
        .max(100)
        .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, 'at most two decimals'),
    })
    .strict(),
]);
const cartLine = z
  .object({
    productId: z.number().int().positive(),
    quantity: z.number().int().min(1).max(9999),
    unitPrice: yen.optional().describe('A price other than the list price needs sales.manual_price'),
    discount: discount.nullish().describe('Needs sales.manual_discount'),
  })
  .strict();
const cart = z
  .object({
    lines: z.array(cartLine).max(200),
    cartDiscount: discount.nullish().describe('Needs sales.manual_discount'),
    customerId: id.nullish().describe('A customer of this store: the sale counts in their figures'),
  })
  .strict();
const payment = z
  .object({
    cashTendered: yen.optional(),
    other: z
      .object({
        method: z.enum(['card', 'qr', 'emoney', 'bank_transfer']),
        amount: yen.min(1),
        reference: z.string().trim().max(100).nullish().describe("The terminal slip's approval number"),
      })
      .strict()
      .optional(),
  })
  .strict()
  .describe('Cash alone, another method alone, or cash plus one other method');
const payFields = {
  payment,
  receiptEmail: z.email().max(254).nullish().describe('Send the receipt by e-mail'),
  registerId: id.optional().describe("Defaults to the sales-mode session's register"),
};
const transactionQuery = z.object({
  from: z.iso.date().optional().describe('First business day (YYYY-MM-DD)'),
  to: z.iso.date().optional().describe('Last business day (YYYY-MM-DD)'),
  registerId: id.optional(),
  staffId: id.optional(),
  method: z.enum(['cash', 'card', 'qr', 'emoney', 'bank_transfer']).optional(),
  status: z.enum(['draft', 'held', 'completed', 'cancelled']).optional(),
  kind: z.enum(['sale', 'return']).optional(),
  before: id.optional().describe('Cursor: the nextBefore of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const csvColumns = [
  'id',
  'number',
  'kind',
  'status',
  'businessDate',
  'registerId',
  'staffId',
  'items',
  'total',
  'tax',
  'methods',
  'returnOfSaleId',
  'returnedBySaleId',
  'completedAt',
] as const;

/**
 * Carts, payment, returns, receipts and the transactions list, under
 * `/api/v1/stores/:storeId/...`. Selling needs `sales.sell`, returns `sales.refund`, the lists
 * `transactions.view`. See docs/sales.md.
 */
export const salesRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;
  const base = '/api/v1/stores/:storeId';
  const found = async (storeId: number, saleId: number) => {
    const sale = await readSale(db, storeId, saleId);
    if (!sale) throw new NotFoundError('The sale');
    return sale;
  };

  r.post(
    `${base}/sales`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'Start a cart (draft) on a register',
        params: storeParams,
        body: z.object({ registerId: id.optional(), ...cart.partial().shape }).strict(),
      },
    },
    async (request, reply) => {
      const { registerId, lines, cartDiscount, customerId } = request.body;
      const sale = await createDraft(db, storeContext(request), {
        registerId,
        cart: { lines: lines ?? [], cartDiscount, customerId },
      });
      return reply.status(201).send(sale);
    },
  );

  r.get(
    `${base}/sales`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'Open carts (drafts and held) to resume',
        params: storeParams,
        querystring: z.object({ registerId: id.optional() }),
      },
    },
    async (request) => ({
      items: await listOpenCarts(db, storeContext(request).storeId, request.query.registerId),
    }),
  );

  r.get(
    `${base}/sales/lookup`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'A sale by its receipt number (the receipt barcode)',
        params: storeParams,
        querystring: z.object({ number: z.string().min(1).max(30) }),
      },
    },
    async (request) => {
      const { storeId } = storeContext(request);
      const saleId = await saleIdByNumber(db, storeId, request.query.number);
      if (saleId === undefined) throw new NotFoundError(`Sale No.${request.query.number}`);
      return found(storeId, saleId);
    },
  );

  r.get(
    `${base}/sales/:saleId`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: { tags, summary: 'One sale or return', params: saleParams },
    },
    async (request) => found(storeContext(request).storeId, request.params.saleId),
  );

  r.put(
    `${base}/sales/:saleId/cart`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'Replace the cart of a draft or held sale; returns it priced, with tax per rate',
        params: saleParams,
        body: cart,
      },
    },
    async (request) => replaceCart(db, storeContext(request), request.params.saleId, request.body),
  );

  for (const [action, status, summary] of [
    ['hold', 'held', 'Put the cart aside (保留) for the next customer'],
    ['resume', 'draft', 'Take a held cart back'],
    ['cancel', 'cancelled', 'Cancel a cart (no stock or cash was taken)'],
  ] as const)
    r.post(
      `${base}/sales/:saleId/${action}`,
      {
        config: { access: { policy: 'sales.sell' } },
        schema: { tags, summary, params: saleParams },
      },
      async (request) => setCartStatus(db, storeContext(request), request.params.saleId, status),
    );

  r.post(
    `${base}/sales/:saleId/complete`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'Pay and complete: stock out, payments, cash in, receipt number — all or nothing',
        params: saleParams,
        headers: idempotencyHeaders,
        body: z.object(payFields).strict(),
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await completeSale(db, storeContext(request), request.params.saleId, {
          ...request.body,
          idempotencyKey: idempotencyKeyOf(request),
        }),
        200,
      ),
  );

  r.post(
    `${base}/sales/checkout`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'A cart and its payment in one request',
        params: storeParams,
        headers: idempotencyHeaders,
        body: z.object({ ...payFields, ...cart.shape }).strict(),
      },
    },
    async (request, reply) => {
      const { lines, cartDiscount, customerId, ...pay } = request.body;
      return sendOutcome(
        reply,
        await checkout(db, storeContext(request), {
          ...pay,
          cart: { lines, cartDiscount, customerId },
          idempotencyKey: idempotencyKeyOf(request),
        }),
        201,
      );
    },
  );

  r.post(
    `${base}/sales/:saleId/return`,
    {
      config: { access: { policy: 'sales.refund' } },
      schema: {
        tags,
        summary: 'Return a whole sale once: stock back, payments refunded, a linked return transaction',
        params: saleParams,
        headers: idempotencyHeaders,
        body: z.object({ registerId: id.optional(), reason: z.string().trim().min(1).max(200) }).strict(),
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await returnSale(db, storeContext(request), request.params.saleId, {
          ...request.body,
          idempotencyKey: idempotencyKeyOf(request),
        }),
        201,
      ),
  );

  r.get(
    `${base}/sales/:saleId/receipt`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: 'Print the receipt (80 mm HTML or 48-column text); prints after the first say 再印刷',
        params: saleParams,
        querystring: z.object({ format: z.enum(['html', 'text']).default('html') }),
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const body = await receiptOf(db, storeContext(request).storeId, request.params.saleId, format);
      return reply
        .header('content-type', format === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  r.get(
    `${base}/sales/:saleId/formal-receipt`,
    {
      config: { access: { policy: 'sales.sell' } },
      schema: {
        tags,
        summary: '領収書 with addressee and purpose (revenue-stamp box for cash ≥ ¥50,000 before tax)',
        params: saleParams,
        querystring: z.object({
          addressee: z.string().trim().max(100).default(''),
          purpose: z.string().trim().max(100).default('お品代として'),
        }),
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .send(await formalReceiptOf(db, storeContext(request).storeId, request.params.saleId, request.query)),
  );

  r.get(
    `${base}/sales/running-total`,
    {
      config: { access: { policy: 'transactions.view' } },
      schema: {
        tags,
        summary:
          "The day's running sales and returns (updated as sales complete; the nightly report is exact)",
        params: storeParams,
        querystring: z.object({
          businessDate: z.iso
            .date()
            .optional()
            .describe("Default: the store's open business day, else today"),
        }),
      },
    },
    async (request) => {
      const { storeId } = storeContext(request);
      let date = request.query.businessDate;
      if (!date) {
        const s = await db
          .selectFrom('store')
          .leftJoin('store_business_day as d', 'd.store_id', 'store.id')
          .select(['store.time_zone', 'd.status', 'd.business_date'])
          .where('store.id', '=', storeId)
          .executeTakeFirstOrThrow();
        date =
          s.status === 'open' && s.business_date ? s.business_date : calendarDate(new Date(), s.time_zone);
      }
      return runningTotal(db, storeId, date);
    },
  );

  r.get(
    `${base}/transactions`,
    {
      config: { access: { policy: 'transactions.view' } },
      schema: {
        tags,
        summary: 'Sales and returns, newest first',
        params: storeParams,
        querystring: transactionQuery,
      },
    },
    async (request) =>
      listTransactions(db, storeContext(request).storeId, request.query as TransactionFilter),
  );

  r.get(
    `${base}/transactions.csv`,
    {
      config: { access: { policy: 'transactions.view' } },
      schema: {
        tags,
        summary: 'The transactions list as CSV (same filters; every page)',
        params: storeParams,
        querystring: transactionQuery.omit({ before: true, limit: true }),
      },
    },
    async (request, reply) => {
      const { storeId } = storeContext(request);
      const rows = [];
      let before: number | undefined;
      do {
        const page = await listTransactions(db, storeId, { ...request.query, before, limit: 200 });
        rows.push(...page.items);
        before = page.nextBefore ?? undefined;
      } while (before !== undefined);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="transactions.csv"')
        .send(stringify(rows, { header: true, columns: [...csvColumns] }));
    },
  );
};
