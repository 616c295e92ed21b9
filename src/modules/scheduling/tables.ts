import type { Id } from '../../platform/db/database.ts';

export interface ScheduleRunTable {
  kind: string;
  /** The scheduled time (UTC ISO, to the minute) of a periodic run, or `job:<id>` of a delayed job. */
  slot: string;
  fired_at: string;
  finished_at: string | null;
}

export type DelayedJobStatus = 'pending' | 'enqueued' | 'done' | 'cancelled';

export interface DelayedJobTable {
  id: Id;
  kind: string;
  run_at: string;
  payload: string;
  /** Lets the requester replace or cancel "the" job for something (e.g. one payment timeout per order). */
  dedup_key: string | null;
  status: DelayedJobStatus;
  corporation_id: number | null;
  store_id: number | null;
  created_at: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    schedule_run: ScheduleRunTable;
    delayed_job: DelayedJobTable;
  }
}
