import { uuidv7 } from '../../kernel/uuid.ts';
import type { EventEnvelope } from './events.ts';

/**
 * EventBridge Scheduler writes its own message to worker-scheduled's queue (it cannot build our
 * envelope: no UUIDv7, no validation). This turns such a tick into the `scheduled.fired` envelope the
 * in-process clock would have published; the run's slot is the scheduled minute, so the handler's
 * (kind, slot) record still makes it happen once.
 */
export interface SchedulerTick {
  type: 'scheduled.tick';
  schedule: string;
  scheduledAt: string;
  executionId?: string;
}

export function isSchedulerTick(body: unknown): body is SchedulerTick {
  const b = body as Partial<SchedulerTick> | null;
  return b?.type === 'scheduled.tick' && typeof b.schedule === 'string' && typeof b.scheduledAt === 'string';
}

export function envelopeOfTick(tick: SchedulerTick): EventEnvelope {
  const at = new Date(tick.scheduledAt);
  if (Number.isNaN(at.getTime())) throw new Error(`scheduler tick with an invalid time: ${tick.scheduledAt}`);
  const slot = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
  return {
    id: uuidv7(),
    type: 'scheduled.fired',
    version: 1,
    occurredAt: at.toISOString(),
    corporationId: null,
    storeId: null,
    key: `schedule:${tick.schedule}`,
    data: { kind: tick.schedule, slot, delayedJobId: null },
  };
}
