import type { Transaction } from 'kysely';
import type { Database } from './database.ts';
import type { Db } from './connect.ts';
import { inCommitGroup } from './commit-group.ts';
import { dialectOf } from './ddl.ts';

export type Tx = Transaction<Database>;

const RETRYABLE_MYSQL = new Set([
  1213, // ER_LOCK_DEADLOCK: InnoDB chose this transaction as the victim
  1205, // ER_LOCK_WAIT_TIMEOUT
]);

/**
 * True for the errors after which re-running the whole unit of work is the right answer. SQLite:
 * SQLITE_BUSY, and SQLITE_BUSY_SNAPSHOT — a transaction that read, then tried to write after
 * another connection had committed (its reads are stale, so it must start over).
 */
export function isRetryable(err: unknown): boolean {
  const e = err as { errno?: number; code?: string };
  return RETRYABLE_MYSQL.has(e?.errno ?? -1) || e?.code?.startsWith('SQLITE_BUSY') === true;
}

const beforeCommit = new WeakMap<Tx, (() => Promise<void>)[]>();

/**
 * Runs `fn` at the end of a transaction opened by withTransaction, after the unit of work and
 * before the commit (the outbox batches a transaction's events into one insert this way). Returns
 * false for a transaction withTransaction did not open: the caller must then act at once.
 */
export function onBeforeCommit(tx: Tx, fn: () => Promise<void>): boolean {
  const hooks = beforeCommit.get(tx);
  if (!hooks) return false;
  hooks.push(fn);
  return true;
}

export interface TransactionOptions {
  /** Re-runs after a deadlock or a busy database (default 4 attempts in all). */
  attempts?: number;
  /**
   * MySQL only (SQLite transactions are serial). READ COMMITTED for hot write paths that lock rows
   * by a range of a secondary index: under the default REPEATABLE READ such a locking read also
   * locks the gaps around the rows, and concurrent sales then deadlock on the cost-layer index.
   */
  isolation?: 'read committed';
}

/**
 * Runs one unit of work in one transaction. Every command goes through here: either all of its
 * writes (state, ledger rows, outbox events) commit or none do. A deadlock or busy database re-runs
 * the whole function (a few times, with jitter), so `fn` must not have effects outside `tx`.
 * On SQLite the unit shares a commit with those that arrive with it (commit-group.ts); it is
 * still all or nothing, and answered only once committed.
 */
export async function withTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const unit = async (tx: Tx) => {
    const hooks: (() => Promise<void>)[] = [];
    beforeCommit.set(tx, hooks);
    try {
      const result = await fn(tx);
      for (let i = 0; i < hooks.length; i++) await hooks[i]!();
      return result;
    } finally {
      beforeCommit.delete(tx);
    }
  };
  const sqlite = dialectOf(db) === 'sqlite';
  for (let attempt = 1; ; attempt++) {
    try {
      if (sqlite) return await inCommitGroup(db, unit);
      const begin = db.transaction();
      return await (opts.isolation ? begin.setIsolationLevel(opts.isolation) : begin).execute(unit);
    } catch (err) {
      if (attempt >= (opts.attempts ?? 4) || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
