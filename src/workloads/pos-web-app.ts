import { staffAuthenticator, tenancyRoutes } from '../modules/tenancy/index.ts';
import { defineWebApp } from '../platform/runtime/workload.ts';

export default defineWebApp({
  name: 'pos-web-app',
  description: 'Staff API and the POS app: sales, buy-ins, stock, registers, customers, settings, reports.',
  port: (config) => config.POS_PORT,
  authenticator: (p) => staffAuthenticator(p),
  plugins: [tenancyRoutes],
});
