import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

/** One chunk of a task's items, to be processed by the task kind's item processor. */
export const chunkReady = defineEvent(
  'tasks.chunk_ready',
  1,
  z.object({
    taskId: z.number().int().positive(),
    chunk: z.number().int().min(0),
    /** Position of the chunk's first item in the task (0-based), for item references. */
    first: z.number().int().min(0),
    items: z.array(z.unknown()).min(1),
  }),
);

export const events = [chunkReady];
