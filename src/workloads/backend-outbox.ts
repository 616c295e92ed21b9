import { defineWorker } from '../platform/runtime/workload.ts';

export default defineWorker({
  name: 'backend-outbox',
  description: 'Relays committed outbox rows to the bus in order per key; one active relay at a time.',
  kind: 'backend',
  handlers: [],
});
