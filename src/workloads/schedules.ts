import { cleanupNotifications } from '../modules/notifications/index.ts';
import type { ScheduledKind } from '../modules/scheduling/index.ts';
import { cleanupTasks } from '../modules/tasks/index.ts';

/**
 * Wiring: every kind worker-scheduled runs. Periodic ones (with a cron) are fired by its clock, or
 * by EventBridge Scheduler entries generated from this same list in AWS.
 */
export const schedules: readonly ScheduledKind[] = [cleanupTasks, cleanupNotifications];
