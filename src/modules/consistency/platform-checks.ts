import { toDbTime } from '../../kernel/time.ts';
import { defineCheck } from './check.ts';
import '../notifications/tables.ts';
import '../tasks/tables.ts';

const MINUTE = 60_000;

/** The relay is stuck or down: committed events are not reaching the workers. */
export const outboxLag = defineCheck({
  name: 'outbox.lag',
  severity: 'critical',
  description: 'outbox rows not sent 5 minutes after they were committed',
  async find({ db, now }) {
    const rows = await db
      .selectFrom('outbox')
      .select(['event_id', 'type', 'created_at'])
      .where('sent_at', 'is', null)
      .where('created_at', '<', toDbTime(new Date(now.getTime() - 5 * MINUTE)))
      .orderBy('id')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      corporationId: null,
      eventId: r.event_id,
      type: r.type,
      createdAt: r.created_at,
    }));
  },
});

/** Messages a worker gave up on: each is an effect that did not happen (stock not pushed, mail not sent). */
export const deadLetters = defineCheck({
  name: 'bus.dead_letters',
  severity: 'critical',
  description: 'messages in a dead-letter queue (see `regi dlq ls`)',
  async find({ bus }) {
    const stats = await bus.stats();
    return stats
      .filter((q) => q.deadLetters > 0)
      .map((q) => ({ corporationId: null, queue: q.queue, deadLetters: q.deadLetters }));
  },
});

export const stuckTasks = defineCheck({
  name: 'tasks.stuck',
  severity: 'warning',
  description: 'tasks queued or running without progress for an hour',
  async find({ db, now }) {
    const rows = await db
      .selectFrom('task')
      .select(['id', 'corporation_id', 'store_id', 'kind', 'status', 'updated_at'])
      .where('status', 'in', ['queued', 'running'])
      .where('updated_at', '<', toDbTime(new Date(now.getTime() - 60 * MINUTE)))
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      corporationId: r.corporation_id,
      storeId: r.store_id,
      taskId: Number(r.id),
      kind: r.kind,
      status: r.status,
      updatedAt: r.updated_at,
    }));
  },
});

export const stuckNotifications = defineCheck({
  name: 'notifications.stuck',
  severity: 'warning',
  description: 'notifications still pending an hour after they were requested',
  async find({ db, now }) {
    const rows = await db
      .selectFrom('notification')
      .select(['id', 'corporation_id', 'kind', 'channel', 'created_at'])
      .where('status', '=', 'pending')
      .where('created_at', '<', toDbTime(new Date(now.getTime() - 60 * MINUTE)))
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      corporationId: r.corporation_id,
      notificationId: Number(r.id),
      kind: r.kind,
      channel: r.channel,
      createdAt: r.created_at,
    }));
  },
});
