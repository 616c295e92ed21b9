import { startClock } from '../modules/scheduling/index.ts';
import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';
import { schedules } from './schedules.ts';

export default defineWorker({
  name: 'worker-scheduled',
  description: 'Periodic and delayed work from the scheduler: campaigns, point expiry, payment timeouts.',
  handlers: consumers['worker-scheduled'],
  background: (p, log) =>
    p.config.SCHEDULER_CLOCK === 'off'
      ? { stop: async () => {} }
      : startClock({
          db: p.db.db,
          log,
          kinds: schedules,
          tickMs: p.config.SCHEDULER_TICK_MS,
          periodic: p.config.SCHEDULER_CLOCK === 'all',
        }),
});
