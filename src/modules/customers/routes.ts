import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { withTransaction } from '../../platform/db/transaction.ts';
import { idempotencyHeaders, idempotencyKeyOf, sendOutcome } from '../../platform/http/idempotency.ts';
import { storeContext } from '../tenancy/index.ts';
import { archiveCustomer, createCustomer, restoreCustomer, updateCustomer } from './commands.ts';
import { readCustomer, searchCustomers } from './queries.ts';
import {
  customerDetail,
  customerInput,
  customerPage,
  customerParams,
  customerPatch,
  customerQuery,
  storeParams,
} from './schemas.ts';

const tags = ['customers'];
const base = '/api/v1/stores/:storeId/customers';

/**
 * Customers of a store: search, register, change, archive and restore. Reading needs `customers.view`,
 * writing `customers.manage` (clerks hold both, so they register members at the register).
 * Another store's customer id answers 404.
 */
export const customersRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;
  const view = { access: { policy: 'customers.view' as const } };
  const manage = { access: { policy: 'customers.manage' as const } };

  r.get(
    base,
    {
      config: view,
      schema: {
        tags,
        summary: 'Search the store’s customers by name, reading, phone, member number or e-mail',
        params: storeParams,
        querystring: customerQuery,
        response: { 200: customerPage },
      },
    },
    async (request) => searchCustomers(db, storeContext(request).storeId, request.query),
  );

  r.post(
    base,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Register a customer (会員登録)',
        params: storeParams,
        headers: idempotencyHeaders,
        body: customerInput,
        response: { 200: customerDetail, 201: customerDetail },
      },
    },
    async (request, reply) => {
      const ctx = storeContext(request);
      const outcome = await withTransaction(db, (tx) =>
        createCustomer(tx, ctx, request.body, idempotencyKeyOf(request)),
      );
      return sendOutcome(reply, outcome);
    },
  );

  r.get(
    `${base}/:customerId`,
    {
      config: view,
      schema: {
        tags,
        summary: 'One customer with their sales figures (kept by worker-transaction, eventually consistent)',
        params: customerParams,
        response: { 200: customerDetail },
      },
    },
    async (request) => readCustomer(db, storeContext(request).storeId, request.params.customerId),
  );

  r.patch(
    `${base}/:customerId`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Change a customer',
        params: customerParams,
        body: customerPatch,
        response: { 200: customerDetail },
      },
    },
    async (request) => {
      const ctx = storeContext(request);
      return withTransaction(db, (tx) => updateCustomer(tx, ctx, request.params.customerId, request.body));
    },
  );

  r.delete(
    `${base}/:customerId`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Archive a customer (退会): hidden from search and new sales, figures kept',
        params: customerParams,
      },
    },
    async (request, reply) => {
      const ctx = storeContext(request);
      await withTransaction(db, (tx) => archiveCustomer(tx, ctx, request.params.customerId));
      return reply.status(204).send();
    },
  );

  r.post(
    `${base}/:customerId/restore`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Take a customer back from 退会: listed and sellable again, same member number and figures',
        params: customerParams,
        response: { 200: customerDetail },
      },
    },
    async (request) => {
      const ctx = storeContext(request);
      return withTransaction(db, (tx) => restoreCustomer(tx, ctx, request.params.customerId));
    },
  );
};
