import pino from 'pino';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { makeBus, useEmulator, type BusKind } from '../../../test/support/bus.ts';
import { toDbTime } from '../../kernel/time.ts';
import { MemoryCache } from '../cache/memory.ts';
import type { Db } from '../db/connect.ts';
import { withTransaction, type Tx } from '../db/transaction.ts';
import { buildTopology } from './build-topology.ts';
import type { Bus } from './bus.ts';
import { startConsumer, type Consumer } from './consumer.ts';
import { defineEvent } from './events.ts';
import { onEvent } from './handler.ts';
import { publish } from './outbox.ts';
import { startRelay, type Relay } from './relay.ts';

// Test-only events: they prove the path, they are not part of the product.
const recorded = defineEvent(
  'probe.recorded',
  1,
  z.object({ n: z.number().int(), poison: z.boolean().optional() }),
);
const log = pino({ level: 'silent' });

/** Appends n to the key's list in system_state: order and duplicates are both visible. */
const record = onEvent('probe.record', recorded, async (tx, e) => {
  if (e.data.poison) throw new Error('poison');
  const key = `probe:${e.key}`;
  const row = await tx.selectFrom('system_state').select('value').where('key', '=', key).executeTakeFirst();
  const list = row ? (JSON.parse(row.value) as number[]) : [];
  list.push(e.data.n);
  if (row)
    await tx
      .updateTable('system_state')
      .set({ value: JSON.stringify(list) })
      .where('key', '=', key)
      .execute();
  else
    await tx
      .insertInto('system_state')
      .values({ key, value: JSON.stringify(list), updated_at: toDbTime(new Date()) })
      .execute();
});

const topology = buildTopology(
  [recorded],
  { 'worker-item': [record] },
  { 'worker-item': { visibilityTimeoutSeconds: 2 } },
);
const queue = topology.queues[0]!;

async function emit(db: Db, key: string, n: number, extra: { poison?: boolean } = {}, tx?: Tx) {
  const go = (t: Tx) =>
    publish(t, recorded.build({ corporationId: 1, storeId: 1, key, data: { n, ...extra } }));
  return tx ? go(tx) : withTransaction(db, go);
}

async function applied(db: Db, key: string): Promise<number[]> {
  const row = await db
    .selectFrom('system_state')
    .select('value')
    .where('key', '=', `probe:${key}`)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as number[]) : [];
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const combos: [string, BusKind][] = testDialects().flatMap((d) => [
  [d, 'sql'],
  [d, 'sqs'],
]) as [string, BusKind][];

