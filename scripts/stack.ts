// npm run stack [-- --only a,b,c] [--names regi] [--bus sql]
// The AWS topology rehearsed on this machine: each workload a separate process (`regi run`) against
// the local MariaDB and Redis, and events through SNS FIFO topics → SQS FIFO queues of the fauxqs
// emulator, started in this process and provisioned from the one topology declaration (the code of
// `regi bus provision`). Logs are prefixed with the workload name; Ctrl-C (SIGINT/SIGTERM) stops every
// workload, then the emulator.
// Environment: STACK_DATABASE_URL (default mysql://root@127.0.0.1:3306/regi_stack), STACK_VALKEY_URL
// (default redis://127.0.0.1:6379), POS_PORT (3000), EC_PORT (3001), STACK_HEALTH_PORT_BASE (3100),
// STACK_SQS_PORT (4566, the emulator). Resources get Copilot's names (application pos, environment
// stack) and each process what Copilot injects; `--names regi` uses BUS_RESOURCE_PREFIX names.
// `--bus sql` runs on the `sql` bus instead (no emulator). STACK_READY_TIMEOUT_MS (120000) bounds how long
// the services may take to become ready, and the jobs to wait for the seed's events to settle.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FauxqsServer } from 'fauxqs';
import { createConnection } from 'mysql2/promise';
import { provisionBus } from '../src/platform/bus/provision.ts';
import { createSqsBus } from '../src/platform/bus/sqs-bus.ts';
import { topology } from '../src/platform/bus/topology.ts';
import { planStack, prefixer, type StackProcess, type StackSqsBus } from './stack-plan.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const regi = path.join(root, 'bin/regi.js');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : undefined;
const busArg = process.argv.indexOf('--bus');
const busKind = busArg > 0 ? process.argv[busArg + 1] : 'sqs';
if (busKind !== 'sql' && busKind !== 'sqs') {
  process.stderr.write(`stack: --bus must be sql or sqs (got ${JSON.stringify(busKind)})\n`);
  process.exit(2);
}
const namesArg = process.argv.indexOf('--names');
const names = namesArg > 0 ? process.argv[namesArg + 1] : 'copilot';
if (names !== 'copilot' && names !== 'regi') {
  process.stderr.write(`stack: --names must be copilot or regi (got ${JSON.stringify(names)})\n`);
  process.exit(2);
}
const sqsPort = Number(process.env.STACK_SQS_PORT || 4566);
// The AWS SDK warns once per process that its 2027 releases need Node 22; the containers run the
// current LTS, and on this machine the warning is noise in twelve logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Copilot's names (application `pos`, environment `stack`) by default, so the wiring is AWS's:
// the relay gets COPILOT_SNS_TOPIC_ARNS, each worker its COPILOT_QUEUE_URI, and the operations
// tools find the CloudFormation-style queue names by listing (src/platform/bus/sqs-names.ts).
const copilot = names === 'copilot' ? { app: 'pos', env: 'stack' } : undefined;
let sqs: StackSqsBus | undefined =
  busKind === 'sqs'
    ? { endpoint: `http://127.0.0.1:${sqsPort}`, region: 'ap-northeast-1', prefix: 'regi-' }
    : undefined;
const databaseUrl = process.env.STACK_DATABASE_URL || 'mysql://root@127.0.0.1:3306/regi_stack';
const valkeyUrl = process.env.STACK_VALKEY_URL ?? 'redis://127.0.0.1:6379';
const readyTimeoutMs = Number(process.env.STACK_READY_TIMEOUT_MS || 120_000);
const shutdownMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 8000) + 2000;

const planOptions = {
  databaseUrl,
  ...(valkeyUrl ? { valkeyUrl } : {}),
  posPort: Number(process.env.POS_PORT || 3000),
  ecPort: Number(process.env.EC_PORT || 3001),
  healthPortBase: Number(process.env.STACK_HEALTH_PORT_BASE || 3100),
  ...(only ? { only } : {}),
};
// Planned again once the emulator is provisioned (the injected URLs and ARNs); this checks --only.
let plan = planStack({ ...planOptions, ...(sqs ? { sqs } : {}) });
const width = Math.max(...plan.map((p) => p.name.length), 'stack'.length);
const say = prefixer('stack', width);
const out = (s: string) => process.stdout.write(say(s + '\n'));
const children = new Map<string, ChildProcess>();
let emulator: FauxqsServer | undefined;
let stopping = false;

function run(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [regi, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  out(`${name} started, pid ${child.pid}`);
  const o = prefixer(name, width);
  const e = prefixer(name, width);
  child.stdout!.on('data', (d) => process.stdout.write(o(String(d))));
  child.stderr!.on('data', (d) => process.stderr.write(e(String(d))));
  return child;
}

const exitCode = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code ?? 1));
  });

/** A process that runs to its end (migrate, seed, a job); Ctrl-C stops it like the services. */
async function once(name: string, args: string[], env: Record<string, string>) {
  const child = run(name, args, env);
  children.set(name, child);
  const code = await exitCode(child);
  children.delete(name);
  if (stopping) return;
  if (code !== 0) throw new Error(`${name} exited with ${code}`);
}

