import { CompiledQuery, sql, type Compilable, type Insertable, type QueryResult } from 'kysely';
import type { Db } from './connect.ts';
import type { Database } from './database.ts';
import { dialectOf } from './ddl.ts';
import { answerLater, deferrableQuery } from './mysql-pipeline.ts';
import type { Tx } from './transaction.ts';

/*
 * Statements of the hot path, with their SQL made once per shape.
 *
 * Kysely builds every query anew: a tree of frozen nodes from the builder calls, then a compiler
 * pass to SQL text. For a 3-line sale that came to more CPU than SQLite spent running the
 * statements. The paths that run once per sale (pricing, the stock batch, the register's lock,
 * the inserts of a sale and its events) therefore keep the SQL of each statement shape and only
 * bind new values:
 *  - insertRows derives both the SQL and the values from typed rows;
 *  - cachedQuery keeps a Kysely-built query (typed as ever) and builds it only on the first call
 *    of its key; later calls bind the parameters they pass, which the first call checks against
 *    what Kysely compiled, so a parameter list that drifts from its query fails the first time
 *    it runs (in tests), not silently.
 * A constant SQL text also finds its prepared statement (connect.ts) without hashing a new string.
 * On MySQL, deferredQuery, `insertRows(…, { deferred })` and the *AnsweredLater variants also let
 * a statement share a round trip with the next one (mysql-pipeline.ts).
 */

type Executor = Db | Tx;

/**
 * SQL texts by shape. Bounded like the statement cache (oldest out), and a long text (a document
 * of thousands of lines) is not kept at all: it is rare, and it would hold memory for nothing.
 */
class SqlTexts {
  private readonly texts = new Map<string, string>();
  get(key: string) {
    return this.texts.get(key);
  }
  set(key: string, text: string) {
    if (text.length > 16_384) return;
    if (this.texts.size >= 1000) this.texts.delete(this.texts.keys().next().value!);
    this.texts.set(key, text);
  }
}

const insertSql = new SqlTexts();

/**
 * INSERTs rows of one table in one statement. Every row names the same columns, with null (never
 * undefined) for an empty one: a row that differs is a programming error and throws.
 * `returningIds` (SQLite only) answers the new ids in row order.
 */
export async function insertRows<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  /** `deferred`: the caller reads nothing of the result (see deferredQuery). */
  opts: { returningIds?: boolean; deferred?: boolean } = {},
): Promise<QueryResult<{ id: number | bigint }>> {
  const query = insertQuery(db, table, rows, opts.returningIds ?? false);
  return db.executeQuery(opts.deferred ? deferrableQuery(query) : query);
}

/** One row; its new id. */
export async function insertRow<T extends keyof Database & string>(
  db: Executor,
  table: T,
  row: Insertable<Database[T]>,
): Promise<number> {
  return Number((await insertRows(db, table, [row])).insertId);
}

/** insertRow whose id the caller reads only after issuing its next statement (see cachedQueryAnsweredLater). */
export function insertRowAnsweredLater<T extends keyof Database & string>(
  db: Executor,
  table: T,
  row: Insertable<Database[T]>,
): Promise<number> {
  return quietly(answeredLater(db, insertQuery(db, table, [row], false)).then((r) => Number(r.insertId)));
}

function insertQuery<T extends keyof Database & string>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  returningIds: boolean,
) {
  const first = rows[0] as Record<string, unknown> | undefined;
  if (!first) throw new Error(`insertRows(${table}): no rows`);
  const columns = Object.keys(first);
  const dialect = dialectOf(db);
  if (returningIds && dialect !== 'sqlite') throw new Error('insertRows: returningIds is SQLite only');
  const key = `${dialect}\u0000${table}\u0000${rows.length}\u0000${returningIds ? 'r' : ''}\u0000${columns.join()}`;
  let text = insertSql.get(key);
  if (text === undefined) {
    const q = (id: string) => (dialect === 'mysql' ? `\`${id}\`` : `"${id}"`);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text =
      `insert into ${q(table)} (${columns.map(q).join(', ')}) values ` +
      Array.from({ length: rows.length }, () => tuple).join(', ') +
      (returningIds ? ' returning "id"' : '');
    insertSql.set(key, text);
  }
  const params: unknown[] = [];
  for (const row of rows as readonly Record<string, unknown>[]) {
    let n = 0;
    for (const _column in row) n++;
    if (n !== columns.length) throw new Error(`insertRows(${table}): rows name different columns`);
    for (const c of columns) {
      const v = row[c];
      if (v === undefined) throw new Error(`insertRows(${table}): ${c} is undefined (use null)`);
      params.push(v);
    }
  }
  return CompiledQuery.raw(text, params) as CompiledQuery<{ id: number | bigint }>;
}

