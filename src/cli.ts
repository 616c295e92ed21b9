import { ConfigError, loadConfig, type Config } from './platform/config/config.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createHttpServer } from './platform/http/server.ts';
import { createLogger, type Logger } from './platform/log/log.ts';
import { exitOnSignals, hostWorkloads } from './platform/runtime/host.ts';
import type { JobWorkload } from './platform/runtime/job.ts';
import { closePlatform, openPlatform, platformChecks, type Platform } from './platform/runtime/platform.ts';
import { provisionBus } from './platform/bus/provision.ts';
import { copilotNamesOf } from './platform/bus/open-bus.ts';
import { topology } from './platform/bus/topology.ts';
import { UnknownQueueError } from './platform/bus/bus.ts';
import { workloads } from './workloads/index.ts';
import { isWorkloadName, workloadNames } from './workloads/names.ts';

const USAGE = `usage: regi <command>

  dev                     migrate, seed demo data on first start, run all twelve workloads in one process
  run <workload> [args]   run one workload (as one container does); jobs run once and exit
  job <name> [args]       run a job once: daily-calculate | ensure-consistency
  migrate                 apply pending database migrations
  seed                    create the demo data (idempotent)
  dlq ls                  every queue: depth, in flight, dead letters
  dlq show <queue> [--limit N]          dead letters of a worker's queue (JSON lines)
  dlq redrive <queue> [--id <event id>...]   move dead letters back to the queue
  bus provision           create the SNS/SQS topics, queues, DLQs and subscriptions of the topology

workloads: ${workloadNames.join(', ')}
configuration: environment variables, see README.md`;

/** Exit codes: 0 ok, 1 failure (bad configuration, a job that could not complete), 2 usage error. */
function fail(message: string, code: number): never {
  process.stderr.write(`regi: ${message}\n`);
  process.exit(code);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 1);
    throw err;
  }
}

/** Opens the shared connections; `log` is the command's own logger (workloads get theirs on start). */
async function withPlatform<T>(
  mode: Platform['mode'],
  workload: string,
  fn: (p: Platform, log: Logger) => Promise<T>,
) {
  const config = configOrExit();
  const root = createLogger({ level: config.LOG_LEVEL });
  const p = openPlatform(config, root, mode);
  return fn(p, root.child({ workload }));
}

async function migrate(p: Platform, log: Logger) {
  const applied = await migrateToLatest(p.db.db);
  log.info({ applied, database: p.db.safeUrl }, applied.length ? 'migrations applied' : 'migrations current');
}

