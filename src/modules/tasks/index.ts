import './tables.ts';
import { runChunk } from './handlers.ts';

export { events, chunkReady } from './events.ts';
export { createTask, cancelTask } from './commands.ts';
export { defineTaskKind, type TaskKind, type TaskScope } from './kinds.ts';
export { findTask, type TaskView } from './queries.ts';
export { tasksRoutes } from './routes.ts';

export const handlers = { runChunk };
export { cleanupTasks } from './scheduled.ts';
