import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Db } from './connect.ts';
import type { Tx } from './transaction.ts';

/*
 * Group commit for SQLite. SQLite has one writer, and regi one connection per process, so
 * transactions run one after another; each COMMIT writes every page it touched to the WAL, and
 * every ~1,000 pages a checkpoint syncs the file. That commit was most of a sale's database time.
 *
 * Units of work that arrive together therefore share one transaction: each runs inside its own
 * SAVEPOINT — a unit that throws is rolled back alone and gets its error — and one COMMIT makes
 * them all durable. Nobody is answered before that commit, so a unit's caller sees exactly what a
 * transaction of its own would give it. A lone unit starts on the next turn of the event loop, so
 * an idle system waits for nothing; under load a group is what arrived while the previous one ran.
 * Units in a group run strictly one after another, so none sees another's half-done work.
 */

interface Unit {
  fn: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Bounds the wait of the last unit of a group behind the others. */
const MAX_GROUP = 64;

const queues = new WeakMap<Db, Unit[]>();
const scheduled = new WeakSet<Db>();

/** Runs `fn` as one unit of the next commit group of `db` (a SQLite database). */
export function inCommitGroup<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = queues.get(db);
    if (!queue) queues.set(db, (queue = []));
    queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    schedule(db);
  });
}

function schedule(db: Db) {
  if (scheduled.has(db)) return;
  scheduled.add(db);
  // One turn of the event loop first: requests that arrived together all join this group.
  setImmediate(() => {
    const units = queues.get(db)!.splice(0, MAX_GROUP);
    void runGroup(db, units).finally(() => {
      scheduled.delete(db);
      if (queues.get(db)!.length) schedule(db);
    });
  });
}

async function runGroup(db: Db, units: Unit[]) {
  const committed: { unit: Unit; value: unknown }[] = [];
  try {
    await db.connection().execute(async (conn) => {
      // The write lock up front: a unit never finds its read snapshot overtaken by another process.
      await sql`begin immediate`.execute(conn);
      try {
        for (const unit of units) {
          await sql`savepoint unit`.execute(conn);
          // The group's connection is what a transaction is to the unit's queries. Each unit gets
          // an object of its own on it: what is kept per transaction (the outbox's pending events,
          // the before-commit steps) must not pass from a failed unit to the next.
          const { tx, end } = unitView(conn);
          try {
            const value = await unit.fn(tx).finally(end);
            await sql`release unit`.execute(conn);
            committed.push({ unit, value });
          } catch (err) {
            // If SQLite has already ended the transaction (an I/O error), this throws too, and
            // the whole group fails below: nothing of it was committed.
            await sql`rollback to unit`.execute(conn);
            await sql`release unit`.execute(conn);
            unit.reject(err);
          }
        }
        await sql`commit`.execute(conn);
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw err;
      }
    });
  } catch (err) {
    // BEGIN failed (busy), or the group could not commit: no unit of it took effect.
    for (const u of units) if (!committed.some((c) => c.unit === u)) u.reject(err);
    for (const c of committed) c.unit.reject(err);
    return;
  }
  for (const c of committed) c.unit.resolve(c.value);
}

/**
 * A unit's view of the group's connection, refused once the unit has ended. Work the unit left
 * running (a promise nobody awaited) would otherwise write into the next unit's savepoint, or
 * between units, and commit with the group; it now fails instead, as Kysely fails a statement on
 * a MySQL transaction that has ended. (Kysely's methods read private fields, so they are called on
 * the connection itself, not on the proxy.)
 */
function unitView(conn: Kysely<Database>): { tx: Tx; end(): void } {
  const db = conn.withoutPlugins();
  let ended = false;
  const tx = new Proxy(db, {
    get(target, prop) {
      if (ended) throw new Error('commit-group: a statement for a unit of work that has ended');
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    tx: tx as unknown as Tx,
    end: () => {
      ended = true;
    },
  };
}
