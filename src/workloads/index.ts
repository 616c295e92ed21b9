import type { Workload } from '../platform/runtime/workload.ts';
import type { WorkloadName } from './names.ts';

/** Lazy so that `regi run worker-item` loads only what worker-item needs. */
export const workloads: Record<WorkloadName, () => Promise<Workload>> = {
  'pos-web-app': async () => (await import('./pos-web-app.ts')).default,
  'ec-web-app': async () => (await import('./ec-web-app.ts')).default,
  'backend-outbox': async () => (await import('./backend-outbox.ts')).default,
  'worker-item': async () => (await import('./worker-item.ts')).default,
  'worker-product': async () => (await import('./worker-product.ts')).default,
  'worker-transaction': async () => (await import('./worker-transaction.ts')).default,
  'worker-ec-order': async () => (await import('./worker-ec-order.ts')).default,
  'worker-external-ec': async () => (await import('./worker-external-ec.ts')).default,
  'worker-scheduled': async () => (await import('./worker-scheduled.ts')).default,
  'worker-notification': async () => (await import('./worker-notification.ts')).default,
  'job-daily-calculate': async () => (await import('./job-daily-calculate.ts')).default,
  'job-ensure-consistency': async () => (await import('./job-ensure-consistency.ts')).default,
};
