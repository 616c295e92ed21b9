import { defineRelay } from '../platform/runtime/workload.ts';

export default defineRelay({
  name: 'backend-outbox',
  description: 'Relays committed outbox rows to the bus in order per key; one active relay at a time.',
});
