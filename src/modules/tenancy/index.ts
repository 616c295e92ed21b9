import type { FastifyPluginAsync } from 'fastify';
import { adminRoutes } from './admin-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { storeRoutes } from './store-routes.ts';
import './tables.ts';

/** What other modules and the workloads use from tenancy. */
export {
  staffAuthenticator,
  storeContext,
  actorContext,
  staffPrincipal,
  type StoreContext,
  type ActorContext,
} from './access.ts';
export { recordAudit, type AuditEntry } from './audit.ts';
export { tenancySeed } from './seed.ts';

export const tenancyRoutes: FastifyPluginAsync = async (app) => {
  await app.register(authRoutes);
  await app.register(storeRoutes);
  await app.register(adminRoutes);
};
