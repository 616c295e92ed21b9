import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

/** A notification row is waiting to be delivered. Only its id travels: no address, no content. */
export const notificationRequested = defineEvent(
  'notifications.requested',
  1,
  z.object({ notificationId: z.number().int().positive() }),
);

export const events = [notificationRequested];
