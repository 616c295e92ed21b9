import './tables.ts';
import { statsOfReturn, statsOfSale } from './handlers.ts';

/** What other modules and the workloads use from customers. */
export { customersRoutes } from './routes.ts';
export { customerOf, readCustomer, searchCustomers } from './queries.ts';
export { archiveCustomer, createCustomer, restoreCustomer, updateCustomer } from './commands.ts';
export type { CustomerDetail, CustomerView } from './schemas.ts';

export const handlers = { statsOfSale, statsOfReturn };