async function waitReady(p: StackProcess, deadline: number) {
  while (Date.now() < deadline && !stopping) {
    const ok = await fetch(p.readyUrl!).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!stopping) throw new Error(`${p.name} was not ready at ${p.readyUrl} in time`);
}

/** Outbox sent and the running workers' queues empty, twice in a row (handlers publish more events). */
async function settle(deadline: number): Promise<boolean> {
  const relay = plan.find((p) => p.name === 'backend-outbox');
  const workers = new Set<string>(plan.map((p) => p.name));
  const bus = sqs
    ? createSqsBus(topology, {
        region: sqs.region,
        endpoint: sqs.endpoint,
        prefix: sqs.prefix,
        ...(copilot ? { copilot } : {}),
      })
    : undefined;
  const quiet = async () => {
    if (relay?.readyUrl) {
      const body = (await (await fetch(relay.readyUrl, { signal: AbortSignal.timeout(5000) })).json()) as {
        checks?: Record<string, { detail?: { backlog?: number } }>;
      };
      if (body.checks?.['backend-outbox.outbox']?.detail?.backlog !== 0) return false;
    }
    if (bus) {
      const stats = await bus.stats();
      if (stats.some((q) => workers.has(q.queue) && q.depth + q.inFlight > 0)) return false;
    }
    return true;
  };
  try {
    let streak = 0;
    while (Date.now() < deadline && !stopping) {
      streak = (await quiet().catch(() => false)) ? streak + 1 : 0;
      if (streak >= 2) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  } finally {
    await bus?.close();
  }
}

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    out(`stopping ${children.size} process(es)`);
    for (const c of children.values()) c.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of children.values()) c.kill('SIGKILL');
    }, shutdownMs);
    await Promise.all([...children.values()].map(exitCode));
    clearTimeout(timer);
    // Last: the workers' long polls and the relay's publishes end before their endpoint does.
    if (emulator) await emulator.stop().catch(() => {});
    out('stopped');
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main() {
  if (databaseUrl.startsWith('mysql://')) {
    const url = new URL(databaseUrl);
    const name = url.pathname.slice(1);
    if (!/^[A-Za-z0-9_]+$/.test(name))
      throw new Error(`database name "${name}" must be letters, digits or _`);
    url.pathname = '/';
    const conn = await createConnection(url.toString());
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await conn.end();
  }
  if (sqs) {
    // Loaded only here: `--bus sql` needs no emulator.
    const { startFauxqs } = await import('fauxqs');
    emulator = await startFauxqs({ port: sqsPort, host: '127.0.0.1', logger: false });
    const made = await provisionBus(topology, {
      region: sqs.region,
      endpoint: sqs.endpoint,
      prefix: sqs.prefix,
      ...(copilot ? { copilot } : {}),
    });
    if (copilot)
      sqs = { ...sqs, copilot: { ...copilot, topicArns: made.topicArns, queueUrls: made.queueUrls } };
    plan = planStack({ ...planOptions, sqs });
    out(
      `SNS/SQS emulator (fauxqs) on ${sqs.endpoint}: ${made.topics.length} topics, ${made.queues.length} queues with DLQs, ${made.subscriptions} subscriptions, ${copilot ? `named by Copilot (${copilot.app}-${copilot.env}-…)` : `named ${sqs.prefix}…`}`,
    );
  }
  const base = plan[0]!.env;
  out(
    `database ${databaseUrl.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@')}, cache ${valkeyUrl || 'in-memory'}, bus ${sqs ? `sqs (${sqs.endpoint})` : 'sql'}`,
  );
  await once('migrate', ['migrate'], base);
  await once('seed', ['seed'], base);
  const services = plan.filter((p) => p.kind === 'service');
  for (const p of services) {
    const child = run(p.name, p.args, p.env);
    children.set(p.name, child);
    child.once('exit', (code) => {
      children.delete(p.name);
      if (!stopping) {
        out(`${p.name} exited unexpectedly (${code}); stopping the stack`);
        void stopAll(1);
      }
    });
  }
  const deadline = Date.now() + readyTimeoutMs;
  await Promise.all(services.map((p) => waitReady(p, deadline)));
  out(`${services.length} service(s) ready: ${services.map((p) => `${p.name} ${p.readyUrl}`).join(', ')}`);
  // The seed's events are still on their way: let them settle, so the jobs see a quiet system.
  out(
    (await settle(Date.now() + readyTimeoutMs))
      ? 'events settled (outbox sent, queues empty)'
      : 'events still flowing after 120 s; running the jobs anyway',
  );
  // Jobs fire once now (in AWS a schedule runs them), then the services keep running.
  for (const p of plan.filter((x) => x.kind === 'job')) await once(p.name, p.args, p.env);
  out('stack running; Ctrl-C stops everything');
}

main().catch((err: unknown) => {
  out(`failed: ${(err as Error).message}`);
  void stopAll(1);
});
