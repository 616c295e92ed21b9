import {
  CompiledQuery,
  MysqlDialect,
  MysqlDriver,
  type DatabaseConnection,
  type Driver,
  type MysqlDialectConfig,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/*
 * Fewer round trips on MySQL. Each statement is a round trip to the server: a socket write and
 * read on both sides and a thread wake-up in MariaDB, which cost more CPU than running most of a
 * sale's statements. Inside a transaction a statement may therefore wait on the connection and
 * travel with the next one that is sent, as one multi-statement request:
 *  - a *deferred* write is one whose answer nobody reads (a ledger row, a stock update, an outbox
 *    row): it goes with the next statement that must answer, or with the COMMIT;
 *  - a statement *answered later* is one the caller issues now and reads after issuing the next
 *    (the register's lock, then the cart's prices): it goes with that next statement, and its
 *    answer arrives with that statement's. If nothing follows it is sent on its own at the next
 *    turn of the event loop, so a caller that waits for it at once still gets it;
 *  - BEGIN (and SET TRANSACTION) waits for the first statement.
 *
 * Nothing changes for correctness: the statements run in the order they were issued, in the same
 * transaction, and a failure of any of them fails the request that carried it, so the unit of
 * work fails and rolls back before it commits. Only the error surfaces at a later statement,
 * which is why only writes whose failure fails the unit anyway are deferred (statements.ts).
 * Outside a transaction every statement is sent at once (the connection goes back to the pool).
 *
 * Multi-statement requests need the pool's `multipleStatements`; regi's SQL is built by Kysely
 * with every value bound as a parameter, never from input text.
 */

const deferrable = new WeakSet<CompiledQuery>();

/** Marks a write whose result the caller does not read: in a MySQL transaction it is sent later. */
export function deferrableQuery<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  deferrable.add(query);
  return query;
}

interface Answer {
  resolve(result: QueryResult<unknown>): void;
  reject(err: unknown): void;
}

const answersLater = new WeakMap<CompiledQuery, Answer>();

/**
 * Marks a query whose answer the caller reads after issuing its next statement, and returns that
 * answer. The caller then runs the query as usual and ignores what the call returns (on MySQL in
 * a transaction an empty placeholder: the answer is not there yet) — and passes a failure of that
 * call to `fail`.
 */
export function answerLater<R>(query: CompiledQuery<R>) {
  let fail!: (err: unknown) => void;
  const answer = new Promise<QueryResult<R>>((resolve, reject) => {
    fail = reject;
    answersLater.set(query, { resolve: resolve as Answer['resolve'], reject });
  });
  // Handled here too: if the unit fails first, nobody may be waiting for it any more.
  answer.catch(() => undefined);
  return { answer, fail };
}

/** A query issued but not yet sent, and who waits for its answer. */
interface Held {
  query: CompiledQuery;
  answer?: Answer | undefined;
}

/** Requests sent to the server so far (a request may carry several statements). */
interface RequestCount {
  requests: number;
}

