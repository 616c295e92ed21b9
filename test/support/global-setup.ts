import { createConnection } from 'mysql2/promise';
import { Redis } from 'iovalkey';
import type { TestProject } from 'vitest/node';

/**
 * Finds the MariaDB/MySQL and Valkey/Redis servers the tests run against. Every DB-touching test runs
 * on SQLite and on MySQL; each test file gets throw-away databases named `regi_t_<run>_...`, and this
 * teardown drops whatever a crashed file left. Under CI an unreachable server fails the run; on a
 * laptop it is skipped with a warning.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    mysqlUrl: string;
    valkeyUrl: string;
    runId: string;
  }
}

const mysqlUrl = process.env.REGI_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const valkeyUrl = process.env.REGI_TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379';
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;

async function mysqlReachable(): Promise<string | undefined> {
  try {
    const c = await createConnection({ uri: mysqlUrl, connectTimeout: 3000 });
    await c.end();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

async function valkeyReachable(): Promise<string | undefined> {
  const r = new Redis(valkeyUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    r.disconnect();
  }
}

export default async function setup(project: TestProject) {
  const [mysqlError, valkeyError] = await Promise.all([mysqlReachable(), valkeyReachable()]);
  for (const [what, error] of [
    ['MySQL/MariaDB at ' + mysqlUrl, mysqlError],
    ['Valkey/Redis at ' + valkeyUrl, valkeyError],
  ] as const) {
    if (!error) continue;
    if (process.env.CI) throw new Error(`${what} is not reachable (${error}); CI needs it`);
    console.error(`\n!! ${what} is not reachable (${error}); its tests are SKIPPED\n`);
  }
  project.provide('mysqlUrl', mysqlError ? '' : mysqlUrl);
  project.provide('valkeyUrl', valkeyError ? '' : valkeyUrl);
  project.provide('runId', runId);

  return async () => {
    if (mysqlError) return;
    const c = await createConnection({ uri: mysqlUrl });
    const [rows] = await c.query('SHOW DATABASES LIKE ?', [`regi_t_${runId}_%`]);
    for (const row of rows as Record<string, string>[])
      await c.query(`DROP DATABASE \`${Object.values(row)[0]}\``);
    await c.end();
  };
}
