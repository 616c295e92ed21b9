import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

/** A scheduled run is due: a periodic slot, or a delayed job whose time has come. */
export const scheduledFired = defineEvent(
  'scheduled.fired',
  1,
  z.object({
    kind: z.string().min(1).max(100),
    slot: z.string().min(1).max(40),
    delayedJobId: z.number().int().positive().nullable(),
  }),
);

export const events = [scheduledFired];
