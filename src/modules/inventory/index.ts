import './tables.ts';
import { ecStock, lowStockNotice, priceHistory } from './handlers.ts';

/**
 * What other modules use from inventory. `moveStock(tx, ctx, move)` — or `moveStocks` for the lines
 * of one sale or document — is the ONE way stock changes: call it inside your own transaction
 * (sales, returns, buy-ins, EC orders...).
 */
export {
  lockStock,
  moveStock,
  moveStocks,
  type LockedStock,
  OutOfStockError,
  type StockContext,
  type StockMove,
  type StockBalance,
} from './ledger.ts';
export { events, stockChanged, lowStock } from './events.ts';
export { inventoryRoutes } from './routes.ts';
export { ecStockOf } from './rules.ts';

export const handlers = { ecStock, lowStockNotice, priceHistory };
