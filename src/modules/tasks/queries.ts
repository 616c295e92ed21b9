import type { Db } from '../../platform/db/connect.ts';
import type { TaskScope } from './kinds.ts';
import type { TaskStatus } from './tables.ts';
import './tables.ts';

export interface TaskView {
  id: number;
  kind: string;
  status: TaskStatus;
  total: number;
  processed: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  errors: { item: string; message: string }[];
}

export const isFinished = (s: TaskStatus) => s === 'done' || s === 'failed' || s === 'cancelled';

/**
 * A task as its owner sees it, or undefined when it does not exist in the scope: a staff member of a
 * store sees that store's tasks; a corporation-wide scope (storeId null) sees the corporation's.
 */
export async function findTask(db: Db, scope: TaskScope, taskId: number, errorLimit = 100): Promise<TaskView | undefined> {
  let q = db.selectFrom('task').selectAll().where('id', '=', taskId).where('corporation_id', '=', scope.corporationId);
  if (scope.storeId !== null) q = q.where('store_id', '=', scope.storeId);
  const t = await q.executeTakeFirst();
  if (!t) return undefined;
  const errors = await db
    .selectFrom('task_item_error')
    .select(['item', 'message'])
    .where('task_id', '=', taskId)
    .orderBy('id')
    .limit(errorLimit)
    .execute();
  return {
    id: Number(t.id),
    kind: t.kind,
    status: t.status,
    total: Number(t.total),
    processed: Number(t.processed),
    failed: Number(t.failed),
    createdAt: t.created_at,
    finishedAt: t.finished_at,
    errors,
  };
}
