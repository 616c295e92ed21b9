import { toDbTime } from '../../kernel/time.ts';
import { onEvent } from '../../platform/bus/handler.ts';
import { publish } from '../../platform/bus/outbox.ts';
import { priceChanged } from '../catalog/events.ts';
import { refreshEcStock } from './ec-stock.ts';
import { lowStock, stockChanged } from './events.ts';
import './tables.ts';

/**
 * worker-product: side effects of stock and price changes. Each recomputes from the current rows
 * (absolute figures), so a late or repeated event converges on the same result.
 */
export const ecStock = onEvent('inventory.ec_stock', stockChanged, (tx, event) =>
  refreshEcStock(tx, event.data.productId),
);

/**
 * Raises `inventory.low_stock` when this movement took the product from above its threshold to at
 * or below it (a crossing, so a product that stays low is announced once, not on every sale).
 */
export const lowStockNotice = onEvent('inventory.low_stock_notice', stockChanged, async (tx, event) => {
  const p = await tx
    .selectFrom('product')
    .select(['low_stock_threshold', 'item_id'])
    .where('id', '=', event.data.productId)
    .executeTakeFirst();
  if (!p || p.low_stock_threshold === null) return;
  const threshold = Number(p.low_stock_threshold);
  const after = event.data.stock;
  const before = after - event.data.quantity;
  if (!(before > threshold && after <= threshold)) return;
  await publish(
    tx,
    lowStock.build({
      corporationId: event.corporationId,
      storeId: event.storeId,
      key: `product:${event.data.productId}`,
      data: { productId: event.data.productId, itemId: Number(p.item_id), stock: after, threshold },
    }),
  );
});

/** One row per product and business day (store time zone), holding the day's latest prices. */
export const priceHistory = onEvent('inventory.price_history', priceChanged, async (tx, event) => {
  const store = await tx
    .selectFrom('store')
    .select('time_zone')
    .where('id', '=', event.storeId ?? 0)
    .executeTakeFirst();
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: store?.time_zone ?? 'Asia/Tokyo' }).format(
    new Date(event.occurredAt),
  );
  const values = {
    sell_price: event.data.sellPrice,
    buy_price: event.data.buyPrice,
    ec_price: event.data.ecPrice,
    updated_at: toDbTime(new Date(event.occurredAt)),
  };
  // Only a newer event may overwrite the day's row (events of one product arrive in order, but be safe).
  const res = await tx
    .updateTable('price_history')
    .set(values)
    .where('product_id', '=', event.data.productId)
    .where('day', '=', day)
    .where('updated_at', '<=', values.updated_at)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return;
  const exists = await tx
    .selectFrom('price_history')
    .select('day')
    .where('product_id', '=', event.data.productId)
    .where('day', '=', day)
    .executeTakeFirst();
  if (!exists)
    await tx
      .insertInto('price_history')
      .values({ product_id: event.data.productId, day, store_id: event.storeId ?? 0, ...values })
      .execute();
});
