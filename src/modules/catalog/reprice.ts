import { z } from 'zod';
import { ValidationError } from '../../kernel/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { createTask, defineTaskKind } from '../tasks/index.ts';
import { ensureProducts, priceItems, type CatalogScope } from './products.ts';
import './tables.ts';

/**
 * Re-pricing after a rate or rounding change: a task (run by worker-item, chunk by chunk with
 * progress) whose items are the affected item ids. Each item also gets any product it lacks (a
 * condition added to its category), then its prices are recomputed by the engine.
 */
export const repriceKind = defineTaskKind({
  kind: 'catalog.reprice',
  item: z.object({ itemId: z.number().int().positive() }),
  refOf: (item) => `item ${item.itemId}`,
  async process(tx, item, scope) {
    if (scope.storeId === null)
      throw new ValidationError([{ field: 'storeId', message: 're-pricing is per store' }]);
    const s: CatalogScope = { corporationId: scope.corporationId, storeId: scope.storeId };
    // An item deleted or moved since the task started is simply skipped.
    const exists = await tx
      .selectFrom('item')
      .select('id')
      .where('id', '=', item.itemId)
      .where('store_id', '=', s.storeId)
      .executeTakeFirst();
    if (!exists) return;
    const created = await ensureProducts(tx, s, item.itemId);
    await priceItems(tx, s, [item.itemId], new Set(created));
  },
});

export type RepriceFilter = { all: true } | { categoryId: number } | { genreId: number };

/** Starts re-pricing the affected items of the store; null when no item is affected. */
export async function startRepricing(
  tx: Tx,
  scope: CatalogScope,
  filter: RepriceFilter,
): Promise<number | null> {
  let q = tx.selectFrom('item').select('id').where('store_id', '=', scope.storeId);
  if ('categoryId' in filter) q = q.where('category_id', '=', filter.categoryId);
  if ('genreId' in filter) q = q.where('genre_id', '=', filter.genreId);
  const ids = await q.orderBy('id').execute();
  if (ids.length === 0) return null;
  return createTask(tx, scope, {
    kind: repriceKind.kind,
    items: ids.map((r) => ({ itemId: Number(r.id) })),
    chunkSize: 200,
  });
}