const compiled = new SqlTexts();

/**
 * Runs the query `build` makes, building it only on the first call of `key` per dialect. `key`
 * names the statement and everything that changes its SQL (such as the length of an IN list);
 * `params` are its values in the order they appear in the SQL.
 */
export async function cachedQuery<R>(
  db: Executor,
  key: string,
  params: readonly unknown[],
  build: () => Compilable<R>,
): Promise<QueryResult<R>> {
  return db.executeQuery<R>(compiledFor(db, key, params, build));
}

/**
 * cachedQuery for a write whose answer the caller does not read: in a MySQL transaction it is sent
 * with the next statement that answers (mysql-pipeline.ts). Its failure then fails that statement,
 * or the commit — so only for writes whose failure fails the unit of work anyway.
 */
export async function deferredQuery(
  db: Executor,
  key: string,
  params: readonly unknown[],
  build: () => Compilable<unknown>,
): Promise<void> {
  await db.executeQuery(deferrableQuery(compiledFor(db, key, params, build)));
}

/**
 * cachedQuery whose answer the caller reads only after issuing its next statement (say, a lock
 * and then a read that does not depend on it): in a MySQL transaction both travel in one request
 * (mysql-pipeline.ts). The statements still run in the order they were issued.
 */
export function cachedQueryAnsweredLater<R>(
  db: Executor,
  key: string,
  params: readonly unknown[],
  build: () => Compilable<R>,
): Promise<QueryResult<R>> {
  return answeredLater(db, compiledFor(db, key, params, build));
}

/** Issues `query` now; on MySQL in a transaction it is sent with the next statement. */
function answeredLater<R>(db: Executor, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  if (dialectOf(db) !== 'mysql') return quietly(db.executeQuery<R>(query));
  const { answer, fail } = answerLater(query);
  db.executeQuery(query).catch(fail);
  return answer;
}

/**
 * Runs `rest` while `ahead` — work issued ahead of it in the same transaction (a lock answered
 * later, a drawer's movement) — is still running, and lets the unit of work end only once both
 * have: when `rest` fails, `ahead` is first waited for, so nothing it still issues lands after the
 * transaction (or, on SQLite, the unit's savepoint in its commit group) has ended.
 */
export async function alongside<T>(ahead: Promise<unknown>, rest: () => Promise<T>): Promise<T> {
  quietly(ahead); // it may fail while rest runs; its failure is passed on below
  try {
    const value = await rest();
    await ahead;
    return value;
  } catch (err) {
    await ahead.catch(() => undefined);
    throw err;
  }
}

/**
 * The caller may fail on its next statement before it comes back for an answer issued earlier:
 * that answer's failure is then nobody's, and must not count as an unhandled rejection.
 */
function quietly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

function compiledFor<R>(
  db: Executor,
  key: string,
  params: readonly unknown[],
  build: () => Compilable<R>,
): CompiledQuery<R> {
  const dialectKey = `${dialectOf(db)}\u0000${key}`;
  const text = compiled.get(dialectKey);
  if (text !== undefined) return CompiledQuery.raw(text, params as unknown[]) as CompiledQuery<R>;
  const query = build().compile();
  const built = query.parameters;
  if (built.length !== params.length || built.some((v, i) => v !== params[i]))
    throw new Error(
      `cachedQuery(${key}): the parameters given (${params.map(String).join(', ')}) are not the query's (${built.map(String).join(', ')})`,
    );
  compiled.set(dialectKey, query.sql);
  return query;
}

const idSteps = new WeakMap<object, Promise<number | null>>();

/**
 * MySQL: the step between the ids of one multi-row INSERT when the server promises them
 * consecutive (auto-increment lock mode 0 or 1, MariaDB's and MySQL 5.7's default), else null
 * (mode 2, "interleaved", MySQL 8's and Aurora's default: the ids must be read back). The lock
 * mode is fixed at server start, so it is asked once per database.
 */
export function consecutiveIdStep(db: Executor): Promise<number | null> {
  const key = db.getExecutor().adapter;
  let step = idSteps.get(key);
  if (!step) {
    step = sql<{
      mode: number | string;
      step: number | string;
    }>`select @@innodb_autoinc_lock_mode as mode, @@auto_increment_increment as step`
      .execute(db)
      .then(({ rows: [r] }) => (Number(r!.mode) <= 1 ? Number(r!.step) : null));
    step.catch(() => idSteps.delete(key));
    idSteps.set(key, step);
  }
  return step;
}
