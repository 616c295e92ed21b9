import type { Id } from '../../platform/db/database.ts';

export type TaskStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface TaskTable {
  id: Id;
  corporation_id: number;
  store_id: number | null;
  kind: string;
  status: TaskStatus;
  total: number;
  processed: number;
  failed: number;
  chunks: number;
  chunks_done: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface TaskItemErrorTable {
  id: Id;
  task_id: number;
  item: string;
  message: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    task: TaskTable;
    task_item_error: TaskItemErrorTable;
  }
}
