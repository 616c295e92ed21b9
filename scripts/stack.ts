// npm run stack [-- --only a,b,c]
// The AWS topology rehearsed on this machine: each workload a separate process (`regi run`) against
// the local MariaDB and Redis, logs prefixed with the workload name; Ctrl-C stops them all.
// Environment: STACK_DATABASE_URL (default mysql://root@127.0.0.1:3306/regi_stack), STACK_VALKEY_URL
// (default redis://127.0.0.1:6379), POS_PORT (3000), EC_PORT (3001), STACK_HEALTH_PORT_BASE (3100).
// Bus: the `sql` adapter (durable queue tables in the same database) until the SNS/SQS emulator of
// the event backbone is wired in (docs/deploy.md, "Local rehearsal").
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import { planStack, prefixer, type StackProcess } from './stack-plan.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const regi = path.join(root, 'bin/regi.js');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : undefined;
const databaseUrl = process.env.STACK_DATABASE_URL || 'mysql://root@127.0.0.1:3306/regi_stack';
const valkeyUrl = process.env.STACK_VALKEY_URL ?? 'redis://127.0.0.1:6379';
const shutdownMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 8000) + 2000;

const plan = planStack({
  databaseUrl,
  ...(valkeyUrl ? { valkeyUrl } : {}),
  posPort: Number(process.env.POS_PORT || 3000),
  ecPort: Number(process.env.EC_PORT || 3001),
  healthPortBase: Number(process.env.STACK_HEALTH_PORT_BASE || 3100),
  ...(only ? { only } : {}),
});
const width = Math.max(...plan.map((p) => p.name.length), 'stack'.length);
const say = prefixer('stack', width);
const out = (s: string) => process.stdout.write(say(s + '\n'));
const children = new Map<string, ChildProcess>();
let stopping = false;

function run(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [regi, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

async function once(name: string, args: string[], env: Record<string, string>) {
  const code = await exitCode(run(name, args, env));
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
  const base = plan[0]!.env;
  out(
    `database ${databaseUrl.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@')}, cache ${valkeyUrl || 'in-memory'}, bus sql`,
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
  const deadline = Date.now() + 120_000;
  await Promise.all(services.map((p) => waitReady(p, deadline)));
  out(`${services.length} service(s) ready: ${services.map((p) => `${p.name} ${p.readyUrl}`).join(', ')}`);
  // Jobs fire once now (in AWS a schedule runs them), then the services keep running.
  for (const p of plan.filter((x) => x.kind === 'job')) await once(p.name, p.args, p.env);
  out('stack running; Ctrl-C stops everything');
}

main().catch((err: unknown) => {
  out(`failed: ${(err as Error).message}`);
  void stopAll(1);
});
