import { sql } from 'kysely';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import { dialectOf } from '../../platform/db/ddl.ts';
import type { Db } from '../../platform/db/connect.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { scheduledFired } from './events.ts';
import './tables.ts';

/** A periodic slot: the scheduled minute in UTC, so every clock names the same run the same way. */
export function slotOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
}

/**
 * Enqueues a periodic run once per (kind, slot): the first clock to insert the run row publishes the
 * event in the same transaction; any other clock (another process, a retry) hits the primary key
 * and does nothing. Returns whether this call fired it.
 */
export async function fireSlot(db: Db, kind: string, slot: string): Promise<boolean> {
  try {
    await withTransaction(db, async (tx) => {
      await tx
        .insertInto('schedule_run')
        .values({ kind, slot, fired_at: toDbTime(new Date()), finished_at: null })
        .execute();
      await publish(
        tx,
        scheduledFired.build({
          corporationId: null,
          storeId: null,
          key: `schedule:${kind}`,
          data: { kind, slot, delayedJobId: null },
        }),
      );
    });
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export interface DelayedJobInput {
  kind: string;
  runAt: Date;
  payload?: unknown;
  /** One live job per key: scheduling again with the same key moves the existing pending job. */
  dedupKey?: string;
  corporationId?: number | null;
  storeId?: number | null;
}

/** "Do X at T", in the caller's transaction (so the job exists iff the command commits). */
export async function scheduleAt(tx: Tx, job: DelayedJobInput): Promise<void> {
  const values = {
    kind: job.kind,
    run_at: toDbTime(job.runAt),
    payload: JSON.stringify(job.payload ?? null),
    dedup_key: job.dedupKey ?? null,
    status: 'pending' as const,
    corporation_id: job.corporationId ?? null,
    store_id: job.storeId ?? null,
    created_at: toDbTime(new Date()),
  };
  if (job.dedupKey) {
    const moved = await tx
      .updateTable('delayed_job')
      .set({ run_at: values.run_at, payload: values.payload, status: 'pending' })
      .where('dedup_key', '=', job.dedupKey)
      .where('status', 'in', ['pending', 'cancelled'])
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) > 0) return;
  }
  await tx.insertInto('delayed_job').values(values).execute();
}

/** Cancels the job of a key that has not run (e.g. the order was paid before its timeout); true if there was one. */
export async function cancelScheduled(tx: Tx, dedupKey: string): Promise<boolean> {
  const res = await tx
    .updateTable('delayed_job')
    .set({ status: 'cancelled' })
    .where('dedup_key', '=', dedupKey)
    // An enqueued job not yet run is cancelled too: the handler skips it.
    .where('status', 'in', ['pending', 'enqueued'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * Enqueues the delayed jobs that are due. Several clocks may run this at once: MySQL skips rows
 * another clock has locked, SQLite runs one writer at a time; the status change and the event
 * commit together, so each job is enqueued once.
 */
export async function enqueueDueJobs(db: Db, now: Date, limit = 100): Promise<number> {
  return withTransaction(db, async (tx) => {
    let q = tx
      .selectFrom('delayed_job')
      .select(['id', 'kind', 'corporation_id', 'store_id'])
      .where('status', '=', 'pending')
      .where('run_at', '<=', toDbTime(now))
      .orderBy('run_at')
      .limit(limit);
    if (dialectOf(tx) === 'mysql') q = q.modifyEnd(sql`for update skip locked`);
    const due = await q.execute();
    if (due.length === 0) return 0;
    await tx
      .updateTable('delayed_job')
      .set({ status: 'enqueued' })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('status', '=', 'pending')
      .execute();
    for (const d of due) {
      await publish(
        tx,
        scheduledFired.build({
          corporationId: d.corporation_id,
          storeId: d.store_id,
          key: `job:${d.id}`,
          data: { kind: d.kind, slot: `job:${d.id}`, delayedJobId: Number(d.id) },
        }),
      );
    }
    return due.length;
  });
}
