import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTransaction } from '../../platform/db/transaction.ts';
import { actorContext } from './access.ts';
import { listAudit } from './audit.ts';
import { barcodeSecretOf } from './auth-routes.ts';
import { readCorporation, updateCorporation } from './corporation.ts';
import { createGroup, deleteGroup, listGroups, updateGroup } from './groups.ts';
import { hashPassword } from './passwords.ts';
import {
  corporationPatch,
  groupInput,
  groupPatch,
  id,
  staffInput,
  staffPatch,
  storeInput,
  auditPage,
  corporationResponse,
  groupList,
  groupResponse,
  staffList,
  staffResponse,
  storeResponse,
} from './schemas.ts';
import { createStaff, listStaff, readStaff, staffBarcode, updateStaff } from './staff.ts';
import { createStore, readStore } from './stores.ts';

const idParams = z.object({ id });

/** Corporation-wide administration: the corporation, stores, staff, groups, the audit log. */
export const adminRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;
  const secret = barcodeSecretOf(app);

  r.get(
    '/api/v1/corporation',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['corporation'], summary: 'The corporation', response: { 200: corporationResponse } },
    },
    async (request) => readCorporation(db, actorContext(request).corporationId),
  );
  r.patch(
    '/api/v1/corporation',
    {
      config: { access: { policy: 'corporation.update' } },
      schema: {
        tags: ['corporation'],
        summary: 'Change the corporation',
        response: { 200: corporationResponse },
        body: corporationPatch,
      },
    },
    async (request) => updateCorporation(db, actorContext(request), request.body),
  );

  r.post(
    '/api/v1/admin/stores',
    {
      config: { access: { policy: 'corporation.update' } },
      schema: {
        tags: ['stores'],
        summary: 'Open a store (with its primary register)',
        response: { 201: storeResponse },
        body: storeInput,
      },
    },
    async (request, reply) => {
      const a = actorContext(request);
      const storeId = await withTransaction(db, (tx) => createStore(tx, a, request.body));
      return reply.status(201).send(await readStore(db, a.corporationId, storeId));
    },
  );

  r.get(
    '/api/v1/admin/staff',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: { tags: ['staff'], summary: 'All staff accounts', response: { 200: staffList } },
    },
    async (request) => ({ items: await listStaff(db, actorContext(request).corporationId) }),
  );
  r.post(
    '/api/v1/admin/staff',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'Add a staff account',
        response: { 201: staffResponse },
        body: staffInput,
      },
    },
    async (request, reply) => {
      const a = actorContext(request);
      const hash = await hashPassword(request.body.password);
      const staffId = await withTransaction(db, (tx) => createStaff(tx, a, request.body, hash));
      return reply.status(201).send(await readStaff(db, a.corporationId, staffId));
    },
  );
  r.get(
    '/api/v1/admin/staff/:id',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'One staff account',
        response: { 200: staffResponse },
        params: idParams,
      },
    },
    async (request) => readStaff(db, actorContext(request).corporationId, request.params.id),
  );
  r.patch(
    '/api/v1/admin/staff/:id',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'Change, disable or reset a staff account',
        response: { 200: staffResponse },
        params: idParams,
        body: staffPatch,
      },
    },
    async (request) => updateStaff(db, actorContext(request), request.params.id, request.body),
  );
  r.get(
    '/api/v1/admin/staff/:id/barcode',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'The signed text of the staff barcode',
        response: { 200: z.object({ barcode: z.string() }) },
        params: idParams,
      },
    },
    async (request) => ({
      barcode: await staffBarcode(db, actorContext(request).corporationId, request.params.id, await secret()),
    }),
  );

  r.get(
    '/api/v1/admin/groups',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'Permission groups (built-in and own)',
        response: { 200: groupList },
      },
    },
    async (request) => ({ items: await listGroups(db, actorContext(request).corporationId) }),
  );
  r.post(
    '/api/v1/admin/groups',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'Create a permission group',
        response: { 201: groupResponse },
        body: groupInput,
      },
    },
    async (request, reply) => {
      const a = actorContext(request);
      const groupId = await withTransaction(db, (tx) => createGroup(tx, a, request.body));
      return reply.status(201).send((await listGroups(db, a.corporationId)).find((g) => g.id === groupId)!);
    },
  );
  r.patch(
    '/api/v1/admin/groups/:id',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: {
        tags: ['staff'],
        summary: 'Change a permission group',
        response: { 200: groupResponse },
        params: idParams,
        body: groupPatch,
      },
    },
    async (request) => updateGroup(db, actorContext(request), request.params.id, request.body),
  );
  r.delete(
    '/api/v1/admin/groups/:id',
    {
      config: { access: { policy: 'staff.manage' } },
      schema: { tags: ['staff'], summary: 'Delete an unused permission group', params: idParams },
    },
    async (request, reply) => {
      await deleteGroup(db, actorContext(request), request.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/admin/audit-log',
    {
      config: { access: { policy: 'audit.view' } },
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, newest first',
        response: { 200: auditPage },
        querystring: z.object({
          before: id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => listAudit(db, actorContext(request).corporationId, request.query),
  );
};
