import { consistencyRoutes } from '../modules/consistency/index.ts';
import { notificationRoutes } from '../modules/notifications/index.ts';
import { registersRoutes } from '../modules/registers/index.ts';
import { catalogRoutes } from '../modules/catalog/index.ts';
import { inventoryRoutes } from '../modules/inventory/index.ts';
import { salesRoutes } from '../modules/sales/index.ts';
import { customersRoutes } from '../modules/customers/index.ts';
import { reportingRoutes } from '../modules/reporting/index.ts';
import { tasksRoutes } from '../modules/tasks/index.ts';
import { staffAuthenticator, staffPrincipal, tenancyRoutes } from '../modules/tenancy/index.ts';
import { operationsRoutes } from '../platform/bus/operations-routes.ts';
import { spaRoutes, webAppDist } from '../platform/http/spa.ts';
import { defineWebApp } from '../platform/runtime/workload.ts';

export default defineWebApp({
  name: 'pos-web-app',
  description: 'Staff API and the POS app: sales, buy-ins, stock, registers, customers, settings, reports.',
  port: (config) => config.POS_PORT,
  authenticator: (p) => staffAuthenticator(p),
  plugins: [
    tenancyRoutes,
    notificationRoutes,
    consistencyRoutes,
    registersRoutes(),
    catalogRoutes,
    inventoryRoutes,
    salesRoutes,
    customersRoutes,
    reportingRoutes,
    // The POS single-page app (web/pos) at `/`; a wildcard, so it never shadows the routes above.
    spaRoutes({ dir: webAppDist('pos'), title: 'regi POS' }),
  ],
  platformPlugins: [
    (p) => operationsRoutes({ bus: p.bus }),
    // Staff follow the tasks of their corporation; in sales mode only those of their store.
    (p) =>
      tasksRoutes({
        db: p.db.db,
        cache: p.cache,
        scopeOf: (request) => {
          const { session } = staffPrincipal(request);
          return {
            corporationId: session.corporationId,
            storeId: session.mode === 'sales' ? session.storeId : null,
          };
        },
      }),
  ],
});
