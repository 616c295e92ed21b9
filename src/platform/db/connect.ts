import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer } from './checkpointer.ts';
import type { Database } from './database.ts';
import { PipelinedMysqlDialect } from './mysql-pipeline.ts';

export type DialectName = 'sqlite' | 'mysql';
export type Db = Kysely<Database>;

export interface DbHandle {
  db: Db;
  dialect: DialectName;
  /** The URL with any password masked, for logs and /readyz. */
  safeUrl: string;
  /** MySQL: the requests (round trips) sent so far, each of one or more statements (mysql-pipeline.ts). */
  requestsSent?: () => number;
  close(): Promise<void>;
}

export function dialectOfUrl(url: string): DialectName {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://')) return 'mysql';
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got ${maskUrl(url)})`);
}

export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export interface OpenDatabaseOptions {
  poolSize?: number;
  /** MySQL only: TLS with the server certificate verified against the system CAs (RDS Proxy: Amazon Root CA). */
  tls?: boolean;
  /** SQLite file only: checkpoint the WAL from a worker thread (checkpointer.ts); for serving processes. */
  backgroundCheckpoint?: boolean;
}

export function openDatabase(url: string, opts: OpenDatabaseOptions = {}): DbHandle {
  const dialect = dialectOfUrl(url);
  if (dialect === 'sqlite') {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const conn = new SQLite(file);
    // WAL lets readers in other processes (a `regi` CLI next to `npm start`) read while we write;
    // the busy timeout makes a second writer wait instead of failing at once.
    conn.pragma('journal_mode = WAL');
    conn.pragma('busy_timeout = 5000');
    conn.pragma('synchronous = NORMAL');
    // 64 MiB of page cache (default 2 MiB): the index pages a busy register writes stay in memory.
    conn.pragma('cache_size = -65536');
    conn.pragma('foreign_keys = ON');
    const checkpointer =
      opts.backgroundCheckpoint && file !== ':memory:' ? startCheckpointer(path.resolve(file)) : null;
    if (checkpointer) conn.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(conn) }) });
    return {
      db,
      dialect,
      safeUrl: url,
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  const pool = createPool({
    uri: url,
    connectionLimit: opts.poolSize ?? 10,
    // Times are stored in UTC as DATETIME(3) and read back as the same strings SQLite returns.
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    charset: 'utf8mb4_unicode_ci',
    // Deferred writes travel with the next statement in one request (mysql-pipeline.ts).
    multipleStatements: true,
    ...(opts.tls ? { ssl: { rejectUnauthorized: true, minVersion: 'TLSv1.2' } } : {}),
  });
  pool.on('connection', (c) => {
    c.query("SET time_zone = '+00:00'");
  });
  const pipelined = new PipelinedMysqlDialect({ pool });
  const db = new Kysely<Database>({ dialect: pipelined });
  return {
    db,
    dialect,
    safeUrl: maskUrl(url),
    requestsSent: () => pipelined.sent.requests,
    close: () => db.destroy(),
  };
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing is a
 * tenth of the CPU of a busy embedded process. A bounded cache keyed by SQL text reuses them; the
 * oldest entry goes when it is full (regi has a few hundred statement shapes, so that is rare, and
 * a hit then costs one lookup).
 * (A statement being iterated cannot run again meanwhile; regi does not stream SQLite results.)
 */
export function withStatementCache(conn: SQLite.Database, size = 1000) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => conn.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (!stmt) {
        stmt = conn.prepare(sqlText);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
  };
}
