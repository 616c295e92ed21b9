import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-scheduled',
  description: 'Periodic and delayed work from the scheduler: campaigns, point expiry, payment timeouts.',
  handlers: consumers['worker-scheduled'],
});