async function dev() {
  await withPlatform('embedded', 'dev', async (p, log) => {
    await migrate(p, log);
    const { seedDemo } = await import('./modules/demo/seed.ts');
    const seeded = await seedDemo(p.db.db);
    if (seeded.ran.length) log.info({ steps: seeded.ran }, 'demo data created');
    const list = await Promise.all(workloadNames.map((n) => workloads[n]()));
    const hosted = await hostWorkloads(p, list);
    exitOnSignals(log, p.config.SHUTDOWN_TIMEOUT_MS, async () => {
      await hosted.stop();
      await closePlatform(p);
    });
    const lines = [
      '',
      'regi is running (embedded mode: SQLite, in-process bus and cache)',
      `  POS (staff):     http://${p.config.HOST}:${p.config.POS_PORT}/   API docs: /api/docs`,
      `  Shop (shoppers): http://${p.config.HOST}:${p.config.EC_PORT}/`,
      `  data:            ${p.db.safeUrl}`,
      ...(seeded.logins.length
        ? [
            '  demo logins:',
            ...seeded.logins.map((l) => `    ${l.role.padEnd(28)} ${l.email} / ${l.password}`),
          ]
        : []),
      '  Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });
}

async function runOne(name: string, args: string[]) {
  if (!isWorkloadName(name))
    fail(`unknown workload "${name}"; valid workloads: ${workloadNames.join(', ')}`, 2);
  const workload = await workloads[name]();
  await withPlatform('split', name, async (p, log) => {
    if (workload.kind === 'job') {
      const result = await (workload as JobWorkload).spec.run(p, log, args).catch((err: unknown) => {
        log.error({ err }, `${name} failed`);
        return { exitCode: 1, summary: { job: name, error: (err as Error).message } };
      });
      process.stdout.write(JSON.stringify(result.summary) + '\n');
      await closePlatform(p);
      process.exit(result.exitCode);
    }
    const hosted = await hostWorkloads(p, [workload]);
    // A worker or relay alone has no web server; its probes get a small one when HEALTH_PORT is set.
    const probes =
      workload.kind !== 'web' && p.config.HEALTH_PORT > 0
        ? await createHttpServer({
            name,
            description: workload.description,
            logger: log,
            readiness: () => platformChecks(p),
            docs: false,
          })
        : undefined;
    await probes?.listen({ host: p.config.HOST, port: p.config.HEALTH_PORT });
    exitOnSignals(log, p.config.SHUTDOWN_TIMEOUT_MS, async () => {
      await probes?.close();
      await hosted.stop();
      await closePlatform(p);
    });
  });
}

/** `regi dlq ls|show|redrive`: the operator's view of dead letters, on whichever bus is configured. */
async function dlq(args: string[]) {
  const [sub, queue, ...flags] = args;
  const flag = (name: string) => flags.flatMap((f, i) => (f === name && flags[i + 1] ? [flags[i + 1]!] : []));
  if (sub !== 'ls' && sub !== 'show' && sub !== 'redrive')
    fail('dlq needs a subcommand: ls | show <queue> | redrive <queue>', 2);
  if (sub !== 'ls' && !queue)
    fail(`dlq ${sub} needs a queue: ${topology.queues.map((q) => q.worker).join(', ')}`, 2);
  await withPlatform('split', 'dlq', async (p) => {
    try {
      if (sub === 'ls') {
        for (const s of await p.bus.stats()) process.stdout.write(JSON.stringify(s) + '\n');
      } else if (sub === 'show') {
        const limit = Number(flag('--limit')[0] ?? 20);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) fail('--limit must be 1..1000', 2);
        for (const d of await p.bus.listDeadLetters(queue!, limit))
          process.stdout.write(JSON.stringify(d) + '\n');
      } else {
        const ids = flag('--id');
        const n = await p.bus.redrive(queue!, ids.length ? ids : undefined);
        process.stdout.write(JSON.stringify({ queue, redriven: n }) + '\n');
      }
    } catch (err) {
      if (err instanceof UnknownQueueError)
        fail(`${err.message}; queues: ${topology.queues.map((q) => q.worker).join(', ')}`, 2);
      throw err;
    } finally {
      await closePlatform(p);
    }
  });
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev':
      return dev();
    case 'run':
      if (!rest[0]) fail(`run needs a workload; valid workloads: ${workloadNames.join(', ')}`, 2);
      return runOne(rest[0], rest.slice(1));
    case 'job':
      if (rest[0] !== 'daily-calculate' && rest[0] !== 'ensure-consistency')
        fail('job needs a name: daily-calculate | ensure-consistency', 2);
      return runOne(`job-${rest[0]}`, rest.slice(1));
    case 'migrate':
      return withPlatform('split', 'migrate', async (p, log) => {
        await migrate(p, log);
        await closePlatform(p);
      });
    case 'seed':
      return withPlatform('split', 'seed', async (p, log) => {
        // Loaded here only: the demo data pulls in every module's commands, which `migrate` and the
        // jobs do not need at start-up.
        const { seedDemo } = await import('./modules/demo/seed.ts');
        const { ran, logins } = await seedDemo(p.db.db);
        log.info(
          { steps: ran, logins: logins.map((l) => l.email) },
          ran.length ? 'demo data created' : 'demo data already present',
        );
        await closePlatform(p);
      });
    case 'dlq':
      return dlq(rest);
    case 'bus':
      if (rest[0] !== 'provision') fail('bus needs a subcommand: provision', 2);
      return withPlatform('split', 'bus', async (p, log) => {
        const copilot = copilotNamesOf(p.config);
        // In AWS, Copilot's CloudFormation owns the resources with its names; making them here too
        // would leave a second, unsubscribed set. Copilot-named resources are for an emulator only.
        if (copilot && !p.config.AWS_ENDPOINT_URL)
          fail(
            'COPILOT_APPLICATION_NAME/COPILOT_ENVIRONMENT_NAME are set: Copilot creates these resources in AWS (bus provision with Copilot names only targets an emulator, AWS_ENDPOINT_URL)',
            2,
          );
        const result = await provisionBus(topology, {
          region: p.config.AWS_REGION,
          endpoint: p.config.AWS_ENDPOINT_URL,
          prefix: p.config.BUS_RESOURCE_PREFIX,
          ...(copilot ? { copilot } : {}),
        });
        log.info(result, 'bus provisioned');
        process.stdout.write(JSON.stringify(result) + '\n');
        await closePlatform(p);
      });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`regi: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