export class PipelinedMysqlDialect extends MysqlDialect {
  readonly #config: MysqlDialectConfig;
  /** What the tests check a command's round trips with. */
  readonly sent: RequestCount = { requests: 0 };
  constructor(config: MysqlDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new PipelinedDriver(new MysqlDriver(this.#config), this.sent);
  }
}

class PipelinedConnection implements DatabaseConnection {
  held: Held[] = [];
  inTransaction = false;
  /** This transaction's BEGIN, while it is still held. */
  begin: CompiledQuery | null = null;
  private flushScheduled = false;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly sent: RequestCount,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const answer = answersLater.get(query);
    answersLater.delete(query);
    if (this.inTransaction && (answer || deferrable.has(query))) {
      this.held.push({ query, answer });
      if (answer) this.scheduleFlush();
      return { rows: [] };
    }
    return this.send<R>({ query, answer });
  }

  /** Sends what is held, then `last` (if any), as one request; answers each, and `last`. */
  private async send<R>(last?: Held): Promise<QueryResult<R>> {
    const batch = last ? [...this.held, last] : this.held;
    this.held = [];
    if (batch.length === 0) return { rows: [] };
    this.sent.requests++;
    let results: unknown[];
    try {
      if (batch.length === 1) results = [await this.inner.executeQuery(batch[0]!.query)];
      else {
        const r = await this.inner.executeQuery(
          CompiledQuery.raw(
            batch.map((h) => h.query.sql).join(';\n'),
            batch.flatMap((h) => h.query.parameters),
          ),
        );
        // mysql2 answers a multi-statement request with one result per statement.
        results = (r.rows as unknown[]).map(resultOf);
      }
    } catch (err) {
      for (const h of batch) h.answer?.reject(err);
      throw err;
    }
    batch.forEach((h, i) => h.answer?.resolve(results[i] as QueryResult<unknown>));
    return results.at(-1) as QueryResult<R>;
  }

  /** A statement answered later with nothing sent after it goes on its own, next turn. */
  private scheduleFlush() {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.held.some((h) => h.answer)) this.send().catch(() => undefined);
    });
  }

  /** The transaction ended: what is still held will never be sent. */
  drop(err: Error) {
    for (const h of this.held) h.answer?.reject(err);
    this.held = [];
    this.inTransaction = false;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.held.length) throw new Error('mysql-pipeline: no streaming with statements held');
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** One statement's result of a multi-statement request, as Kysely's MySQL driver reports it. */
function resultOf<R>(r: unknown): QueryResult<R> {
  if (Array.isArray(r)) return { rows: r as R[] };
  const ok = r as { insertId?: number | string; affectedRows?: number; changedRows?: number };
  return {
    insertId: ok.insertId != null && String(ok.insertId) !== '0' ? BigInt(ok.insertId) : undefined,
    numAffectedRows: ok.affectedRows != null ? BigInt(ok.affectedRows) : undefined,
    numChangedRows: ok.changedRows != null ? BigInt(ok.changedRows) : undefined,
    rows: [],
  };
}

class PipelinedDriver implements Driver {
  readonly #wrapped = new WeakMap<DatabaseConnection, PipelinedConnection>();
  constructor(
    private readonly inner: MysqlDriver,
    private readonly sent: RequestCount,
  ) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const raw = await this.inner.acquireConnection();
    let c = this.#wrapped.get(raw);
    if (!c) this.#wrapped.set(raw, (c = new PipelinedConnection(raw, this.sent)));
    return c;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const c = connection as PipelinedConnection;
    const options = [
      settings.isolationLevel && `isolation level ${settings.isolationLevel}`,
      settings.accessMode,
    ].filter(Boolean);
    // SET TRANSACTION applies to the next transaction only.
    if (options.length) c.held.push({ query: CompiledQuery.raw(`set transaction ${options.join(', ')}`) });
    c.begin = CompiledQuery.raw('begin');
    c.held.push({ query: c.begin });
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection) {
    const c = connection as PipelinedConnection;
    try {
      await c.executeQuery(CompiledQuery.raw('commit'));
    } finally {
      c.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    const c = connection as PipelinedConnection;
    // BEGIN still held: it was never sent, so there is nothing to roll back on the server.
    const begun = !c.held.some((h) => h.query === c.begin);
    c.drop(new Error('mysql-pipeline: the transaction rolled back before this statement was sent'));
    if (!begun) return;
    this.sent.requests++;
    await c.inner.executeQuery(CompiledQuery.raw('rollback'));
  }

  // Savepoints are sent through the connection, so they carry what is pending before them.
  savepoint: Driver['savepoint'] = (connection, name, compile) =>
    this.inner.savepoint(connection, name, compile);
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (connection, name, compile) =>
    this.inner.rollbackToSavepoint(connection, name, compile);
  releaseSavepoint: Driver['releaseSavepoint'] = (connection, name, compile) =>
    this.inner.releaseSavepoint(connection, name, compile);

  async releaseConnection(connection: DatabaseConnection) {
    const c = connection as PipelinedConnection;
    if (c.held.length)
      throw new Error('mysql-pipeline: a connection went back to the pool with statements unsent');
    await this.inner.releaseConnection(c.inner as Parameters<MysqlDriver['releaseConnection']>[0]);
  }

  destroy() {
    return this.inner.destroy();
  }
}
