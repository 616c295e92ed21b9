import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask } from '../src/modules/tasks/commands.ts';
import { openDatabase, type DbHandle } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { withTransaction } from '../src/platform/db/transaction.ts';
import { provisionBus } from '../src/platform/bus/provision.ts';
import { createSqsBus } from '../src/platform/bus/sqs-bus.ts';
import { topology } from '../src/platform/bus/topology.ts';
import { useEmulator } from './support/bus.ts';
import { createTestDatabase, testDialects } from './support/db.ts';
import { freePort, readyBody, repoRoot, spawnRegi, waitForHttp, type Spawned } from './support/process.ts';
import './fixtures/tally-task-kind.ts';

/**
 * The AWS shape on one machine: MariaDB, the SNS/SQS emulator, two relays (one active, one standby)
 * and two worker-item processes, each its own OS process. The active relay is killed mid-stream.
 */
describe.skipIf(!testDialects().includes('mysql'))(
  'event backbone as separate processes (MariaDB + SNS/SQS)',
  () => {
    const emu = useEmulator();
    let handle: DbHandle;
    let drop: () => Promise<void>;
    let env: Record<string, string>;
    const procs: Spawned[] = [];

    beforeAll(async () => {
      const created = await createTestDatabase('mysql');
      drop = created.drop;
      handle = openDatabase(created.url);
      await migrateToLatest(handle.db);
      env = {
        DATABASE_URL: created.url,
        BUS: 'sqs',
        AWS_ENDPOINT_URL: emu.endpoint,
        AWS_REGION: 'ap-northeast-1',
        BUS_RESOURCE_PREFIX: `mp${process.pid}-`,
        RELAY_LEASE_MS: '1500',
        RELAY_HEARTBEAT_MS: '250',
        RELAY_BATCH_SIZE: '20',
        WORKER_RETRY_BASE_MS: '200',
        NODE_OPTIONS: `--import tsx --import ${path.join(repoRoot, 'test/fixtures/tally-task-kind.ts')}`,
      };
    });
    afterAll(async () => {
      for (const p of procs) p.child.kill('SIGKILL');
      await handle?.close();
      await drop?.();
    });

    const role = async (port: number) => {
      const body = await readyBody(await fetch(`http://127.0.0.1:${port}/readyz`));
      return (body.checks['backend-outbox.outbox']?.detail as { role?: string } | undefined)?.role;
    };
    const until = async (what: string, fn: () => Promise<boolean>, timeoutMs = 30_000) => {
      const end = Date.now() + timeoutMs;
      while (!(await fn().catch(() => false))) {
        if (Date.now() > end) {
          for (const p of procs) console.error(p.stderr().slice(-2000), p.stdout().slice(-3000));
          throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    it('loses nothing and applies nothing twice when the active relay is killed mid-batch', async () => {
      // What `regi bus provision` does, in-process here: one process start fewer on a busy machine.
      await provisionBus(topology, {
        region: 'ap-northeast-1',
        endpoint: emu.endpoint,
        prefix: env.BUS_RESOURCE_PREFIX!,
      });

      // All four start together (start-up dominates on a busy machine); whichever relay takes the
      // lease first is the active one, the other must be standby.
      const ports = [await freePort(), await freePort()];
      const relays = ports.map((port) =>
        spawnRegi(['run', 'backend-outbox'], { ...env, HEALTH_PORT: String(port) }),
      );
      const workers = [spawnRegi(['run', 'worker-item'], env), spawnRegi(['run', 'worker-item'], env)];
      procs.push(...relays, ...workers);
      for (const port of ports) await waitForHttp(`http://127.0.0.1:${port}/healthz`, 200, 90_000);
      await until(
        'one relay to be active',
        async () => (await role(ports[0]!)) === 'active' || (await role(ports[1]!)) === 'active',
        60_000,
      );
      const first = (await role(ports[0]!)) === 'active' ? 0 : 1;
      const [relayA, portB, relayB] = [relays[first]!, ports[1 - first]!, relays[1 - first]!];
      expect(await role(portB)).toBe('standby');

      const items = Array.from({ length: 800 }, (_, n) => ({ n }));
      const taskId = await withTransaction(handle.db, (tx) =>
        createTask(tx, { corporationId: 1, storeId: 1 }, { kind: 'test.tally', items, chunkSize: 2 }),
      );
      const sent = async () =>
        Number(
          (
            await sql<{ n: number }>`select count(*) as n from outbox where sent_at is not null`.execute(
              handle.db,
            )
          ).rows[0]!.n,
        );
      await until('the relay to be part-way through', async () => (await sent()) >= 40);
      relayA.child.kill('SIGKILL');
      expect(await sent()).toBeLessThan(400);

      await until('relay B to take over', async () => (await role(portB)) === 'active', 15_000);
      await until(
        'the task to finish',
        async () =>
          (await handle.db.selectFrom('task').select('status').where('id', '=', taskId).executeTakeFirst())
            ?.status === 'done',
        60_000,
      );
      const task = await handle.db
        .selectFrom('task')
        .selectAll()
        .where('id', '=', taskId)
        .executeTakeFirstOrThrow();
      expect({
        processed: Number(task.processed),
        failed: Number(task.failed),
        chunksDone: Number(task.chunks_done),
      }).toEqual({
        processed: 800,
        failed: 0,
        chunksDone: 400,
      });
      const rows = await handle.db
        .selectFrom('system_state')
        .select('key')
        .where('key', 'like', `tally:${taskId}:%`)
        .execute();
      expect(rows).toHaveLength(800);
      expect(await sent()).toBe(400);

      // Both workers took part; the queues and DLQs are empty.
      const handled = workers.map(
        (w) =>
          w
            .stdout()
            .split('\n')
            .filter((l) => l.includes('"event handled"')).length,
      );
      expect(handled.every((n) => n > 0)).toBe(true);
      expect(handled[0]! + handled[1]!).toBe(400);
      const bus = createSqsBus(topology, {
        region: 'ap-northeast-1',
        endpoint: emu.endpoint,
        prefix: env.BUS_RESOURCE_PREFIX!,
      });
      const stats = await bus.stats();
      await bus.close();
      expect(stats.find((s) => s.queue === 'worker-item')).toEqual({
        queue: 'worker-item',
        depth: 0,
        inFlight: 0,
        deadLetters: 0,
      });

      for (const p of [relayB, ...workers]) p.child.kill('SIGTERM');
      expect(await Promise.all([relayB, ...workers].map((p) => p.exited))).toEqual([0, 0, 0]);
    }, 300_000);
  },
);
