import { toDbTime } from '../../kernel/time.ts';
import { defineScheduledKind } from '../scheduling/kinds.ts';
import './tables.ts';

const KEEP_DAYS = 30;

/** Finished tasks (and their item errors) are kept 30 days for the progress screens, then removed. */
export const cleanupTasks = defineScheduledKind({
  kind: 'tasks.cleanup',
  cron: '20 3 * * *',
  timeZone: 'Asia/Tokyo',
  description: `delete tasks finished more than ${KEEP_DAYS} days ago`,
  async run(tx, { log }) {
    const before = toDbTime(new Date(Date.now() - KEEP_DAYS * 86_400_000));
    const old = (
      await tx
        .selectFrom('task')
        .select('id')
        .where('status', 'in', ['done', 'failed', 'cancelled'])
        .where('finished_at', '<', before)
        .limit(5000)
        .execute()
    ).map((t) => t.id);
    if (old.length === 0) return;
    await tx.deleteFrom('task_item_error').where('task_id', 'in', old).execute();
    await tx.deleteFrom('task').where('id', 'in', old).execute();
    log.info({ deleted: old.length }, 'old tasks deleted');
  },
});
