import { Cron } from 'croner';
import type { Db } from '../../platform/db/connect.ts';
import type { Logger } from '../../platform/log/log.ts';
import { enqueueDueJobs, fireSlot, slotOf } from './commands.ts';
import type { ScheduledKind } from './kinds.ts';

export interface Clock {
  stop(): Promise<void>;
}

/**
 * The in-process scheduler clock: fires each periodic kind on its cron (in its time zone) and
 * enqueues due delayed jobs every `tickMs`. Any number of clocks may run (one per worker-scheduled
 * process): `fireSlot` and `enqueueDueJobs` make each run happen once.
 */
export function startClock(o: {
  db: Db;
  log: Logger;
  kinds: readonly ScheduledKind[];
  tickMs: number;
  /** `delayed-only`: periodic runs come from elsewhere (EventBridge Scheduler in AWS). */
  periodic: boolean;
}): Clock {
  const crons = o.kinds
    .filter((k) => k.cron && o.periodic)
    .map(
      (k) =>
        new Cron(k.cron!, { timezone: k.timeZone ?? 'Asia/Tokyo', protect: true }, async () => {
          const slot = slotOf(new Date());
          try {
            if (await fireSlot(o.db, k.kind, slot))
              o.log.info({ kind: k.kind, slot }, 'scheduled run enqueued');
          } catch (err) {
            o.log.error({ err, kind: k.kind, slot }, 'could not enqueue a scheduled run');
          }
        }),
    );
  let running: Promise<unknown> = Promise.resolve();
  const ticker = setInterval(() => {
    running = enqueueDueJobs(o.db, new Date())
      .then((n) => n > 0 && o.log.info({ jobs: n }, 'delayed jobs enqueued'))
      .catch((err: unknown) => o.log.error({ err }, 'could not enqueue delayed jobs'));
  }, o.tickMs);
  return {
    async stop() {
      for (const c of crons) c.stop();
      clearInterval(ticker);
      await running;
    },
  };
}
