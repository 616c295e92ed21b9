import type { EventDefinition } from '../platform/bus/events.ts';
import type { EventHandler } from '../platform/bus/handler.ts';
import type { WorkerName } from '../platform/bus/topology-types.ts';
import * as catalog from '../modules/catalog/index.ts';
import * as inventory from '../modules/inventory/index.ts';
import * as tasks from '../modules/tasks/index.ts';

/**
 * Wiring: every product event type, and which worker runs which handlers. The worker workloads and
 * the topology (`platform/bus/topology.ts`) both read this, so a subscription is declared once.
 */
export const productEvents: readonly EventDefinition[] = [
  ...tasks.events,
  ...catalog.events,
  ...inventory.events,
];

export const consumers: Record<WorkerName, readonly EventHandler[]> = {
  'worker-item': [tasks.handlers.runChunk],
  'worker-product': [
    inventory.handlers.ecStock,
    inventory.handlers.lowStockNotice,
    inventory.handlers.priceHistory,
  ],
  'worker-transaction': [],
  'worker-ec-order': [],
  'worker-external-ec': [],
  'worker-scheduled': [],
  'worker-notification': [],
};
