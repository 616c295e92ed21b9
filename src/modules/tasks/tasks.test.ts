import { headerAuthenticator } from '../../../test/support/auth.ts';
import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { queueOf } from '../../platform/bus/build-topology.ts';
import { startConsumer, type Consumer } from '../../platform/bus/consumer.ts';
import { createSqlBus } from '../../platform/bus/sql-bus.ts';
import { startRelay, type Relay } from '../../platform/bus/relay.ts';
import { topology } from '../../platform/bus/topology.ts';
import { MemoryCache } from '../../platform/cache/memory.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { createHttpServer, type App } from '../../platform/http/server.ts';
import { consumers } from '../../workloads/consumers.ts';
import { cancelTask, createTask, defineTaskKind, findTask, tasksRoutes, type TaskScope } from './index.ts';

const log = pino({ level: 'silent' });

// A test-only task kind: each item leaves a row, so duplicates and rollbacks are visible.
defineTaskKind({
  kind: 'test.tally',
  item: z.object({ n: z.number().int(), fail: z.boolean().optional() }),
  refOf: (item) => `n=${item.n}`,
  async process(tx, item, ctx) {
    await tx
      .insertInto('system_state')
      .values({ key: `tally:${ctx.taskId}:${item.n}`, value: '1', updated_at: toDbTime(new Date()) })
      .execute();
    if (item.fail) throw new AppError(422, 'tally_refused', `item ${item.n} refused`);
  },
});

const shopA: TaskScope = { corporationId: 1, storeId: 10 };
const shopB: TaskScope = { corporationId: 2, storeId: 20 };

describe.each(testDialects())('tasks on %s', (dialect) => {
  const t = useTestDb(dialect);
  const cache = new MemoryCache();
  let relay: Relay;
  let consumer: Consumer;
  let app: App;

  beforeAll(async () => {
    const bus = createSqlBus(t.db, topology, { pollMs: 20 });
    relay = startRelay({
      db: t.db,
      bus,
      log,
      batchSize: 100,
      pollMs: 20,
      leaseMs: 3000,
      heartbeatMs: 200,
      retentionMs: 3600_000,
    });
    consumer = startConsumer({
      queue: queueOf(topology, 'worker-item'),
      handlers: consumers['worker-item'],
      db: t.db,
      bus,
      cache,
      log,
      concurrency: 4,
      retryBaseMs: 0,
      retryMaxMs: 0,
      waitMs: 500,
    });
    app = await createHttpServer({
      authenticator: headerAuthenticator(),
      name: 'test',
      description: 'test',
      logger: log,
      readiness: () => [],
      docs: false,
      plugins: [
        tasksRoutes({
          db: t.db,
          cache,
          scopeOf: (req) => (req.headers['x-shop'] === 'b' ? shopB : shopA),
          streamPollMs: 200,
        }),
      ],
    });
  });
  afterAll(async () => {
    await app?.close();
    await consumer?.stop();
    await relay?.stop();
  });

  const waitFinished = async (id: number, scope = shopA) => {
    for (let i = 0; i < 300; i++) {
      const task = await findTask(t.db, scope, id);
      if (task && ['done', 'failed', 'cancelled'].includes(task.status)) return task;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`task ${id} did not finish`);
  };

  it('processes every item of a task once, in chunks, and reports it done', async () => {
    const items = Array.from({ length: 250 }, (_, n) => ({ n }));
    const id = await withTransaction(t.db, (tx) =>
      createTask(tx, shopA, { kind: 'test.tally', items, chunkSize: 40 }),
    );
    const task = await waitFinished(id);
    expect(task).toMatchObject({ status: 'done', total: 250, processed: 250, failed: 0, errors: [] });
    const rows = await t.db
      .selectFrom('system_state')
      .select('key')
      .where('key', 'like', `tally:${id}:%`)
      .execute();
    expect(rows).toHaveLength(250);
  });

  it('lists the items that failed and keeps the writes of the others only', async () => {
    const items = [{ n: 1 }, { n: 2, fail: true }, { n: 3 }];
    const id = await withTransaction(t.db, (tx) => createTask(tx, shopA, { kind: 'test.tally', items }));
    const task = await waitFinished(id);
    expect(task).toMatchObject({
      status: 'done',
      processed: 2,
      failed: 1,
      errors: [{ item: 'n=2', message: 'item 2 refused' }],
    });
    const rows = await t.db
      .selectFrom('system_state')
      .select('key')
      .where('key', 'like', `tally:${id}:%`)
      .orderBy('key')
      .execute();
    expect(rows.map((r) => r.key)).toEqual([`tally:${id}:1`, `tally:${id}:3`]);
  });

  it('refuses a task with invalid items and creates nothing', async () => {
    const before = await t.db.selectFrom('task').select('id').execute();
    await expect(
      withTransaction(t.db, (tx) =>
        createTask(tx, shopA, { kind: 'test.tally', items: [{ n: 1 }, { n: 'x' }] }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', errors: [{ field: 'items.1' }] });
    await expect(
      withTransaction(t.db, (tx) => createTask(tx, shopA, { kind: 'nope', items: [{}] })),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect(await t.db.selectFrom('task').select('id').execute()).toEqual(before);
  });

  it('serves a task to its own shop only', async () => {
    const id = await withTransaction(t.db, (tx) =>
      createTask(tx, shopA, { kind: 'test.tally', items: [{ n: 1 }] }),
    );
    await waitFinished(id);
    const mine = await app.inject({ method: 'GET', url: `/api/v1/tasks/${id}` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ id, status: 'done', processed: 1 });
    const theirs = await app.inject({
      method: 'GET',
      url: `/api/v1/tasks/${id}`,
      headers: { 'x-shop': 'b' },
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.headers['content-type']).toMatch(/problem\+json/);
  });

  it('cancels a queued task, after which its chunks change nothing, and refuses to cancel it twice', async () => {
    const id = await withTransaction(t.db, async (tx) => {
      const created = await createTask(tx, shopA, {
        kind: 'test.tally',
        items: [{ n: 1 }, { n: 2 }],
        chunkSize: 1,
      });
      await cancelTask(tx, shopA, created);
      return created;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await findTask(t.db, shopA, id)).toMatchObject({ status: 'cancelled', processed: 0 });
    const again = await app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'task_finished' });
  });

  it('streams progress over server-sent events until the task finishes', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const items = Array.from({ length: 60 }, (_, n) => ({ n }));
    const id = await withTransaction(t.db, (tx) =>
      createTask(tx, shopA, { kind: 'test.tally', items, chunkSize: 10 }),
    );
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/tasks/${id}/stream`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text(); // the server ends the stream when the task is finished
    const events = [...text.matchAll(/^data: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]!) as { processed: number; status: string },
    );
    expect(events.at(-1)).toMatchObject({ status: 'done', processed: 60 });
    const processed = events.map((e) => e.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
  });
});
