import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-product',
  description: 'Stock and price side effects: EC stock, price history, low-stock alerts, channel fan-out.',
  handlers: consumers['worker-product'],
});
