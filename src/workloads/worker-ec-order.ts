import { defineWorker } from '../platform/runtime/workload.ts';

export default defineWorker({
  name: 'worker-ec-order',
  description:
    'EC order state machine: payment confirmation and timeout, stock release, shortage, shipping notices.',
  handlers: [],
});
