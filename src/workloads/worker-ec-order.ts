import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-ec-order',
  description:
    'EC order state machine: payment confirmation and timeout, stock release, shortage, shipping notices.',
  handlers: consumers['worker-ec-order'],
});
