import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/connect.ts';
import { createTestDatabase, testDialects } from './support/db.ts';
import { freePort, freePortRange, repoRoot } from './support/process.ts';

/**
 * `npm run stack` end to end: twelve `regi run` processes on a fresh MariaDB database, Redis and the
 * SNS/SQS emulator (queues named as Copilot names them); the demo owner opens a register and sells
 * through the POS API, and sees the workers' effects arrive over SNS → SQS; SIGTERM stops every
 * process.
 */

/** A staff member's browser: cookies kept between calls, the CSRF header echoed on writes. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size)
      h.cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    if (method !== 'GET' && this.cookies.has('regi_csrf')) h['x-csrf-token'] = this.cookies.get('regi_csrf')!;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), decodeURIComponent(pair!.slice(at + 1)));
    }
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** The call must answer `status`; its JSON body. */
  async ok<T = Record<string, unknown>>(
    status: number,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const res = await this.call(method, path, body, headers);
    if (res.status !== status)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)} (wanted ${status})`);
    return res.body as T;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!testDialects().includes('mysql'))('npm run stack (MariaDB, Redis, SNS/SQS emulator)', () => {
  it(
    'runs the twelve workloads as processes; a sale at the register reaches the workers; SIGTERM stops all',
    { timeout: 600_000 },
    async () => {
      const database = await createTestDatabase('mysql');
      const [posPort, ecPort, sqsPort, healthBase] = [
        await freePort(),
        await freePort(),
        await freePort(),
        // Probe ports are base + index among the twelve (2..9).
        (await freePortRange(8)) - 2,
      ];
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts'], {
        cwd: repoRoot,
        env: {
          ...process.env,
          STACK_DATABASE_URL: database.url,
          POS_PORT: String(posPort),
          EC_PORT: String(ecPort),
          STACK_HEALTH_PORT_BASE: String(healthBase),
          STACK_SQS_PORT: String(sqsPort),
          // Started at low priority on a shared 2-core machine: give the services time to start.
          STACK_READY_TIMEOUT_MS: '400000',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        os.setPriority(child.pid!, 10); // inherited by the workloads: yield to the rest of the suite
      } catch {
        // not permitted here: run at normal priority
      }
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | string>((resolve) =>
        child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
      );
      const handle = openDatabase(database.url);
      let pids: { name: string; pid: number }[] = [];
      try {
        let stackExit: number | string | null = null;
        void exited.then((code) => (stackExit = code));
        // A stack that dies while starting fails the test at once, with what it printed.
        for (
          const deadline = Date.now() + 480_000;
          !output.includes('stack running; Ctrl-C stops everything');
        ) {
          if (stackExit !== null) throw new Error(`the stack exited (${stackExit}):\n${output.slice(-4000)}`);
          if (Date.now() > deadline)
            throw new Error(`the stack did not start in 8 minutes:\n${output.slice(-4000)}`);
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(output).toContain(`bus sqs (http://127.0.0.1:${sqsPort})`);
        expect(output).toMatch(
          /SNS\/SQS emulator \(fauxqs\).*7 queues with DLQs.*named by Copilot \(pos-stack-…\)/,
        );
        pids = [...output.matchAll(/\[stack\]\s+(\S+) started, pid (\d+)/g)].map((m) => ({
          name: m[1]!,
          pid: Number(m[2]),
        }));
        // migrate, seed, ten services, two jobs
        expect(pids.map((p) => p.name).sort()).toEqual(
          [
            'backend-outbox',
            'ec-web-app',
            'job-daily-calculate',
            'job-ensure-consistency',
            'migrate',
            'pos-web-app',
            'seed',
            'worker-ec-order',
            'worker-external-ec',
            'worker-item',
            'worker-notification',
            'worker-product',
            'worker-scheduled',
            'worker-transaction',
          ].sort(),
        );

        // The jobs ran once the seed's events had settled: the consistency job finds nothing critical
        // (online stock = stock − reserve everywhere means worker-product handled every seed event).
        const consistency = output
          .split('\n')
          .map((l) => l.replace(/^\[job-ensure-consistency\]\s+/, ''))
          .find((l) => l.startsWith('{"job":"ensure-consistency"'));
        expect(JSON.parse(consistency ?? '{}'), consistency).toMatchObject({ critical: 0, complete: true });

        // The demo owner at Akihabara's primary register (Hoshi Cards needs a staff code in sales mode).
        const owner = new Browser(`http://127.0.0.1:${posPort}`);
        await owner.ok(200, 'POST', '/api/v1/auth/login', {
          email: 'owner@hoshi.example',
          password: 'regi-demo-2024',
        });
        const { items: stores } = await owner.ok<{
          items: { id: number; code: string; registers: { id: number; primary: boolean }[] }[];
        }>(200, 'GET', '/api/v1/stores');
        const store = stores.find((s) => s.code === 'akihabara')!;
        const register = store.registers.find((r) => r.primary)!;
        await owner.ok(200, 'POST', '/api/v1/auth/session', {
          mode: 'sales',
          storeId: store.id,
          registerId: register.id,
        });
        await owner.ok(200, 'POST', '/api/v1/auth/staff', { employeeCode: '1001' });
        const at = `/api/v1/stores/${store.id}`;

        // The operations API sees the emulator's queues.
        const queues = await owner.ok<{ bus: string; queues: { queue: string; deadLetters: number }[] }>(
          200,
          'GET',
          '/api/v1/operations/queues',
        );
        expect(queues.bus).toBe('sqs');
        expect(queues.queues.map((q) => q.queue)).toContain('worker-product');

        // A product with online stock: the seed's stock came through the relay and worker-product.
        const row = await handle.db
          .selectFrom('product')
          .select(['id'])
          .where('store_id', '=', store.id)
          .where('ec_stock', '>=', 2)
          .orderBy('id')
          .executeTakeFirstOrThrow();
        const productId = Number(row.id);
        type Product = { stock: number; ecStock: number };
        const product = () => owner.ok<Product>(200, 'GET', `${at}/products/${productId}`);
        const before = await product();

        // Open the register with a ¥10,000 float, then sell two of the product for cash.
        await owner.ok(
          201,
          'POST',
          `${at}/registers/${register.id}/open`,
          { count: { '1000': 10 } },
          { 'idempotency-key': 'stack-open-1' },
        );
        const sale = await owner.ok<{
          id: number;
          status: string;
          total: number;
          change: number;
          businessDate: string;
        }>(
          201,
          'POST',
          `${at}/sales/checkout`,
          {
            registerId: register.id,
            lines: [{ productId, quantity: 2 }],
            payment: { cashTendered: 1_000_000 },
          },
          { 'idempotency-key': 'stack-sale-1' },
        );
        expect(sale).toMatchObject({ status: 'completed', change: 1_000_000 - sale.total });
        expect(sale.total).toBeGreaterThan(0);

        // In the sale's transaction: the stock and the drawer's cash.
        expect((await product()).stock).toBe(before.stock - 2);
        const state = await owner.ok<{ expectedCash: number }>(
          200,
          'GET',
          `${at}/registers/${register.id}/state`,
        );
        expect(state.expectedCash).toBe(10_000 + sale.total);
        const cash = await handle.db
          .selectFrom('cash_movement')
          .select(['kind', 'amount'])
          .where('register_id', '=', register.id)
          .where('kind', '=', 'sale')
          .execute();
        expect(cash.map((c) => Number(c.amount))).toEqual([sale.total]);

        // After it, through the outbox → relay → SNS → SQS → the workers' own processes:
        // worker-product lowers the online stock (inventory.stock_changed) ...
        await expect
          .poll(async () => (await product()).ecStock, { timeout: 60_000, interval: 250 })
          .toBe(before.ecStock - 2);
        // ... and worker-transaction adds the sale to the day's running total (sales.completed).
        const runningTotal = () =>
          handle.db
            .selectFrom('sales_running_total')
            .select(['sales_count', 'sales_total'])
            .where('store_id', '=', store.id)
            .where('business_date', '=', sale.businessDate)
            .executeTakeFirst()
            .then((r) => (r ? { count: Number(r.sales_count), total: Number(r.sales_total) } : undefined));
        await expect
          .poll(runningTotal, { timeout: 60_000, interval: 250 })
          .toEqual({ count: 1, total: sale.total });

        // Nothing was dead-lettered on the way.
        const after = await owner.ok<{ queues: { queue: string; deadLetters: number }[] }>(
          200,
          'GET',
          '/api/v1/operations/queues',
        );
        expect(after.queues.filter((q) => q.deadLetters > 0)).toEqual([]);

        // SIGTERM: every workload stops, then the stack and its emulator.
        child.kill('SIGTERM');
        expect(await exited, output.slice(-4000)).toBe(0);
        expect(output).toMatch(/\[stack\]\s+stopped/);
        expect(pids.filter((p) => alive(p.pid))).toEqual([]);
        for (const port of [posPort, ecPort, sqsPort, healthBase + 2]) {
          const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
            () => true,
            () => false,
          );
          expect(up, `port ${port}`).toBe(false);
        }
      } catch (err) {
        console.error(output.slice(-6000));
        throw err;
      } finally {
        child.kill('SIGKILL');
        for (const p of pids.filter((x) => alive(x.pid))) process.kill(p.pid, 'SIGKILL');
        await handle.close();
        await database.drop();
      }
    },
  );
});
