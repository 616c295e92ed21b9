import { sql } from 'kysely';
import { ZodError } from 'zod';
import { AppError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { onEvent } from '../../platform/bus/handler.ts';
import { chunkReady } from './events.ts';
import { taskKind } from './kinds.ts';
import './tables.ts';

export const progressChannel = (taskId: number) => `task-progress:${taskId}`;

/**
 * Processes one chunk: each item in a savepoint (a failed item is rolled back and listed, the others
 * stay), then the counters, and the task's final status when this was its last chunk. The runtime's
 * inbox makes a redelivered chunk a no-op, so counts are exact.
 */
export const runChunk = onEvent('tasks.run_chunk', chunkReady, async (tx, event, ctx) => {
  const { taskId, items } = event.data;
  const task = await tx.selectFrom('task').select(['kind', 'status', 'corporation_id', 'store_id']).where('id', '=', taskId).executeTakeFirst();
  if (!task) {
    ctx.log.warn({ taskId }, 'chunk of a task that does not exist; dropped');
    return;
  }
  if (task.status === 'cancelled') return;
  const kind = taskKind(task.kind);
  if (!kind) throw new Error(`task kind ${task.kind} is not registered in this worker`);
  const scope = { corporationId: Number(task.corporation_id), storeId: task.store_id === null ? null : Number(task.store_id), taskId };
  let ok = 0;
  const errors: { task_id: number; item: string; message: string }[] = [];
  for (const [i, raw] of items.entries()) {
    await sql`savepoint task_item`.execute(tx);
    try {
      const item = kind.item.parse(raw);
      await kind.process(tx, item, scope);
      await sql`release savepoint task_item`.execute(tx);
      ok++;
    } catch (err) {
      await sql`rollback to savepoint task_item`.execute(tx);
      await sql`release savepoint task_item`.execute(tx);
      if (!(err instanceof AppError) && !(err instanceof ZodError)) throw err;
      let name = `#${event.data.first + i + 1}`;
      try {
        name = kind.refOf(raw as never, event.data.first + i);
      } catch {
        // an unparseable item keeps its position as its name
      }
      errors.push({ task_id: taskId, item: name.slice(0, 200), message: err.message.slice(0, 2000) });
    }
  }
  if (errors.length > 0) await tx.insertInto('task_item_error').values(errors).execute();
  const now = toDbTime(new Date());
  await tx
    .updateTable('task')
    .set({
      processed: sql`processed + ${ok}`,
      failed: sql`failed + ${errors.length}`,
      chunks_done: sql`chunks_done + 1`,
      status: sql`case when status = 'queued' then 'running' else status end`,
      updated_at: now,
    })
    .where('id', '=', taskId)
    .execute();
  await tx
    .updateTable('task')
    .set({ status: sql`case when failed = total then 'failed' else 'done' end`, finished_at: now })
    .where('id', '=', taskId)
    .where('status', '=', 'running')
    .whereRef('chunks_done', '=', 'chunks')
    .execute();
  ctx.afterCommit(() => ctx.cache.publish(progressChannel(taskId), String(event.data.chunk)));
});
