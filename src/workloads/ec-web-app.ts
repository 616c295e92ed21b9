import { defineWebApp } from '../platform/runtime/workload.ts';

export default defineWebApp({
  name: 'ec-web-app',
  description: 'Shopper API and storefront: listings of all shops, cart per shop, checkout, order history.',
  port: (config) => config.EC_PORT,
  plugins: [],
});
