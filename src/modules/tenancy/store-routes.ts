import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorContext, storeContext } from './access.ts';
import { storesOfAccount } from './queries.ts';
import { archiveRegister, createRegister, listRegisters, updateRegister } from './registers.ts';
import {
  id,
  registerInput,
  registerPatch,
  storeParams,
  storePatch,
  registerList,
  registerResponse,
  storeResponse,
  storeSummaryList,
} from './schemas.ts';
import { readStore, updateStore } from './stores.ts';

const tags = ['stores'];
const registerParams = storeParams.extend({ registerId: id });

/** Store-scoped routes: the hook has already checked `:storeId` against the session (else 404). */
export const storeRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;

  r.get(
    '/api/v1/stores',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The stores this account may use, with their registers',
        response: { 200: storeSummaryList },
      },
    },
    async (request) => {
      const a = actorContext(request);
      return { items: await storesOfAccount(db, a.accountId, a.corporationId) };
    },
  );

  r.get(
    '/api/v1/stores/:storeId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'One store and its settings',
        response: { 200: storeResponse },
        params: storeParams,
      },
    },
    async (request) => {
      const ctx = storeContext(request);
      return readStore(db, ctx.corporationId, ctx.storeId);
    },
  );

  r.patch(
    '/api/v1/stores/:storeId',
    {
      config: { access: { policy: 'store.update' } },
      schema: {
        tags,
        summary: 'Change the store and its settings',
        response: { 200: storeResponse },
        params: storeParams,
        body: storePatch,
      },
    },
    async (request) => updateStore(db, storeContext(request), request.body),
  );

  r.get(
    '/api/v1/stores/:storeId/registers',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Registers of the store',
        response: { 200: registerList },
        params: storeParams,
      },
    },
    async (request) => ({ items: await listRegisters(db, storeContext(request)) }),
  );

  r.post(
    '/api/v1/stores/:storeId/registers',
    {
      config: { access: { policy: 'store.update' } },
      schema: {
        tags,
        summary: 'Add a register',
        response: { 201: registerResponse },
        params: storeParams,
        body: registerInput,
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createRegister(db, storeContext(request), request.body)),
  );

  r.patch(
    '/api/v1/stores/:storeId/registers/:registerId',
    {
      config: { access: { policy: 'store.update' } },
      schema: {
        tags,
        summary: 'Rename a register or make it primary',
        response: { 200: registerResponse },
        params: registerParams,
        body: registerPatch,
      },
    },
    async (request) => updateRegister(db, storeContext(request), request.params.registerId, request.body),
  );

  r.delete(
    '/api/v1/stores/:storeId/registers/:registerId',
    {
      config: { access: { policy: 'store.update' } },
      schema: { tags, summary: 'Remove a register (not the primary one)', params: registerParams },
    },
    async (request, reply) => {
      await archiveRegister(db, storeContext(request), request.params.registerId);
      return reply.status(204).send();
    },
  );
};
