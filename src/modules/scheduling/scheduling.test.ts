import { describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { toDbTime } from '../../kernel/time.ts';
import { MemoryCache } from '../../platform/cache/memory.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { openDatabase, type Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import type { EventEnvelope } from '../../platform/bus/events.ts';
import { createLogger } from '../../platform/log/log.ts';
import { cleanupTasks } from '../tasks/scheduled.ts';
import { startClock } from './clock.ts';
import { cancelScheduled, enqueueDueJobs, fireSlot, scheduleAt } from './commands.ts';
import { runScheduledHandler } from './handlers.ts';
import { defineScheduledKind } from './kinds.ts';

const log = createLogger({ level: 'silent' });
const ctx = { log, cache: new MemoryCache(), config: loadConfig({}), afterCommit: () => {} };

/** A kind that records what it ran, so a test sees exactly how often it ran. */
function recordingKind(kind: string, cron?: string) {
  const ran: { slot: string; payload: unknown }[] = [];
  return {
    ran,
    def: defineScheduledKind({
      kind,
      cron,
      description: 'test',
      run: async (_tx, c) => void ran.push({ slot: c.slot, payload: c.payload }),
    }),
  };
}

async function firedEvents(db: Db, kind: string) {
  const rows = await db
    .selectFrom('outbox')
    .select('body')
    .where('type', '=', 'scheduled.fired')
    .orderBy('id')
    .execute();
  return rows
    .map(
      (r) => JSON.parse(r.body) as EventEnvelope<{ kind: string; slot: string; delayedJobId: number | null }>,
    )
    .filter((e) => e.data.kind === kind);
}

describe.each(testDialects())('scheduler on %s', (dialect) => {
  const t = useTestDb(dialect);

  it('fires a slot once when two processes fire it at the same moment', async () => {
    // A second connection pool is what a second worker-scheduled process is to the database.
    const other = openDatabase(t.url, { poolSize: 5 });
    try {
      const results = await Promise.all([
        fireSlot(t.db, 'k.race', '2026-11-28T15:30:00.000Z'),
        fireSlot(other.db, 'k.race', '2026-11-28T15:30:00.000Z'),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect(await firedEvents(t.db, 'k.race')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('runs a fired slot once even when its event is delivered twice', async () => {
    const k = recordingKind('k.once');
    const handler = runScheduledHandler([k.def]);
    await fireSlot(t.db, 'k.once', '2026-11-28T15:31:00.000Z');
    const [event] = await firedEvents(t.db, 'k.once');
    for (let i = 0; i < 2; i++) await withTransaction(t.db, (tx) => handler.handle(tx, event!, ctx));
    expect(k.ran).toEqual([{ slot: '2026-11-28T15:31:00.000Z', payload: null }]);
  });

  it('fails loudly on a kind nobody registered, so the event ends in the DLQ', async () => {
    await fireSlot(t.db, 'k.unknown', '2026-11-28T15:32:00.000Z');
    const [event] = await firedEvents(t.db, 'k.unknown');
    await expect(
      withTransaction(t.db, (tx) => runScheduledHandler([]).handle(tx, event!, ctx)),
    ).rejects.toThrow('no scheduled kind "k.unknown"');
  });

  it('enqueues a due delayed job once, with its payload, and not one that is not due', async () => {
    const k = recordingKind('k.delayed');
    await withTransaction(t.db, async (tx) => {
      await scheduleAt(tx, {
        kind: 'k.delayed',
        runAt: new Date(Date.now() - 1000),
        payload: { orderId: 7 },
      });
      await scheduleAt(tx, {
        kind: 'k.delayed',
        runAt: new Date(Date.now() + 3_600_000),
        payload: { orderId: 8 },
      });
    });
    const other = openDatabase(t.url, { poolSize: 5 });
    try {
      const counts = await Promise.all([
        enqueueDueJobs(t.db, new Date()),
        enqueueDueJobs(other.db, new Date()),
      ]);
      expect(counts.reduce((a, b) => a + b)).toBe(1);
    } finally {
      await other.close();
    }
    const events = await firedEvents(t.db, 'k.delayed');
    expect(events).toHaveLength(1);
    await withTransaction(t.db, (tx) => runScheduledHandler([k.def]).handle(tx, events[0]!, ctx));
    expect(k.ran).toEqual([{ slot: `job:${events[0]!.data.delayedJobId}`, payload: { orderId: 7 } }]);
  });

  it('moves the job of a key instead of adding one, and skips a job cancelled after it was enqueued', async () => {
    const k = recordingKind('k.timeout');
    await withTransaction(t.db, (tx) =>
      scheduleAt(tx, { kind: 'k.timeout', runAt: new Date(Date.now() + 60_000), dedupKey: 'order:9' }),
    );
    await withTransaction(t.db, (tx) =>
      scheduleAt(tx, { kind: 'k.timeout', runAt: new Date(Date.now() - 1), dedupKey: 'order:9' }),
    );
    expect(
      await t.db.selectFrom('delayed_job').select('id').where('dedup_key', '=', 'order:9').execute(),
    ).toHaveLength(1);
    await enqueueDueJobs(t.db, new Date());
    expect(await withTransaction(t.db, (tx) => cancelScheduled(tx, 'order:9'))).toBe(true);
    const [event] = await firedEvents(t.db, 'k.timeout');
    await withTransaction(t.db, (tx) => runScheduledHandler([k.def]).handle(tx, event!, ctx));
    expect(k.ran).toEqual([]);
  });

  it('keeps one run per slot with two clocks ticking every second', async () => {
    const k = recordingKind('k.clock', '* * * * * *');
    const other = openDatabase(t.url, { poolSize: 5 });
    const clocks = [t.db, other.db].map((db) =>
      startClock({ db, log, kinds: [k.def], tickMs: 60_000, periodic: true }),
    );
    await new Promise((r) => setTimeout(r, 2500));
    await Promise.all(clocks.map((c) => c.stop()));
    await other.close();
    const runs = await t.db.selectFrom('schedule_run').select('slot').where('kind', '=', 'k.clock').execute();
    const events = await firedEvents(t.db, 'k.clock');
    // Both clocks fired every second; each minute slot was enqueued once (two if a minute boundary passed).
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(2);
    expect(events.map((e) => e.data.slot).sort()).toEqual(runs.map((r) => r.slot).sort());
  });

  it('cleans up old finished tasks and keeps running and recent ones', async () => {
    const old = toDbTime(new Date(Date.now() - 40 * 86_400_000));
    const recent = toDbTime(new Date());
    const base = {
      corporation_id: 1,
      store_id: null,
      kind: 'x',
      total: 1,
      processed: 1,
      failed: 0,
      chunks: 1,
      chunks_done: 1,
      created_at: old,
      updated_at: old,
    };
    await t.db
      .insertInto('task')
      .values([
        { ...base, status: 'done', finished_at: old },
        { ...base, status: 'running', finished_at: null },
        { ...base, status: 'failed', finished_at: recent },
      ])
      .execute();
    await withTransaction(t.db, (tx) => cleanupTasks.run(tx, { slot: 's', payload: null, log }));
    const left = await t.db.selectFrom('task').select('status').orderBy('id').execute();
    expect(left.map((r) => r.status)).toEqual(['running', 'failed']);
  });
});
