import { headerAuthenticator } from '../../../test/support/auth.ts';
import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { createHttpServer, type App } from '../http/server.ts';
import { withTransaction } from '../db/transaction.ts';
import { buildTopology } from './build-topology.ts';
import { defineEvent } from './events.ts';
import { onEvent } from './handler.ts';
import { operationsRoutes } from './operations-routes.ts';
import { publish } from './outbox.ts';
import { createSqlBus } from './sql-bus.ts';

const noted = defineEvent('probe.noted', 1, z.object({}));
const topology = buildTopology([noted], { 'worker-item': [onEvent('probe.note', noted, async () => {})] });

describe.each(testDialects())('operations API on %s', (dialect) => {
  const t = useTestDb(dialect);
  let app: App;
  beforeAll(async () => {
    app = await createHttpServer({
      authenticator: headerAuthenticator(),
      name: 't',
      description: 't',
      logger: pino({ level: 'silent' }),
      readiness: () => [],
      docs: false,
      plugins: [operationsRoutes({ bus: createSqlBus(t.db, topology, { pollMs: 20 }) })],
    });
  });
  afterAll(() => app?.close());

  it('lists queues with depth, in-flight and dead letters, and redrives them', async () => {
    const bus = createSqlBus(t.db, topology, { pollMs: 20 });
    const events = [0, 1, 2].map(() =>
      noted.build({ corporationId: 1, storeId: 1, key: `k${Math.random()}`, data: {} }),
    );
    await withTransaction(t.db, async (tx) => {
      for (const e of events) await publish(tx, e);
    });
    await bus.publish(events.map((envelope) => ({ topic: 'probe', envelope })));
    const [got] = await bus.receive('worker-item', { max: 1, waitMs: 0 });
    await bus.retryLater('worker-item', got!, 60_000, 'boom');
    // Receive the same message past maxReceiveCount: on the next receive it is dead-lettered.
    await t.db
      .updateTable('bus_message')
      .set({ receive_count: 5, visible_at: '2000-01-01 00:00:00.000' })
      .where('event_id', '=', got!.envelope.id)
      .execute();
    const others = await bus.receive('worker-item', { max: 10, waitMs: 0 });
    expect(others.map((d) => d.envelope.id).sort()).toEqual([events[1]!.id, events[2]!.id].sort());
    await bus.ack('worker-item', others.slice(0, 1));

    const res = await app.inject({ method: 'GET', url: '/api/v1/operations/queues' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      bus: 'sql',
      queues: [{ queue: 'worker-item', depth: 0, inFlight: 1, deadLetters: 1 }],
    });
    const dead = await app.inject({
      method: 'GET',
      url: '/api/v1/operations/queues/worker-item/dead-letters',
    });
    expect(dead.json().deadLetters).toMatchObject([
      { eventId: got!.envelope.id, lastError: 'boom', receiveCount: 5 },
    ]);
    const redrive = await app.inject({
      method: 'POST',
      url: '/api/v1/operations/queues/worker-item/redrive',
      payload: { eventIds: [got!.envelope.id] },
    });
    expect(redrive.json()).toEqual({ redriven: 1 });
    expect((await bus.stats())[0]).toMatchObject({ depth: 1, inFlight: 1, deadLetters: 0 });
  });

  it('answers 404 for a queue that does not exist and 400 for a bad event id', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/operations/queues/worker-nope/dead-letters',
    });
    expect(res.statusCode).toBe(404);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/operations/queues/worker-item/redrive',
      payload: { eventIds: ['x'] },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 401 without a session and 403 without the operations permissions', async () => {
    const anonymous = await app.inject({
      url: '/api/v1/operations/queues',
      headers: { 'x-test-anonymous': '1' },
    });
    expect(anonymous.statusCode).toBe(401);
    const clerk = await app.inject({
      url: '/api/v1/operations/queues',
      headers: { 'x-test-policies': 'mode.sales' },
    });
    expect([clerk.statusCode, clerk.json().policy]).toEqual([403, 'operations.view']);
    const viewer = await app.inject({
      method: 'POST',
      url: '/api/v1/operations/queues/worker-item/redrive',
      payload: {},
      headers: { 'x-test-policies': 'operations.view' },
    });
    expect([viewer.statusCode, viewer.json().policy]).toEqual([403, 'operations.manage']);
  });
});