describe.each(combos)('event backbone on %s with the %s bus', (dialect, kind) => {
  const t = useTestDb(dialect as 'sqlite' | 'mysql');
  const emu = useEmulator();
  const running: (Relay | Consumer | Bus)[] = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await ('stop' in r ? r.stop() : r.close());
  });

  async function start(opts: { bus?: Bus; retryBaseMs?: number } = {}) {
    const bus = opts.bus ?? (await makeBus(kind, t.db, topology, emu.endpoint));
    const relay = startRelay({
      db: t.db,
      bus,
      log,
      batchSize: 50,
      pollMs: 20,
      leaseMs: 3000,
      heartbeatMs: 200,
      retentionMs: 3600_000,
    });
    const consumer = startConsumer({
      queue,
      handlers: [record],
      db: t.db,
      bus,
      cache: new MemoryCache(),
      log,
      concurrency: 4,
      retryBaseMs: opts.retryBaseMs ?? 0,
      retryMaxMs: 0,
      waitMs: 1000,
    });
    running.push(bus, relay, consumer);
    return { bus, relay, consumer };
  }

  it('delivers an event whose transaction commits and never one whose transaction rolls back', async () => {
    await start();
    await withTransaction(t.db, async (tx) => {
      await emit(t.db, 'commit-a', 1, {}, tx);
    });
    await withTransaction(t.db, async (tx) => {
      await emit(t.db, 'rollback-a', 1, {}, tx);
      throw new Error('the command fails after writing its event');
    }).catch(() => {});
    expect(
      await until(
        () => applied(t.db, 'commit-a'),
        (v) => v.length === 1,
      ),
    ).toEqual([1]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await applied(t.db, 'rollback-a')).toEqual([]);
    const unsent = await t.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
    expect(unsent).toEqual([]);
  });

  it('keeps the order of each key under concurrent producers', async () => {
    await start();
    const keys = ['k1', 'k2', 'k3'];
    // Several producers per key at once; each producer emits its numbers in sequence.
    await Promise.all(
      keys.flatMap((key) =>
        [0, 1, 2].map(async (p) => {
          for (let i = 0; i < 8; i++) await emit(t.db, `order-${key}`, p * 100 + i);
        }),
      ),
    );
    const committedOrder = async (key: string) =>
      (
        await t.db
          .selectFrom('outbox')
          .select('body')
          .where('ordering_key', '=', `order-${key}`)
          .orderBy('id')
          .execute()
      ).map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);
    for (const key of keys) {
      const got = await until(
        () => applied(t.db, `order-${key}`),
        (v) => v.length === 24,
      );
      expect(got).toEqual(await committedOrder(key));
      // Each producer's own sequence is increasing.
      for (const p of [0, 1, 2]) {
        const mine = got.filter((n) => Math.floor(n / 100) === p);
        expect(mine).toEqual([...mine].sort((a, b) => a - b));
      }
    }
  });

  it('applies a handler once when it crashed after its effects committed but before the ack', async () => {
    const inner = await makeBus(kind, t.db, topology, emu.endpoint);
    let dropped = 0;
    // The process "dies" between commit and ack: the first ack never reaches the bus.
    const bus: Bus = {
      ...inner,
      kind: inner.kind,
      ack: async (q, ds) => {
        if (dropped === 0 && ds.length > 0) {
          dropped++;
          return;
        }
        await inner.ack(q, ds);
      },
    };
    await start({ bus });
    await emit(t.db, 'crash-a', 7);
    await until(
      () => applied(t.db, 'crash-a'),
      (v) => v.length > 0,
    );
    // Visibility timeout (2 s) passes, the message comes back and the inbox turns it into an ack.
    await until(
      async () => (await inner.stats())[0]!,
      (s) => s.depth === 0 && s.inFlight === 0,
      10_000,
    );
    expect(dropped).toBe(1);
    expect(await applied(t.db, 'crash-a')).toEqual([7]);
    const inbox = await t.db
      .selectFrom('bus_inbox')
      .selectAll()
      .where('consumer', '=', 'worker-item')
      .execute();
    expect(inbox.length).toBeGreaterThan(0);
  });

  it('dead-letters a poison event after 5 attempts, and redrive brings it back', async () => {
    const { bus } = await start();
    await emit(t.db, 'poison-a', 1, { poison: true });
    const dead = await until(
      () => bus.listDeadLetters('worker-item', 10),
      (d) => d.length === 1,
      20_000,
    );
    expect(dead.map((d) => d.key)).toEqual(['poison-a']);
    expect((await bus.stats())[0]!.deadLetters).toBe(1);
    // The group is not blocked once the poison message is out of the way.
    await emit(t.db, 'poison-a', 2);
    expect(
      await until(
        () => applied(t.db, 'poison-a'),
        (v) => v.length === 1,
      ),
    ).toEqual([2]);
    expect(await bus.redrive('worker-item')).toBe(1);
    await until(
      async () => (await bus.stats())[0]!,
      (s) => s.deadLetters === 1 && s.depth === 0 && s.inFlight === 0,
      20_000,
    );
    // Still poison: it fails five more times and is dead-lettered again, nothing applied.
    expect((await bus.listDeadLetters('worker-item', 10)).map((d) => d.eventId)).toEqual([dead[0]!.eventId]);
    expect(await applied(t.db, 'poison-a')).toEqual([2]);
  });

  it('runs one relay at a time and lets a standby take over when the active one stops renewing', async () => {
    const bus = await makeBus(kind, t.db, topology, emu.endpoint);
    running.push(bus);
    const opts = {
      db: t.db,
      bus,
      log,
      batchSize: 50,
      pollMs: 20,
      leaseMs: 600,
      heartbeatMs: 100,
      retentionMs: 3600_000,
    };
    const a = startRelay({ ...opts, holder: 'relay-a' });
    await until(
      async () => a.isActive(),
      (v) => v,
      5000,
    );
    const b = startRelay({ ...opts, holder: 'relay-b' });
    running.push(b);
    await new Promise((r) => setTimeout(r, 400));
    expect([a.isActive(), b.isActive()]).toEqual([true, false]);
    // a dies without releasing (as after SIGKILL): stop it, then put its unexpired lease back.
    await a.stop();
    await t.db
      .updateTable('bus_lease')
      .set({ holder: 'relay-a', expires_at: toDbTime(new Date(Date.now() + 600)) })
      .execute();
    expect(b.isActive()).toBe(false);
    expect(
      await until(
        async () => b.isActive(),
        (v) => v,
        5000,
      ),
    ).toBe(true);
    const holder = await t.db.selectFrom('bus_lease').select('holder').executeTakeFirst();
    expect(holder?.holder).toBe('relay-b');
  });

  // SQLite has one writer at a time, so there ids are always in commit order.
  it.skipIf(dialect === 'sqlite')('relays a row committed late with a lower id', async () => {
    await start();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const late = withTransaction(t.db, async (tx) => {
      await emit(t.db, 'late-a', 1, {}, tx);
      await gate;
    });
    await new Promise((r) => setTimeout(r, 100));
    await emit(t.db, 'late-b', 2);
    await until(
      () => applied(t.db, 'late-b'),
      (v) => v.length === 1,
    );
    release();
    await late;
    expect(
      await until(
        () => applied(t.db, 'late-a'),
        (v) => v.length === 1,
      ),
    ).toEqual([1]);
  });
});
