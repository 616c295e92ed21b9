import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { freePort } from '../../../test/support/process.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import { ValidationError } from '../../kernel/errors.ts';
import { MemoryCache } from '../../platform/cache/memory.ts';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { createLogger } from '../../platform/log/log.ts';
import type { EventEnvelope } from '../../platform/bus/events.ts';
import type { App } from '../../platform/http/server.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_PASSWORD, tenancySeed } from '../tenancy/seed.ts';
import { deliver } from './handlers.ts';
import { notifyOwners, requestNotification } from './request.ts';
import { notificationRoutes } from './routes.ts';

const log = createLogger({ level: 'silent' });

/** Runs the delivery handler on every notification event still in the outbox (what worker-notification does). */
async function deliverPending(db: Db, config: Config, cache = new MemoryCache()) {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'body'])
    .where('type', '=', 'notifications.requested')
    .where('sent_at', 'is', null)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    await withTransaction(db, async (tx) => {
      await deliver.handle(tx, JSON.parse(row.body) as EventEnvelope, {
        log,
        cache,
        config,
        afterCommit: () => {},
      });
      await tx
        .updateTable('outbox')
        .set({ sent_at: '2000-01-01 00:00:00.000' })
        .where('id', '=', row.id)
        .execute();
    });
  }
  return rows.length;
}

