import { toDbTime } from '../../kernel/time.ts';
import { onEvent } from '../../platform/bus/handler.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { scheduledFired } from './events.ts';
import type { ScheduledKind } from './kinds.ts';
import './tables.ts';

/**
 * worker-scheduled's one handler: runs the kind named by the event and marks the run finished in the
 * same transaction. A run already finished (an EventBridge retry, a second clock's event that slipped
 * through, a redrive) does nothing. An unknown kind throws: after the retries it is in the DLQ, where
 * an operator sees it.
 */
export function runScheduledHandler(kinds: readonly ScheduledKind[]) {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  return onEvent('scheduling.run', scheduledFired, async (tx, event, ctx) => {
    const { kind, slot, delayedJobId } = event.data;
    const k = byKind.get(kind);
    if (!k) throw new Error(`no scheduled kind "${kind}" is registered`);
    if (!(await claimRun(tx, kind, slot))) return;
    let payload: unknown = null;
    if (delayedJobId !== null) {
      const job = await tx
        .selectFrom('delayed_job')
        .select(['status', 'payload'])
        .where('id', '=', delayedJobId)
        .executeTakeFirst();
      // Cancelled after it was enqueued (e.g. the order got paid): nothing to do.
      if (!job || job.status === 'cancelled') return;
      payload = JSON.parse(job.payload);
      await tx.updateTable('delayed_job').set({ status: 'done' }).where('id', '=', delayedJobId).execute();
    }
    await k.run(tx, { slot, payload, log: ctx.log.child({ kind, slot }) });
  });
}

/** Marks the run finished; false when it already was. Delayed jobs get their run row here. */
async function claimRun(tx: Tx, kind: string, slot: string): Promise<boolean> {
  const now = toDbTime(new Date());
  const existing = await tx
    .selectFrom('schedule_run')
    .select('finished_at')
    .where('kind', '=', kind)
    .where('slot', '=', slot)
    .executeTakeFirst();
  if (existing?.finished_at) return false;
  if (existing) {
    const res = await tx
      .updateTable('schedule_run')
      .set({ finished_at: now })
      .where('kind', '=', kind)
      .where('slot', '=', slot)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
  await tx.insertInto('schedule_run').values({ kind, slot, fired_at: now, finished_at: now }).execute();
  return true;
}
