import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import { toDbTime } from '../../kernel/time.ts';
import { loadConfig } from '../../platform/config/config.ts';
import type { App } from '../../platform/http/server.ts';
import { createLogger } from '../../platform/log/log.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_PASSWORD, tenancySeed } from '../tenancy/seed.ts';
import { defineCheck, type Finding } from './check.ts';
import { outboxLag, stuckTasks } from './platform-checks.ts';
import { consistencyRoutes } from './routes.ts';
import { exitCodeOf, runConsistency } from './run.ts';

const log = createLogger({ level: 'silent' });

describe.each(testDialects())('consistency job on %s', (dialect) => {
  const t = useTestDb(dialect);
  const deps = () => {
    const p = testPlatform(t.handle);
    return {
      db: t.db,
      bus: p.bus,
      log,
      config: loadConfig({ SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/x' }),
    };
  };
  let dragon = 0;
  let hoshi = 0;
  beforeAll(async () => {
    await seedDemo(t.db, [tenancySeed]);
    const corp = async (like: string) =>
      Number(
        (
          await t.db
            .selectFrom('corporation')
            .select('id')
            .where('name', 'like', like)
            .executeTakeFirstOrThrow()
        ).id,
      );
    dragon = await corp('Dragon%');
    hoshi = await corp('Hoshi%');
  });

  it('finds an outbox row the relay left behind and a task without progress, and stores the report', async () => {
    const old = toDbTime(new Date(Date.now() - 10 * 60_000));
    await t.db
      .insertInto('outbox')
      .values({
        event_id: '0190a1b2-0000-7000-8000-000000000001',
        type: 'tasks.chunk_ready',
        topic: 'tasks',
        ordering_key: 'k',
        body: '{}',
        created_at: old,
        sent_at: null,
      })
      .execute();
    const stale = toDbTime(new Date(Date.now() - 2 * 3_600_000));
    await t.db
      .insertInto('task')
      .values({
        corporation_id: dragon,
        store_id: null,
        kind: 'x',
        status: 'running',
        total: 2,
        processed: 1,
        failed: 0,
        chunks: 2,
        chunks_done: 1,
        created_at: stale,
        updated_at: stale,
        finished_at: null,
      })
      .execute();
    const report = await runConsistency(deps(), [outboxLag, stuckTasks], { repair: false });
    expect(report.checks.map((c) => [c.name, c.remaining])).toEqual([
      ['outbox.lag', 1],
      ['tasks.stuck', 1],
    ]);
    expect(report).toMatchObject({ critical: 1, warnings: 1, complete: true });
    expect(exitCodeOf(report, null)).toBe(0);
    expect(exitCodeOf(report, 'critical')).toBe(3);
    const stored = await t.db
      .selectFrom('consistency_report')
      .select(['critical', 'warnings'])
      .where('id', '=', report.reportId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ critical: 1, warnings: 1 });
    // A platform-level critical finding goes to the operators' Slack.
    const slack = await t.db
      .selectFrom('notification')
      .select('kind')
      .where('channel', '=', 'slack')
      .execute();
    expect(slack).toEqual([{ kind: 'consistency.findings' }]);
    await t.db
      .updateTable('outbox')
      .set({ sent_at: toDbTime(new Date()) })
      .where('sent_at', 'is', null)
      .execute();
  });

  it("repairs what it safely can, tells each corporation's owners what remains, and keeps tenants apart", async () => {
    let broken: Finding[] = [
      { corporationId: dragon, storeId: 1, productId: 11 },
      { corporationId: dragon, storeId: 1, productId: 12 },
      { corporationId: hoshi, storeId: 3, productId: 31 },
    ];
    const repairable = defineCheck({
      name: 'test.repairable',
      severity: 'critical',
      description: 'a test invariant; only Dragon rows can be repaired',
      find: async () => broken,
      repair: async (_ctx, found) => {
        broken = found.filter((f) => f.corporationId !== dragon);
        return found.length - broken.length;
      },
    });
    const report = await runConsistency(deps(), [repairable], { repair: true });
    expect(report.checks[0]).toMatchObject({
      count: 3,
      repaired: 2,
      remaining: 1,
      countsByCorporation: { [hoshi]: 1 },
    });
    const notified = await t.db
      .selectFrom('notification')
      .select(['corporation_id', 'channel'])
      .where('kind', '=', 'consistency.findings')
      .where('channel', '!=', 'slack')
      .execute();
    expect(new Set(notified.map((n) => Number(n.corporation_id)))).toEqual(new Set([hoshi]));

    const app: App = await startPos(testPlatform(t.handle), { plugins: [consistencyRoutes] });
    try {
      const owner = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
      await owner.post('/api/v1/auth/session', { mode: 'admin' });
      const detail = JSON.parse((await owner.get(`/api/v1/consistency/reports/${report.reportId}`)).body);
      expect(detail.checks[0]).toMatchObject({
        name: 'test.repairable',
        remaining: 0,
        repaired: 2,
        sample: [{ productId: 11 }, { productId: 12 }],
      });
      const list = JSON.parse((await owner.get('/api/v1/consistency/reports')).body);
      expect(list.items[0]).toMatchObject({ id: report.reportId, critical: 0 });
      expect((await owner.get('/api/v1/consistency/reports/999999')).statusCode).toBe(404);
      const clerk = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
      const [store] = JSON.parse((await clerk.get('/api/v1/stores')).body).items;
      await clerk.post('/api/v1/auth/session', {
        mode: 'sales',
        storeId: store.id,
        registerId: store.registers[0].id,
      });
      expect((await clerk.get('/api/v1/consistency/reports')).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('runs every other check when one fails, and then says the run is incomplete', async () => {
    const broken = defineCheck({
      name: 'test.broken',
      severity: 'warning',
      description: 'throws',
      find: async () => Promise.reject(new Error('table missing')),
    });
    const report = await runConsistency(deps(), [broken, stuckTasks], { repair: false });
    expect(report.complete).toBe(false);
    expect(report.checks.map((c) => c.name)).toEqual(['test.broken', 'tasks.stuck']);
    expect(report.checks[0]!.error).toBe('table missing');
    expect(exitCodeOf(report, null)).toBe(1);
  });
});
