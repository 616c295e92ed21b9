import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { recordAudit, storeContext } from '../tenancy/index.ts';
import {
  addCondition,
  createCategory,
  createGenre,
  createItem,
  createSpecialty,
  setGenreRate,
  updateCondition,
  updateItem,
  updateProduct,
} from './commands.ts';
import { listCatalogSetup, lookupCode, readItem, readProduct, searchItems } from './queries.ts';
import { startItemImport } from './import.ts';
import { startRepricing } from './reprice.ts';
import {
  categoryInput,
  conditionInput,
  conditionPatch,
  genreInput,
  genreRateInput,
  id,
  itemInput,
  itemPatch,
  productPatch,
  searchInput,
  specialtyInput,
  storeParams,
} from './schemas.ts';
import { readSettings, settingsInput, writeSettings } from './settings.ts';

const tags = ['catalog'];
const base = '/api/v1/stores/:storeId';

/** Catalogue API: setup (genres, categories, conditions, specialties, settings), items, products, lookup, search. */
export const catalogRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = app.platform.db.db;
  const view = { access: { policy: 'items.view' as const } };
  const edit = { access: { policy: 'items.edit' as const } };
  const scopeOf = (request: Parameters<typeof storeContext>[0]) => {
    const c = storeContext(request);
    return { ctx: c, scope: { corporationId: c.corporationId, storeId: c.storeId } };
  };

  r.get(
    `${base}/catalog/setup`,
    {
      config: view,
      schema: {
        tags,
        summary: 'Genres, categories with conditions and rates, specialties',
        params: storeParams,
      },
    },
    async (request) => listCatalogSetup(db, storeContext(request).storeId),
  );

  r.get(
    `${base}/catalog/settings`,
    {
      config: view,
      schema: { tags, summary: 'Pricing and stock settings of the store', params: storeParams },
    },
    async (request) => readSettings(db, storeContext(request).storeId),
  );

  r.patch(
    `${base}/catalog/settings`,
    {
      config: edit,
      schema: {
        tags,
        summary: 'Change rounding, EC rate, cost method, default reserve (re-prices as a task)',
        params: storeParams,
        body: settingsInput,
      },
    },
    async (request) => {
      const { ctx, scope } = scopeOf(request);
      return withTransaction(db, async (tx) => {
        const { settings, pricesAffected } = await writeSettings(tx, scope, request.body);
        const taskId = pricesAffected ? await startRepricing(tx, scope, { all: true }) : null;
        await recordAudit(tx, ctx, {
          action: 'catalog.settings',
          targetType: 'store',
          targetId: scope.storeId,
          summary: 'Changed pricing settings',
        });
        return { settings, taskId };
      });
    },
  );

  r.post(
    `${base}/genres`,
    {
      config: edit,
      schema: { tags, summary: 'Add a genre (game title)', params: storeParams, body: genreInput },
    },
    async (request, reply) => {
      const { scope } = scopeOf(request);
      const genreId = await withTransaction(db, (tx) => createGenre(tx, scope, request.body));
      return reply.status(201).send({ id: genreId });
    },
  );

  r.put(
    `${base}/genres/:genreId/rates/:conditionId`,
    {
      config: edit,
      schema: {
        tags,
        summary: "Override a condition's rate for this genre (re-prices as a task)",
        params: storeParams.extend({ genreId: id, conditionId: id }),
        body: genreRateInput.nullable(),
      },
    },
    async (request) => {
      const { scope } = scopeOf(request);
      return withTransaction(db, async (tx) => {
        await setGenreRate(tx, scope, request.params.genreId, request.params.conditionId, request.body);
        return { taskId: await startRepricing(tx, scope, { genreId: request.params.genreId }) };
      });
    },
  );

  r.post(
    `${base}/categories`,
    {
      config: edit,
      schema: {
        tags,
        summary: 'Add a category with its condition options',
        params: storeParams,
        body: categoryInput,
      },
    },
    async (request, reply) => {
      const { scope } = scopeOf(request);
      const categoryId = await withTransaction(db, (tx) => createCategory(tx, scope, request.body));
      return reply.status(201).send({ id: categoryId });
    },
  );

  r.post(
    `${base}/categories/:categoryId/conditions`,
    {
      config: edit,
      schema: {
        tags,
        summary: 'Add a condition option (its products are created as a task)',
        params: storeParams.extend({ categoryId: id }),
        body: conditionInput,
      },
    },
    async (request, reply) => {
      const { scope } = scopeOf(request);
      const out = await withTransaction(db, async (tx) => {
        const conditionId = await addCondition(tx, scope, request.params.categoryId, request.body);
        return {
          id: conditionId,
          taskId: await startRepricing(tx, scope, { categoryId: request.params.categoryId }),
        };
      });
      return reply.status(201).send(out);
    },
  );

  r.patch(
    `${base}/conditions/:conditionId`,
    {
      config: edit,
      schema: {
        tags,
        summary: "Change a condition's sell/buy rate (re-prices as a task)",
        params: storeParams.extend({ conditionId: id }),
        body: conditionPatch,
      },
    },
    async (request) => {
      const { scope } = scopeOf(request);
      return withTransaction(db, async (tx) => {
        const { categoryId } = await updateCondition(tx, scope, request.params.conditionId, request.body);
        return { taskId: await startRepricing(tx, scope, { categoryId }) };
      });
    },
  );

  r.post(
    `${base}/specialties`,
    {
      config: edit,
      schema: { tags, summary: 'Add a specialty (e.g. PSA10)', params: storeParams, body: specialtyInput },
    },
    async (request, reply) => {
      const { scope } = scopeOf(request);
      return reply
        .status(201)
        .send({ id: await withTransaction(db, (tx) => createSpecialty(tx, scope, request.body)) });
    },
  );

  r.get(
    `${base}/items`,
    {
      config: view,
      schema: {
        tags,
        summary: 'Search items (name, reading, expansion, number, rarity, code) with filters, by cursor',
        params: storeParams,
        querystring: searchInput,
      },
    },
    async (request) => {
      const q = request.query;
      return searchItems(db, storeContext(request).storeId, {
        q: q.q,
        genreId: q.genreId,
        categoryId: q.categoryId,
        status: q.status,
        after: q.cursor,
        limit: q.limit,
      });
    },
  );

  r.post(
    `${base}/items`,
    {
      config: edit,
      schema: {
        tags,
        summary: 'Create an item; its products are created and priced',
        params: storeParams,
        body: itemInput,
      },
    },
    async (request, reply) => {
      const { scope } = scopeOf(request);
      const item = await withTransaction(db, async (tx) => {
        const itemId = await createItem(tx, scope, request.body);
        return readItem(tx, scope.storeId, itemId);
      });
      return reply.status(201).send(item);
    },
  );

  r.get(
    `${base}/items/:itemId`,
    {
      config: view,
      schema: { tags, summary: 'One item with its products', params: storeParams.extend({ itemId: id }) },
    },
    async (request) => {
      const item = await readItem(db, storeContext(request).storeId, request.params.itemId);
      if (!item) throw new NotFoundError(`Item ${request.params.itemId}`);
      return item;
    },
  );

  r.patch(
    `${base}/items/:itemId`,
    {
      config: edit,
      schema: {
        tags,
        summary: 'Change an item (re-prices its products)',
        params: storeParams.extend({ itemId: id }),
        body: itemPatch,
      },
    },
    async (request) => {
      const { scope } = scopeOf(request);
      return withTransaction(db, async (tx) => {
        await updateItem(tx, scope, request.params.itemId, request.body);
        return readItem(tx, scope.storeId, request.params.itemId);
      });
    },
  );

  r.get(
    `${base}/products/:productId`,
    { config: view, schema: { tags, summary: 'One product', params: storeParams.extend({ productId: id }) } },
    async (request) => {
      const p = await readProduct(db, storeContext(request).storeId, request.params.productId);
      if (!p) throw new NotFoundError(`Product ${request.params.productId}`);
      return p;
    },
  );

  r.patch(
    `${base}/products/:productId`,
    {
      config: edit,
      schema: {
        tags,
        summary: 'Manual prices, EC reserve, low-stock threshold of a product',
        params: storeParams.extend({ productId: id }),
        body: productPatch,
      },
    },
    async (request) => {
      const { scope } = scopeOf(request);
      return withTransaction(db, async (tx) => {
        await updateProduct(tx, scope, request.params.productId, request.body);
        return readProduct(tx, scope.storeId, request.params.productId);
      });
    },
  );

  r.get(
    `${base}/lookup`,
    {
      config: view,
      schema: {
        tags,
        summary: 'A scanned code: the product by its label barcode, or every product with that JAN',
        params: storeParams,
        querystring: z.object({ code: z.string().trim().min(1).max(40) }),
      },
    },
    async (request) => lookupCode(db, storeContext(request).storeId, request.query.code),
  );

  r.post(
    `${base}/items/import`,
    {
      config: edit,
      schema: {
        tags,
        summary:
          'Import items from CSV (header row; created, or updated by item code / JAN) as a task with a per-row error list',
        params: storeParams,
        body: z.object({ csv: z.string().min(1).max(20_000_000) }).strict(),
      },
    },
    async (request, reply) => {
      const { scope } = scopeOf(request);
      return reply
        .status(202)
        .send(await withTransaction(db, (tx) => startItemImport(tx, scope, request.body.csv)));
    },
  );
};
