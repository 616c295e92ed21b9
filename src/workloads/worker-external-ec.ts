import { defineWorker } from '../platform/runtime/workload.ts';

export default defineWorker({
  name: 'worker-external-ec',
  description: 'Pushes stock and prices to external shops and imports their orders exactly once.',
  handlers: [],
});
