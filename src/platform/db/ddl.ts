import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { MysqlAdapter } from 'kysely';
import type { DialectName } from './connect.ts';

/**
 * Small helpers that keep dialect differences out of migrations. Both dialects must accept the same
 * migration; anything that differs is decided here, in one place.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export function dialectOf(db: AnyDb): DialectName {
  return db.getExecutor().adapter instanceof MysqlAdapter ? 'mysql' : 'sqlite';
}

/** CREATE TABLE with the MySQL charset/collation spelled out (MariaDB lacks utf8mb4_0900_*). */
export function createTable(db: AnyDb, name: string): CreateTableBuilder<string, never> {
  const builder = db.schema.createTable(name);
  return dialectOf(db) === 'mysql'
    ? builder.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`)
    : builder;
}

/** Auto-increment BIGINT primary key `id` (SQLite: INTEGER PRIMARY KEY, which is 64-bit). */
export function withId<T extends string>(db: AnyDb, builder: CreateTableBuilder<T, never>) {
  return dialectOf(db) === 'mysql'
    ? builder.addColumn('id', 'bigint', (c) => c.primaryKey().autoIncrement())
    : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** A UTC timestamp with milliseconds: DATETIME(3) on MySQL, ISO-like text on SQLite. */
export const timestampType = (db: AnyDb) => (dialectOf(db) === 'mysql' ? sql`datetime(3)` : sql`text`);

/** Long text (JSON documents, error reports): MEDIUMTEXT on MySQL. */
export const longTextType = (db: AnyDb) => (dialectOf(db) === 'mysql' ? sql`mediumtext` : sql`text`);
