export { startClock } from './clock.ts';
export {
  cancelScheduled,
  enqueueDueJobs,
  fireSlot,
  scheduleAt,
  slotOf,
  type DelayedJobInput,
} from './commands.ts';
export { events, scheduledFired } from './events.ts';
export { runScheduledHandler } from './handlers.ts';
export { defineScheduledKind, type ScheduledKind } from './kinds.ts';
import './tables.ts';
