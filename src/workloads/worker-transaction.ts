import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-transaction',
  description:
    'After a sale, buy or return: customer stats, points, consignor revenue, receipt mail, running totals.',
  handlers: consumers['worker-transaction'],
});
