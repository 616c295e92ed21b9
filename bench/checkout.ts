/**
 * Checkout benchmark: `npm run bench:checkout -- --db sqlite|mysql --clients 16 --seconds 20`.
 * Builds a fresh store (300 cards, one register per client, all open), starts pos-web-app as its
 * own process, and has each client complete 3-line sales over HTTP on its own register as fast as
 * it can: about a third of the lines land on 5 hot products, so registers contend for the same
 * rows. The first `--warmup` seconds (default 5) are not measured: on a new MySQL database they
 * are slower while InnoDB grows its files. Afterwards it checks that no product went below zero
 * and that every product's stock equals the sum of its ledger. Writes
 * bench/results/checkout-<db>.json; the last line printed is
 * `{db, clients, sales, salesPerS, p50Ms, p99Ms, oversold, ledgerMismatches, errors}`.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { openDatabase } from '../src/platform/db/connect.ts';
import { openBenchStore } from './demo-store.ts';
import { withTransaction } from '../src/platform/db/transaction.ts';
import { toDbTime } from '../src/kernel/time.ts';
import { DEMO_PASSWORD } from '../src/modules/tenancy/seed.ts';
import { createCategory, createGenre, createItem } from '../src/modules/catalog/commands.ts';
import { itemInput } from '../src/modules/catalog/schemas.ts';
import { moveStock } from '../src/modules/inventory/index.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '20' },
    // Sales before the measured window: JIT, caches, and a new MySQL database growing its files.
    warmup: { type: 'string', default: '5' },
    items: { type: 'string', default: '300' },
    port: { type: 'string', default: '3490' },
  },
});
const dialect = values.db;
if (dialect !== 'sqlite' && dialect !== 'mysql') throw new Error('--db is sqlite or mysql');
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const itemCount = Number(values.items);
const port = Number(values.port);
const root = path.resolve(import.meta.dirname, '..');

// A fresh database every run: the figures must not depend on what an earlier run left.
const dataDir = path.join(root, 'bench/data/checkout');
let databaseUrl: string;
if (dialect === 'sqlite') {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  databaseUrl = `sqlite:${path.join(dataDir, 'regi.db')}`;
} else {
  const server = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const c = await createConnection(server);
  await c.query('DROP DATABASE IF EXISTS regi_bench_checkout');
  await c.query('CREATE DATABASE regi_bench_checkout CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await c.end();
  const url = new URL(server);
  url.pathname = '/regi_bench_checkout';
  databaseUrl = url.toString();
}

const { handle, scope, primaryRegisterId } = await openBenchStore(databaseUrl);
const db = handle.db;
const registers = await withTransaction(db, async (tx) => {
  const ids: number[] = [];
  for (let i = 0; i < clients; i++) {
    const r = await tx
      .insertInto('register')
      .values({
        corporation_id: scope.corporationId,
        store_id: scope.storeId,
        name: `Bench ${i + 1}`,
        primary_of_store_id: null,
        archived_at: null,
        created_at: toDbTime(new Date()),
      })
      .executeTakeFirstOrThrow();
    ids.push(Number(r.insertId));
  }
  return ids;
});
const productIds = await withTransaction(db, async (tx) => {
  const genreId = await createGenre(tx, scope, { name: 'bench', sortOrder: 0 });
  const categoryId = await createCategory(tx, scope, {
    name: 'bench singles',
    kind: 'single',
    conditions: [
      { name: 'A', sell: { kind: 'percent', value: 10_000 }, buy: { kind: 'percent', value: 10_000 } },
    ],
  });
  const ids: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const itemId = await createItem(
      tx,
      scope,
      itemInput.parse({
        genreId,
        categoryId,
        name: `Bench card ${i}`,
        baseSellPrice: 100 + (i % 50) * 20,
        baseBuyPrice: 50,
      }),
    );
    const p = await tx.selectFrom('product').select('id').where('item_id', '=', itemId).execute();
    for (const x of p) {
      ids.push(Number(x.id));
      await moveStock(
        tx,
        { ...scope, staffId: null },
        { productId: Number(x.id), quantity: 1_000_000, source: { kind: 'stocking', id: 'bench' } },
      );
    }
  }
  return ids;
});
const hot = productIds.slice(0, 5);
const price = new Map(
  (
    await db
      .selectFrom('product')
      .select(['id', 'sell_price'])
      .where('store_id', '=', scope.storeId)
      .execute()
  ).map((p) => [Number(p.id), Number(p.sell_price)]),
);
await handle.close();

// BENCH_PROFILE=1 writes a V8 CPU profile of the server to bench/data/profiles/ (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'bench/data/profiles')}`]
  : [];
const child = spawn(process.execPath, [...profile, path.join(root, 'bin/regi.js'), 'run', 'pos-web-app'], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    POS_PORT: String(port),
    LOG_LEVEL: 'warn',
    REGI_DATA_DIR: dataDir,
    // Each client is its own terminal behind a proxy: the per-address login limit applies per client.
    TRUST_PROXY: '127.0.0.1',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
/** CPU time the server process has used so far, from /proc (null where there is none). */
function serverCpuMs(): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat; 12 and 13 after the command name) in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
// node:http with kept-alive connections, not fetch: the load generator shares the two cores with
// the server, and fetch costs it several times the CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 4 });
interface Reply {
  status: number;
  body: string;
  cookies: string[];
}
function request(method: string, url: string, headers: Record<string, string>, payload?: string) {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(base + url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          body: Buffer.concat(chunks).toString(),
          cookies: res.headers['set-cookie'] ?? [],
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
try {
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error('pos-web-app did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }

  /** A clerk's session on one register: cookies and the CSRF token. */
  let terminals = 0;
  async function session(registerId: number) {
    const address = `10.9.0.${++terminals}`;
    const jar = new Map<string, string>();
    const call = async (method: string, url: string, body?: unknown) => {
      const headers: Record<string, string> = {
        'x-forwarded-for': address,
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      };
      const payload = body === undefined ? undefined : JSON.stringify(body);
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(payload));
      }
      if (method !== 'GET' && jar.has('regi_csrf'))
        headers['x-csrf-token'] = decodeURIComponent(jar.get('regi_csrf')!);
      const res = await request(method, url, headers, payload);
      for (const c of res.cookies) {
        const [pair] = c.split(';');
        const [k, v] = pair!.split('=');
        jar.set(k!, v!);
      }
      return res;
    };
    const must = async (res: Promise<Reply>) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`${r.status} ${r.body}`);
      return r;
    };
    await must(
      call('POST', '/api/v1/auth/login', { email: 'clerk@dragon.example', password: DEMO_PASSWORD }),
    );
    await must(call('POST', '/api/v1/auth/session', { mode: 'sales', storeId: scope.storeId, registerId }));
    return { call, must };
  }

  // The primary register opens the store's day; then every bench register opens.
  // One after another: parallel sign-ins of one account would trip its attempt limit.
  const sessions = [];
  for (const r of registers) sessions.push(await session(r));
  const opener = await session(primaryRegisterId);
  await opener.must(
    opener.call('POST', `/api/v1/stores/${scope.storeId}/registers/${primaryRegisterId}/open`, {
      count: { '1000': 10 },
    }),
  );
  for (const [i, s] of sessions.entries())
    await s.must(
      s.call('POST', `/api/v1/stores/${scope.storeId}/registers/${registers[i]}/open`, {
        count: { '1000': 10 },
      }),
    );

  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const latencies: number[] = [];
  let errors = 0;
  const firstErrors: string[] = [];
  const warmupUntil = Date.now() + warmup * 1000;
  const until = warmupUntil + seconds * 1000;
  let measuredFrom = 0;
  let cpuFrom: number | null = null;
  await Promise.all(
    sessions.map(async (s, i) => {
      let n = 0;
      while (Date.now() < until) {
        const lines = [0, 1, 2].map((j) => ({
          productId: rand(3) === 0 ? hot[(i + j) % hot.length]! : productIds[rand(productIds.length)]!,
          quantity: 1 + rand(2),
        }));
        // Distinct products per cart, as a clerk scanning the same card twice raises the quantity.
        const unique = [...new Map(lines.map((l) => [l.productId, l])).values()];
        // Half cash (drawer movement), half card for the exact total (tax-inclusive list prices).
        const total = unique.reduce((t, l) => t + price.get(l.productId)! * l.quantity, 0);
        const body = {
          lines: unique,
          payment: ++n % 2 === 0 ? { cashTendered: 100_000 } : { other: { method: 'card', amount: total } },
        };
        const started = performance.now();
        const res = await s.call('POST', `/api/v1/stores/${scope.storeId}/sales/checkout`, body);
        const ms = performance.now() - started;
        if (res.status !== 201) {
          errors++;
          if (firstErrors.length < 5) firstErrors.push(`${res.status} ${res.body}`);
        }
        if (Date.now() >= warmupUntil) {
          if (!measuredFrom) {
            measuredFrom = Date.now();
            cpuFrom = serverCpuMs();
          }
          if (res.status === 201) latencies.push(ms);
        }
      }
    }),
  );
  const elapsed = (Date.now() - measuredFrom) / 1000;
  const cpuTo = serverCpuMs();
  const serverCpuMsPerSale =
    cpuFrom === null || cpuTo === null
      ? null
      : Math.round(((cpuTo - cpuFrom) / latencies.length) * 1000) / 1000;

  const check = openDatabase(databaseUrl);
  const oversold = Number(
    (
      await check.db
        .selectFrom('product')
        .select((e) => e.fn.countAll().as('n'))
        .where('store_id', '=', scope.storeId)
        .where('stock', '<', 0)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const sums = await check.db
    .selectFrom('stock_ledger')
    .select(['product_id', (e) => e.fn.sum<number>('quantity').as('q')])
    .where('store_id', '=', scope.storeId)
    .groupBy('product_id')
    .execute();
  const stock = new Map(
    (
      await check.db
        .selectFrom('product')
        .select(['id', 'stock'])
        .where('store_id', '=', scope.storeId)
        .execute()
    ).map((p) => [Number(p.id), Number(p.stock)]),
  );
  const ledgerMismatches = sums.filter((s) => stock.get(Number(s.product_id)) !== Number(s.q)).length;
  await check.close();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]! * 10) /
    10;
  const result = {
    db: dialect,
    clients,
    sales: latencies.length,
    salesPerS: Math.round(latencies.length / elapsed),
    p50Ms: pct(50),
    p99Ms: pct(99),
    oversold,
    ledgerMismatches,
    errors,
    // Where the time goes: the server's own CPU per sale (Linux; user + system, all its threads).
    serverCpuMsPerSale,
  };
  if (firstErrors.length) console.error(firstErrors.join('\n'));
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, `bench/results/checkout-${dialect}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  agent.destroy();
  child.kill('SIGTERM');
}
