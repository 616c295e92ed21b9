import type { EventDefinition } from '../platform/bus/events.ts';
import type { EventHandler } from '../platform/bus/handler.ts';
import type { WorkerName } from '../platform/bus/topology-types.ts';
import * as notifications from '../modules/notifications/index.ts';
import * as scheduling from '../modules/scheduling/index.ts';
import * as registers from '../modules/registers/index.ts';
import * as catalog from '../modules/catalog/index.ts';
import * as inventory from '../modules/inventory/index.ts';
import * as sales from '../modules/sales/index.ts';
import * as customers from '../modules/customers/index.ts';
import * as tasks from '../modules/tasks/index.ts';
import { schedules } from './schedules.ts';

/**
 * Wiring: every product event type, and which worker runs which handlers. The worker workloads and
 * the topology (`platform/bus/topology.ts`) both read this, so a subscription is declared once.
 */
export const productEvents: readonly EventDefinition[] = [
  ...tasks.events,
  ...notifications.events,
  ...scheduling.events,
  ...registers.events,
  ...catalog.events,
  ...inventory.events,
  ...sales.events,
];

export const consumers: Record<WorkerName, readonly EventHandler[]> = {
  'worker-item': [tasks.handlers.runChunk],
  'worker-product': [
    inventory.handlers.ecStock,
    inventory.handlers.lowStockNotice,
    inventory.handlers.priceHistory,
  ],
  'worker-transaction': [
    sales.handlers.runningTotalOfSale,
    sales.handlers.runningTotalOfReturn,
    sales.handlers.receiptMail,
    customers.handlers.statsOfSale,
    customers.handlers.statsOfReturn,
  ],
  'worker-ec-order': [],
  'worker-external-ec': [],
  'worker-scheduled': [scheduling.runScheduledHandler(schedules)],
  'worker-notification': [notifications.handlers.deliver],
};
