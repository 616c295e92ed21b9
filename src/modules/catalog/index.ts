import './tables.ts';
import './reprice.ts';
import './import.ts';

/** What other modules and the workloads use from the catalogue. */
export { events, itemChanged, priceChanged } from './events.ts';
export { catalogRoutes } from './routes.ts';
export {
  createItem,
  createGenre,
  createCategory,
  createSpecialty,
  updateItem,
  updateProduct,
} from './commands.ts';
export {
  readItem,
  readProduct,
  lookupCode,
  searchItems,
  type ItemView,
  type ProductView,
} from './queries.ts';
export { readSettings, type CatalogSettings } from './settings.ts';
export { startRepricing, repriceKind } from './reprice.ts';
export type { CatalogScope } from './products.ts';
export { startItemImport, importKind } from './import.ts';
