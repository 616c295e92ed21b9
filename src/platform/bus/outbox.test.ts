import pino from 'pino';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { toDbTime } from '../../kernel/time.ts';
import { withTransaction } from '../db/transaction.ts';
import { buildTopology } from './build-topology.ts';
import { defineEvent, type EventEnvelope } from './events.ts';
import { publish } from './outbox.ts';
import { startRelay } from './relay.ts';
import { createSqlBus } from './sql-bus.ts';

const priced = defineEvent(
  'probe.priced',
  2,
  z.object({ productId: z.number().int(), price: z.number().int().min(0) }),
);

describe.each(testDialects())('outbox on %s', (dialect) => {
  const t = useTestDb(dialect);
  const count = async () => (await t.db.selectFrom('outbox').select('id').execute()).length;

  it('stores a valid event with its envelope, unsent', async () => {
    const e = priced.build({
      corporationId: 3,
      storeId: 4,
      key: 'product:9',
      data: { productId: 9, price: 1200 },
    });
    await withTransaction(t.db, (tx) => publish(tx, e));
    const row = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('event_id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      type: 'probe.priced',
      topic: 'probe',
      ordering_key: 'product:9',
      sent_at: null,
    });
    expect(JSON.parse(row.body)).toEqual(e);
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('refuses an undefined type, a wrong version or invalid data, and writes nothing', async () => {
    const before = await count();
    const good = priced.build({ corporationId: 1, storeId: 1, key: 'p', data: { productId: 1, price: 1 } });
    const bad: EventEnvelope[] = [
      { ...good, type: 'probe.unknown' },
      { ...good, version: 1 },
      { ...good, data: { productId: 1, price: -5 } },
      { ...good, key: '' },
    ];
    for (const e of bad) await expect(withTransaction(t.db, (tx) => publish(tx, e))).rejects.toThrow();
    expect(() =>
      priced.build({ corporationId: 1, storeId: 1, key: 'p', data: { productId: 1, price: -1 } }),
    ).toThrow();
    expect(await count()).toBe(before);
  });

  it('writes a transaction of thousands of events (more bound values than one statement takes), in order', async () => {
    const before = await count();
    const n = 5_000; // 7 values each: 35,000 > SQLite's 32,766 in one INSERT
    const events = Array.from({ length: n }, (_, i) =>
      priced.build({ corporationId: 1, storeId: 1, key: `bulk:${i % 7}`, data: { productId: i, price: 1 } }),
    );
    await withTransaction(t.db, async (tx) => {
      for (const e of events) await publish(tx, e);
    });
    expect(await count()).toBe(before + n);
    const ids = await t.db
      .selectFrom('outbox')
      .select('event_id')
      .where('ordering_key', 'like', 'bulk:%')
      .orderBy('id')
      .execute();
    expect(ids.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
  });
});

describe.each(testDialects())('outbox retention on %s', (dialect) => {
  const t = useTestDb(dialect);

  it('deletes sent rows and inbox records older than the retention, and nothing else', async () => {
    const old = toDbTime(new Date(Date.now() - 3 * 3600_000));
    const recent = toDbTime(new Date());
    const events = [0, 1, 2].map(() =>
      priced.build({ corporationId: 1, storeId: 1, key: 'r', data: { productId: 1, price: 1 } }),
    );
    await withTransaction(t.db, async (tx) => {
      for (const e of events) await publish(tx, e);
    });
    await t.db.updateTable('outbox').set({ sent_at: old }).where('event_id', '=', events[0]!.id).execute();
    await t.db.updateTable('outbox').set({ sent_at: recent }).where('event_id', '=', events[1]!.id).execute();
    await t.db
      .insertInto('bus_inbox')
      .values([
        { consumer: 'worker-item', event_id: events[0]!.id, handled_at: old },
        { consumer: 'worker-item', event_id: events[1]!.id, handled_at: recent },
      ])
      .execute();
    const relay = startRelay({
      db: t.db,
      bus: createSqlBus(t.db, buildTopology([priced], {}), { pollMs: 20 }),
      log: pino({ level: 'silent' }),
      batchSize: 10,
      pollMs: 20,
      leaseMs: 2000,
      heartbeatMs: 100,
      retentionMs: 3600_000,
    });
    for (let i = 0; i < 100; i++) {
      const left = await t.db.selectFrom('outbox').select('event_id').execute();
      if (left.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await relay.stop();
    const left = (
      await t.db.selectFrom('outbox').select(['event_id', 'sent_at']).orderBy('id').execute()
    ).map((r) => r.event_id);
    expect(left).toEqual([events[1]!.id, events[2]!.id]);
    const inbox = (await t.db.selectFrom('bus_inbox').select('event_id').execute()).map((r) => r.event_id);
    expect(inbox).toEqual([events[1]!.id]);
  });
});
