import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type DbHandle, type DialectName } from '../../src/platform/db/connect.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

/** The dialects every DB-touching test runs on: SQLite always, MySQL when its server answers. */
export function testDialects(): DialectName[] {
  return inject('mysqlUrl') ? ['sqlite', 'mysql'] : ['sqlite'];
}

let counter = 0;

/**
 * A fresh, empty database URL of the dialect: a temp SQLite file, or a new MySQL database
 * (`regi_t_<run>_<worker>_<n>`, utf8mb4_unicode_ci) that the returned `drop` removes.
 */
export async function createTestDatabase(
  dialect: DialectName,
): Promise<{ url: string; drop(): Promise<void> }> {
  const id = `${inject('runId')}_${process.pid}_${++counter}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-test-'));
    return {
      url: `sqlite:${path.join(dir, 'regi.db')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = inject('mysqlUrl');
  const name = `regi_t_${id}`;
  const c = await createConnection({ uri: admin });
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const d = await createConnection({ uri: admin });
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
    },
  };
}

/**
 * Registers before/after hooks giving the enclosing `describe` a migrated database of its own.
 * Read `.db` inside tests (it is set in beforeAll).
 */
export function useTestDb(dialect: DialectName, opts: { migrate?: boolean } = {}) {
  const state = {} as { handle: DbHandle; url: string; db: DbHandle['db'] };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase(dialect);
    drop = created.drop;
    state.url = created.url;
    state.handle = openDatabase(created.url, { poolSize: 20 });
    state.db = state.handle.db;
    if (opts.migrate !== false) await migrateToLatest(state.db);
  });
  afterAll(async () => {
    await state.handle?.close();
    await drop?.();
  });
  return state;
}
