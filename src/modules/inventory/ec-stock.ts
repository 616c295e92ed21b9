import type { Tx } from '../../platform/db/transaction.ts';
import { readSettings } from '../catalog/settings.ts';
import { ecStockOf } from './rules.ts';
import './tables.ts';

/**
 * Sets a product's online stock from its current stock and reserve (the store's default when the
 * product has none). Absolute, so running it again, late or twice gives the same figure.
 */
export async function refreshEcStock(tx: Tx, productId: number): Promise<void> {
  const p = await tx
    .selectFrom('product')
    .select(['stock', 'reserve', 'store_id'])
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!p) return;
  const reserve =
    p.reserve === null ? (await readSettings(tx, Number(p.store_id))).defaultReserve : Number(p.reserve);
  await tx
    .updateTable('product')
    .set({ ec_stock: ecStockOf(Number(p.stock), reserve) })
    .where('id', '=', productId)
    .execute();
}
