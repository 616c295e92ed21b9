import type { Cache } from '../cache/index.ts';
import { openCache } from '../cache/index.ts';
import type { Config } from '../config/config.ts';
import { openDatabase, ping, type DbHandle } from '../db/connect.ts';
import { migrationStatus } from '../db/migrate.ts';
import type { Logger } from '../log/log.ts';
import type { ReadinessCheck } from './readiness.ts';
import type { Bus } from '../bus/bus.ts';
import { openBus } from '../bus/open-bus.ts';
import { topology } from '../bus/topology.ts';

/** The shared connections of one process: every workload in it uses the same pool and cache. */
export interface Platform {
  config: Config;
  log: Logger;
  db: DbHandle;
  cache: Cache;
  /** The bus over the product topology (publishing side; a worker on `sqs` opens its own for its queue URL). */
  bus: Bus;
  /** `embedded`: all twelve workloads in one process (`regi dev`); `split`: one per process. */
  mode: 'embedded' | 'split';
  /** Readiness checks the running workloads registered; every /readyz of the process reports them. */
  workloadChecks: ReadinessCheck[];
}

export function openPlatform(config: Config, log: Logger, mode: Platform['mode']): Platform {
  const db = openDatabase(config.databaseUrl, {
    poolSize: config.DATABASE_POOL_SIZE,
    tls: config.DATABASE_TLS,
    backgroundCheckpoint: true,
  });
  return {
    config,
    log,
    mode,
    db,
    cache: openCache(config.VALKEY_URL),
    bus: openBus(config, db.db, topology),
    workloadChecks: [],
  };
}

export async function closePlatform(p: Platform): Promise<void> {
  await Promise.allSettled([p.bus.close(), p.db.close(), p.cache.close()]);
}

/** Database reachable and migrations current; the cache when one is configured; each workload's own. */
export function platformChecks(p: Platform): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    {
      name: 'database',
      check: async () => {
        await ping(p.db.db);
        return { ok: true, detail: { dialect: p.db.dialect } };
      },
    },
    {
      name: 'migrations',
      check: async () => {
        const { applied, pending } = await migrationStatus(p.db.db);
        return pending.length === 0
          ? { ok: true, detail: { applied: applied.length } }
          : { ok: false, detail: { pending, hint: 'run `regi migrate`' } };
      },
    },
  ];
  if (p.cache.kind === 'valkey') {
    checks.push({
      name: 'cache',
      check: async () => {
        await p.cache.ping();
        return { ok: true, detail: { kind: 'valkey' } };
      },
    });
  }
  return [...checks, ...p.workloadChecks];
}
