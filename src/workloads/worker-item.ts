import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-item',
  description: 'Item master work: bulk import, price recomputation, search-index upkeep.',
  handlers: consumers['worker-item'],
});