const statusOf = async (db: Db, id: number) =>
  await db
    .selectFrom('notification')
    .select(['status', 'last_error'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe.each(testDialects())('notifications on %s', (dialect) => {
  const t = useTestDb(dialect);
  const capture = loadConfig({ MAIL_TRANSPORT: 'capture' });

  it('captures an e-mail in embedded mode, once, and keeps the address out of the event', async () => {
    const id = await withTransaction(t.db, (tx) =>
      requestNotification(tx, {
        corporationId: 1,
        kind: 'system.test',
        channel: 'email',
        recipient: 'owner@shop.example',
        params: { note: 'A' },
      }),
    );
    const event = await t.db
      .selectFrom('outbox')
      .select('body')
      .where('type', '=', 'notifications.requested')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.body).not.toContain('owner@shop.example');
    await deliverPending(t.db, capture);
    expect(await statusOf(t.db, id)).toEqual({ status: 'sent', last_error: null });
    const mails = await t.db
      .selectFrom('captured_mail')
      .selectAll()
      .where('notification_id', '=', id)
      .execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: 'owner@shop.example', subject: 'regi テスト通知' });
    expect(mails[0]!.body).toContain('A');
  });

  it('does nothing when the same request is delivered again', async () => {
    const id = await withTransaction(t.db, (tx) =>
      requestNotification(tx, {
        corporationId: 1,
        kind: 'system.test',
        locale: 'en',
        channel: 'email',
        recipient: 'a@shop.example',
      }),
    );
    const body = (
      await t.db
        .selectFrom('outbox')
        .select('body')
        .where('type', '=', 'notifications.requested')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
    ).body;
    for (let i = 0; i < 2; i++) {
      await withTransaction(t.db, (tx) =>
        deliver.handle(tx, JSON.parse(body) as EventEnvelope, {
          log,
          cache: new MemoryCache(),
          config: capture,
          afterCommit: () => {},
        }),
      );
    }
    const mails = await t.db
      .selectFrom('captured_mail')
      .select('subject')
      .where('notification_id', '=', id)
      .execute();
    expect(mails).toEqual([{ subject: 'regi test notification' }]);
  });

  it('refuses an unknown kind or a malformed address and writes nothing', async () => {
    const before = await t.db
      .selectFrom('notification')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const bad of [
      { kind: 'nope', recipient: 'a@b.example' },
      { kind: 'system.test', recipient: 'not-an-address' },
    ]) {
      await expect(
        withTransaction(t.db, (tx) =>
          requestNotification(tx, { corporationId: 1, channel: 'email', ...bad }),
        ),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    const after = await t.db
      .selectFrom('notification')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('stops at the per-recipient hourly limit', async () => {
    const config = loadConfig({ MAIL_TRANSPORT: 'capture', NOTIFY_RATE_LIMIT_PER_HOUR: '2' });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        await withTransaction(t.db, (tx) =>
          requestNotification(tx, {
            corporationId: 1,
            kind: 'system.test',
            channel: 'email',
            recipient: 'busy@shop.example',
          }),
        ),
      );
    }
    await deliverPending(t.db, config);
    expect(await Promise.all(ids.map(async (id) => (await statusOf(t.db, id)).status))).toEqual([
      'sent',
      'sent',
      'rate_limited',
    ]);
  });

  describe('in-app notices for owners', () => {
    let app: App;
    beforeAll(async () => {
      await seedDemo(t.db, [tenancySeed]);
      app = await startPos(testPlatform(t.handle), { plugins: [notificationRoutes] });
    });
    afterAll(() => app.close());

    it('shows an owner their notices with the unread count, and marks one read', async () => {
      const corp = await t.db
        .selectFrom('corporation')
        .select('id')
        .where('name', 'like', 'Dragon%')
        .executeTakeFirstOrThrow();
      await withTransaction(t.db, (tx) =>
        notifyOwners(tx, Number(corp.id), 'consistency.findings', {
          critical: 2,
          ranAt: 'now',
          summary: 'x',
        }),
      );
      await deliverPending(t.db, capture);
      const owner = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
      const list = JSON.parse((await owner.get('/api/v1/notices')).body);
      expect(list.unread).toBe(1);
      expect(list.items[0].title).toContain('2 件');
      expect((await owner.post(`/api/v1/notices/${list.items[0].id}/read`)).statusCode).toBe(204);
      expect(JSON.parse((await owner.get('/api/v1/notices')).body).unread).toBe(0);
      expect((await owner.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
      const mail = JSON.parse((await owner.get('/api/v1/notifications/captured-mail')).body);
      expect(mail.items.some((m: { to: string }) => m.to === 'owner@dragon.example')).toBe(true);
    });

    it("answers 404 for another corporation's notice and 403 to a clerk reading captured mail", async () => {
      const corp = await t.db
        .selectFrom('corporation')
        .select('id')
        .where('name', 'like', 'Hoshi%')
        .executeTakeFirstOrThrow();
      await withTransaction(t.db, (tx) => notifyOwners(tx, Number(corp.id), 'system.test', {}));
      await deliverPending(t.db, capture);
      const other = await t.db
        .selectFrom('staff_notice')
        .select('id')
        .where('corporation_id', '=', Number(corp.id))
        .executeTakeFirstOrThrow();
      const owner = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
      expect((await owner.post(`/api/v1/notices/${other.id}/read`)).statusCode).toBe(404);
      const clerk = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
      const [store] = JSON.parse((await clerk.get('/api/v1/stores')).body).items;
      const register = store.registers[0];
      expect(
        (
          await clerk.post('/api/v1/auth/session', {
            mode: 'sales',
            storeId: store.id,
            registerId: register.id,
          })
        ).statusCode,
      ).toBe(200);
      expect((await clerk.get('/api/v1/notifications/captured-mail')).statusCode).toBe(403);
    });
  });
});

describe.each(testDialects())('notifications leaving the process on %s', (dialect) => {
  const t = useTestDb(dialect);

  it('sends e-mail through an SMTP server in split mode', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (c) => (data += c));
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const config = loadConfig({
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        MAIL_FROM: 'regi <shop@regi.example>',
      });
      const id = await withTransaction(t.db, (tx) =>
        requestNotification(tx, {
          corporationId: 1,
          kind: 'system.test',
          locale: 'en',
          channel: 'email',
          recipient: 'customer@mail.example',
        }),
      );
      await deliverPending(t.db, config);
      expect(await statusOf(t.db, id)).toMatchObject({ status: 'sent' });
      expect(received).toHaveLength(1);
      expect(received[0]).toContain('Subject: regi test notification');
      expect(received[0]).toContain('To: customer@mail.example');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('leaves the notification pending for a retry while the SMTP server is down', async () => {
    const config = loadConfig({ MAIL_TRANSPORT: 'smtp', SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    const id = await withTransaction(t.db, (tx) =>
      requestNotification(tx, {
        corporationId: 1,
        kind: 'system.test',
        channel: 'email',
        recipient: 'x@mail.example',
      }),
    );
    await expect(deliverPending(t.db, config)).rejects.toThrow();
    expect((await statusOf(t.db, id)).status).toBe('pending');
    await t.db
      .updateTable('outbox')
      .set({ sent_at: '2000-01-01 00:00:00.000' })
      .where('type', '=', 'notifications.requested')
      .execute();
  });

  it('posts to a Slack webhook; a rejected webhook fails for good, an outage is retried', async () => {
    let status = 200;
    const bodies: string[] = [];
    const hook = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      const config = loadConfig({ SLACK_WEBHOOK_URL: url });
      const ask = () =>
        withTransaction(t.db, (tx) =>
          requestNotification(tx, {
            corporationId: null,
            kind: 'system.test',
            channel: 'slack',
            recipient: 'default',
          }),
        );
      const ok = await ask();
      await deliverPending(t.db, config);
      expect((await statusOf(t.db, ok)).status).toBe('sent');
      expect(JSON.parse(bodies[0]!).text).toContain('regi テスト通知');
      status = 404;
      const gone = await ask();
      await deliverPending(t.db, config);
      expect(await statusOf(t.db, gone)).toEqual({ status: 'failed', last_error: 'Slack answered 404' });
      status = 503;
      const later = await ask();
      await expect(deliverPending(t.db, config)).rejects.toThrow('Slack answered 503');
      expect((await statusOf(t.db, later)).status).toBe('pending');
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });
});
