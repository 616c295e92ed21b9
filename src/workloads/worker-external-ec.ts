import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-external-ec',
  description: 'Pushes stock and prices to external shops and imports their orders exactly once.',
  handlers: consumers['worker-external-ec'],
});
