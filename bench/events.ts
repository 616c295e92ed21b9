/**
 * End-to-end benchmark of the event backbone: producers write events into the outbox, the relay sends
 * them, a worker runtime applies them. Two phases on one database:
 *   1. throughput: N events offered at once; eventsPerS = N / (first commit → last applied);
 *   2. lag: events offered at a steady --rate (default 500/s) for a few seconds; lag = occurredAt →
 *      the handler's commit.
 * Every application is counted, so `lost` and `duplicatesApplied` are measured, not assumed.
 *
 *   npm run bench:events -- --bus sql|sqs --events N [--rate 500] [--db sqlite|mysql://...]
 *
 * The sqs bus runs against the fauxqs emulator in this process. Writes bench/results/events-<bus>.json
 * and prints the summary JSON as its last line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startFauxqs } from 'fauxqs';
import { z } from 'zod';
import { buildTopology } from '../src/platform/bus/build-topology.ts';
import type { Bus } from '../src/platform/bus/bus.ts';
import { startConsumer } from '../src/platform/bus/consumer.ts';
import { defineEvent } from '../src/platform/bus/events.ts';
import { onEvent } from '../src/platform/bus/handler.ts';
import { publish } from '../src/platform/bus/outbox.ts';
import { provisionBus } from '../src/platform/bus/provision.ts';
import { startRelay } from '../src/platform/bus/relay.ts';
import { createSqlBus } from '../src/platform/bus/sql-bus.ts';
import { createSqsBus } from '../src/platform/bus/sqs-bus.ts';
import { MemoryCache } from '../src/platform/cache/memory.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { withTransaction } from '../src/platform/db/transaction.ts';

const { values: args } = parseArgs({
  options: {
    bus: { type: 'string', default: 'sql' },
    events: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '500' },
    'lag-seconds': { type: 'string', default: '5' },
    db: { type: 'string', default: 'sqlite' },
    keys: { type: 'string', default: '200' },
    consumers: { type: 'string', default: '2' },
  },
});
const busKind = args.bus === 'sqs' ? 'sqs' : args.bus === 'sql' ? 'sql' : undefined;
const total = Number(args.events);
const rate = Number(args.rate);
if (!busKind || !Number.isInteger(total) || total < 1 || !(rate > 0)) {
  console.error(
    'usage: npm run bench:events -- --bus sql|sqs --events N [--rate R] [--db sqlite|mysql://...]',
  );
  process.exit(2);
}

// A bench-only event, not part of the product.
const tick = defineEvent('bench.tick', 1, z.object({ seq: z.number().int() }));
const applied = new Map<string, number>();
const lags: number[] = [];
let lastAppliedAt = 0;
const handler = onEvent('bench.count', tick, async (_tx, e, ctx) => {
  ctx.afterCommit(async () => {
    const now = Date.now();
    applied.set(e.id, (applied.get(e.id) ?? 0) + 1);
    if (recordLag) lags.push(now - new Date(e.occurredAt).getTime());
    lastAppliedAt = now;
  });
});
let recordLag = false;
const topology = buildTopology([tick], { 'worker-item': [handler] });
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-bench-'));
let dbUrl = `sqlite:${path.join(dir, 'bench.db')}`;
let dropDb = async () => {};
if (args.db!.startsWith('mysql://')) {
  const { createConnection } = await import('mysql2/promise');
  const name = `regi_bench_${process.pid}`;
  const c = await createConnection({ uri: args.db! });
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  const u = new URL(args.db!);
  u.pathname = `/${name}`;
  dbUrl = u.toString();
  dropDb = async () => {
    const d = await createConnection({ uri: args.db! });
    await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await d.end();
  };
}
const handle = openDatabase(dbUrl, { poolSize: 20 });
await migrateToLatest(handle.db);

const emulator = busKind === 'sqs' ? await startFauxqs({ port: 0, logger: false }) : undefined;
const endpoint = emulator ? `http://127.0.0.1:${emulator.port}` : undefined;
const makeBus = async (): Promise<Bus> => {
  if (busKind === 'sql') return createSqlBus(handle.db, topology, { pollMs: 50 });
  return createSqsBus(topology, { region: 'ap-northeast-1', endpoint, prefix: 'bench-' });
};
if (busKind === 'sqs') await provisionBus(topology, { region: 'ap-northeast-1', endpoint, prefix: 'bench-' });

const bus = await makeBus();
const relay = startRelay({
  db: handle.db,
  bus,
  log,
  batchSize: 500,
  pollMs: 10,
  leaseMs: 15_000,
  heartbeatMs: 3000,
  retentionMs: 3600_000,
});
const consumers = await Promise.all(
  Array.from({ length: Number(args.consumers) }, async () =>
    startConsumer({
      queue: topology.queues[0]!,
      handlers: [handler],
      db: handle.db,
      bus: busKind === 'sql' ? bus : await makeBus(),
      cache: new MemoryCache(),
      log,
      concurrency: 8,
      retryBaseMs: 100,
      retryMaxMs: 1000,
      waitMs: 1000,
    }),
  ),
);

const keys = Number(args.keys);
let seq = 0;
async function offer(n: number, perTx: number) {
  for (let i = 0; i < n; i += perTx) {
    await withTransaction(handle.db, async (tx) => {
      for (let j = i; j < Math.min(n, i + perTx); j++) {
        const s = seq++;
        await publish(
          tx,
          tick.build({ corporationId: 1, storeId: 1, key: `k${s % keys}`, data: { seq: s } }),
        );
      }
    });
  }
}
async function drained(expected: number, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (applied.size < expected && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

// Phase 1: throughput.
const t0 = Date.now();
await offer(total, 100);
await drained(total, 120_000 + total * 5);
const eventsPerS = Math.round((applied.size / Math.max(1, lastAppliedAt - t0)) * 1000);

// Phase 2: lag at a steady offered rate (in 20 ms ticks).
recordLag = true;
const paced = Math.round(rate * Number(args['lag-seconds']));
const tickMs = 20;
const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
const start = Date.now();
for (let sent = 0, k = 0; sent < paced; k++) {
  const n = Math.min(perTick, paced - sent);
  await offer(n, n);
  sent += n;
  const wait = start + (k + 1) * tickMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await drained(total + paced, 60_000);
await new Promise((r) => setTimeout(r, 1000)); // let any late duplicate show up

for (const c of consumers) await c.stop();
await relay.stop();
await bus.close();
await handle.close();
await emulator?.stop();
await dropDb();
fs.rmSync(dir, { recursive: true, force: true });

const offered = total + paced;
const sorted = [...lags].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
const summary = {
  bus: busKind,
  events: offered,
  delivered: applied.size,
  lost: offered - applied.size,
  duplicatesApplied: [...applied.values()].reduce((a, n) => a + (n - 1), 0),
  eventsPerS,
  lagP50Ms: pct(50),
  lagP99Ms: pct(99),
};
const details = {
  ...summary,
  throughputEvents: total,
  lagPhase: { offeredPerS: rate, events: paced },
  db: handle.dialect,
  at: new Date().toISOString(),
};
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(
  path.join(import.meta.dirname, 'results', `events-${busKind}.json`),
  JSON.stringify(details, null, 2) + '\n',
);
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(0);
