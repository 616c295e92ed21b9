import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../db/connect.ts';
import type { Tx } from '../db/transaction.ts';
import { queuesFor } from './build-topology.ts';
import {
  UnknownQueueError,
  type Bus,
  type DeadLetter,
  type Delivery,
  type OutgoingEvent,
  type PublishResult,
  type QueueStats,
} from './bus.ts';
import type { EventEnvelope } from './events.ts';
import type { Topology } from './topology-types.ts';
import './tables.ts';

export const dlqName = (queue: string) => `${queue}-dlq`;

/**
 * The `sql` bus: each queue is the set of `bus_message` rows with its name. Only the oldest row of a
 * message group (ordering key) is receivable, so a group is consumed strictly in order while other
 * groups proceed in parallel. A row received `maxReceiveCount` times without ack moves to the DLQ on
 * its next receive, as SQS does. Receivers in this process are woken when something is published.
 */
export function createSqlBus(db: Db, topology: Topology, opts: { pollMs: number }): Bus {
  const wake = new EventEmitter();
  wake.setMaxListeners(100);
  const known = (queue: string) => {
    const q = topology.queues.find((x) => x.worker === queue);
    if (!q) throw new UnknownQueueError(queue);
    return q;
  };
  const later = (ms: number) => toDbTime(new Date(Date.now() + ms));
  const parseHandle = (h: string) => {
    const [id, receipt] = h.split(':');
    return { id: Number(id), receipt: receipt ?? '' };
  };

  async function publish(events: OutgoingEvent[], tx?: Tx): Promise<PublishResult> {
    const rows = events.flatMap(({ envelope }) =>
      queuesFor(topology, envelope.type).map((q) => ({
        queue: q.worker,
        event_id: envelope.id,
        group_key: envelope.key,
        type: envelope.type,
        body: JSON.stringify(envelope),
        receive_count: 0,
        visible_at: toDbTime(new Date()),
        receipt: null,
        source_queue: null,
        last_error: null,
        created_at: toDbTime(new Date()),
      })),
    );
    const target = tx ?? db;
    // Dedup on (queue, event id): a relay that re-sends after a crash adds nothing.
    for (let i = 0; i < rows.length; i += 200)
      await target
        .insertInto('bus_message')
        .values(rows.slice(i, i + 200))
        .orIgnore()
        .execute();
    const queues = new Set(rows.map((r) => r.queue));
    const notify = () => queues.forEach((q) => wake.emit(q));
    // Woken receivers must see the rows: with a caller's transaction, wait a moment for its commit.
    if (tx) setTimeout(notify, 5);
    else notify();
    return { published: events.map((e) => e.envelope.id), failed: [] };
  }

  async function receiveNow(queue: string, max: number): Promise<Delivery[]> {
    const decl = known(queue);
    const now = toDbTime(new Date());
    const heads = await sql<{ id: number; receive_count: number }>`
      select m.id, m.receive_count from bus_message m
      join (select group_key, min(id) as head from bus_message where queue = ${queue} group by group_key) h
        on h.head = m.id
      where m.visible_at <= ${now}
      order by m.id
      limit ${max}`.execute(db);
    if (heads.rows.length === 0) return [];
    const exhausted = heads.rows
      .filter((r) => r.receive_count >= decl.maxReceiveCount)
      .map((r) => Number(r.id));
    const fresh = heads.rows.filter((r) => r.receive_count < decl.maxReceiveCount).map((r) => Number(r.id));
    if (exhausted.length > 0)
      await db
        .updateTable('bus_message')
        .set({ queue: dlqName(queue), source_queue: queue, receipt: null })
        .where('id', 'in', exhausted)
        .where('queue', '=', queue)
        .where('visible_at', '<=', now)
        .execute();
    if (fresh.length === 0) return [];
    const receipt = randomUUID();
    // The visibility condition makes the claim atomic: two receivers cannot both take a row.
    await db
      .updateTable('bus_message')
      .set({
        receipt,
        visible_at: later(decl.visibilityTimeoutSeconds * 1000),
        receive_count: sql`receive_count + 1`,
      })
      .where('id', 'in', fresh)
      .where('queue', '=', queue)
      .where('visible_at', '<=', now)
      .execute();
    const claimed = await db
      .selectFrom('bus_message')
      .select(['id', 'body', 'receive_count'])
      .where('receipt', '=', receipt)
      .orderBy('id')
      .execute();
    return claimed.map((r) => ({
      envelope: JSON.parse(r.body) as EventEnvelope,
      receiveCount: Number(r.receive_count),
      handle: `${r.id}:${receipt}`,
    }));
  }

  return {
    kind: 'sql',
    publish,
    async receive(queue, { max, waitMs, signal }) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const got = await receiveNow(queue, max);
        if (got.length > 0 || Date.now() >= deadline || signal?.aborted) return got;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wake.off(queue, done);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(opts.pollMs, Math.max(0, deadline - Date.now())));
          wake.on(queue, done);
          signal?.addEventListener('abort', done);
        });
      }
    },
    async ack(queue, deliveries) {
      for (const d of deliveries) {
        const { id, receipt } = parseHandle(d.handle);
        await db
          .deleteFrom('bus_message')
          .where('id', '=', id)
          .where('queue', '=', queue)
          .where('receipt', '=', receipt)
          .execute();
      }
    },
    async retryLater(queue, d, delayMs, error) {
      const { id, receipt } = parseHandle(d.handle);
      await db
        .updateTable('bus_message')
        .set({ visible_at: later(delayMs), last_error: error.slice(0, 2000) })
        .where('id', '=', id)
        .where('queue', '=', queue)
        .where('receipt', '=', receipt)
        .execute();
      setTimeout(() => wake.emit(queue), delayMs + 1).unref();
    },
    async extendVisibility(queue, d, seconds) {
      const { id, receipt } = parseHandle(d.handle);
      await db
        .updateTable('bus_message')
        .set({ visible_at: later(seconds * 1000) })
        .where('id', '=', id)
        .where('queue', '=', queue)
        .where('receipt', '=', receipt)
        .execute();
    },
    async stats() {
      const now = toDbTime(new Date());
      const rows = await db
        .selectFrom('bus_message')
        .select([
          'queue',
          sql<number>`count(*)`.as('total'),
          sql<number>`sum(case when visible_at > ${now} then 1 else 0 end)`.as('hidden'),
        ])
        .groupBy('queue')
        .execute();
      const by = new Map(
        rows.map((r) => [r.queue, { total: Number(r.total), hidden: Number(r.hidden ?? 0) }]),
      );
      return topology.queues.map((q): QueueStats => {
        const live = by.get(q.worker) ?? { total: 0, hidden: 0 };
        return {
          queue: q.worker,
          depth: live.total - live.hidden,
          inFlight: live.hidden,
          deadLetters: by.get(dlqName(q.worker))?.total ?? 0,
        };
      });
    },
    async listDeadLetters(queue, limit): Promise<DeadLetter[]> {
      known(queue);
      const rows = await db
        .selectFrom('bus_message')
        .select(['body', 'receive_count', 'last_error'])
        .where('queue', '=', dlqName(queue))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => {
        const envelope = JSON.parse(r.body) as EventEnvelope;
        return {
          eventId: envelope.id,
          type: envelope.type,
          key: envelope.key,
          receiveCount: Number(r.receive_count),
          lastError: r.last_error,
          envelope,
        };
      });
    },
    async redrive(queue, eventIds) {
      known(queue);
      let q = db
        .updateTable('bus_message')
        .set({ queue, source_queue: null, receive_count: 0, receipt: null, visible_at: toDbTime(new Date()) })
        .where('queue', '=', dlqName(queue));
      if (eventIds) {
        if (eventIds.length === 0) return 0;
        q = q.where('event_id', 'in', eventIds);
      }
      const res = await q.executeTakeFirst();
      wake.emit(queue);
      return Number(res.numUpdatedRows);
    },
    async close() {
      wake.removeAllListeners();
    },
  };
}
