import { toDbTime } from '../../kernel/time.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { publish } from '../../platform/bus/outbox.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { chunkReady } from './events.ts';
import { taskKind, type TaskScope } from './kinds.ts';
import './tables.ts';

export const MAX_TASK_ITEMS = 100_000;

/**
 * Creates a task and publishes its chunks, in the caller's transaction: the task exists iff its
 * chunks will be processed. Items are validated up front, so a task never starts with bad input.
 */
export async function createTask(
  tx: Tx,
  scope: TaskScope,
  input: { kind: string; items: unknown[]; chunkSize?: number },
): Promise<number> {
  const kind = taskKind(input.kind);
  if (!kind) throw new ValidationError([{ field: 'kind', message: `unknown task kind "${input.kind}"`, code: 'unknown' }]);
  if (input.items.length === 0) throw new ValidationError([{ field: 'items', message: 'at least one item', code: 'empty' }]);
  if (input.items.length > MAX_TASK_ITEMS)
    throw new ValidationError([{ field: 'items', message: `at most ${MAX_TASK_ITEMS} items`, code: 'too_many' }]);
  const fieldErrors: { field: string; message: string }[] = [];
  for (const [i, item] of input.items.entries()) {
    const r = kind.item.safeParse(item);
    if (!r.success) fieldErrors.push(...r.error.issues.map((x) => ({ field: `items.${i}`, message: x.message })));
    if (fieldErrors.length >= 50) break;
  }
  if (fieldErrors.length > 0) throw new ValidationError(fieldErrors, 'Some items are not valid.');
  const size = Math.max(1, Math.min(input.chunkSize ?? 100, 1000));
  const chunks = Math.ceil(input.items.length / size);
  const now = toDbTime(new Date());
  const res = await tx
    .insertInto('task')
    .values({
      corporation_id: scope.corporationId,
      store_id: scope.storeId,
      kind: kind.kind,
      status: 'queued',
      total: input.items.length,
      processed: 0,
      failed: 0,
      chunks,
      chunks_done: 0,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    .executeTakeFirstOrThrow();
  const taskId = Number(res.insertId);
  for (let c = 0; c < chunks; c++) {
    await publish(
      tx,
      chunkReady.build({
        corporationId: scope.corporationId,
        storeId: scope.storeId,
        // One key per chunk: chunks run in parallel; each chunk is one message.
        key: `task:${taskId}:${c}`,
        data: { taskId, chunk: c, first: c * size, items: input.items.slice(c * size, (c + 1) * size) },
      }),
    );
  }
  return taskId;
}

/** Cancels a queued or running task of the scope: chunks not yet processed are skipped. */
export async function cancelTask(tx: Tx, scope: TaskScope, taskId: number): Promise<void> {
  const task = await scoped(tx, scope, taskId);
  if (task.status !== 'queued' && task.status !== 'running')
    throw new ConflictError('task_finished', `Task ${taskId} is ${task.status}; only queued or running tasks can be cancelled.`);
  const now = toDbTime(new Date());
  await tx
    .updateTable('task')
    .set({ status: 'cancelled', updated_at: now, finished_at: now })
    .where('id', '=', taskId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

async function scoped(tx: Tx, scope: TaskScope, taskId: number) {
  let q = tx.selectFrom('task').selectAll().where('id', '=', taskId).where('corporation_id', '=', scope.corporationId);
  if (scope.storeId !== null) q = q.where('store_id', '=', scope.storeId);
  const task = await q.executeTakeFirst();
  if (!task) throw new NotFoundError(`Task ${taskId}`);
  return task;
}
