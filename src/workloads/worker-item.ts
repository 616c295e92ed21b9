import { defineWorker } from '../platform/runtime/workload.ts';

export default defineWorker({
  name: 'worker-item',
  description: 'Item master work: bulk import, price recomputation, search-index upkeep.',
  handlers: [],
});
