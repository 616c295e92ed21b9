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
 * Write-behind statements on MySQL. Each statement is a round trip to the server: a socket write
 * and read on both sides and a thread wake-up in MariaDB, which cost more CPU than running most of
 * a sale's statements. Inside a transaction, a statement whose answer nobody reads (a ledger row,
 * a stock update, an outbox row) may therefore be *deferred*: it is held on the connection and
 * sent together with the next statement that must answer (or with the COMMIT) as one
 * multi-statement request. BEGIN is held the same way until the first statement.
 *
 * Nothing changes for correctness: the statements run in the order they were issued, in the same
 * transaction, and a failure of any of them fails the request that carried it, so the unit of work
 * fails and rolls back before it commits. Only the error surfaces at a later statement — which is
 * why only writes whose failure always fails the unit are deferred (see statements.ts).
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

export class PipelinedMysqlDialect extends MysqlDialect {
  readonly #config: MysqlDialectConfig;
  constructor(config: MysqlDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new PipelinedDriver(new MysqlDriver(this.#config));
  }
}

class PipelinedConnection implements DatabaseConnection {
  pending: CompiledQuery[] = [];
  inTransaction = false;
  /** This transaction's BEGIN, while it is still pending. */
  begin: CompiledQuery | null = null;
  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction && deferrable.has(query)) {
      this.pending.push(query);
      return { rows: [] };
    }
    if (this.pending.length === 0) return this.inner.executeQuery<R>(query);
    const batch = [...this.pending, query];
    this.pending = [];
    const result = await this.inner.executeQuery<unknown>(
      CompiledQuery.raw(
        batch.map((q) => q.sql).join(';\n'),
        batch.flatMap((q) => q.parameters),
      ),
    );
    // mysql2 answers a multi-statement request with one result per statement; this query's is last.
    return resultOf<R>((result.rows as unknown[]).at(-1));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.pending.length) throw new Error('mysql-pipeline: no streaming with deferred writes pending');
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
  constructor(private readonly inner: MysqlDriver) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const raw = await this.inner.acquireConnection();
    let c = this.#wrapped.get(raw);
    if (!c) this.#wrapped.set(raw, (c = new PipelinedConnection(raw)));
    return c;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const c = connection as PipelinedConnection;
    const options = [
      settings.isolationLevel && `isolation level ${settings.isolationLevel}`,
      settings.accessMode,
    ].filter(Boolean);
    // SET TRANSACTION applies to the next transaction only.
    if (options.length) c.pending.push(CompiledQuery.raw(`set transaction ${options.join(', ')}`));
    c.begin = CompiledQuery.raw('begin');
    c.pending.push(c.begin);
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
    // BEGIN still pending: it was never sent, so there is nothing to roll back on the server.
    const begun = !c.pending.includes(c.begin!);
    c.pending = [];
    c.inTransaction = false;
    if (begun) await c.inner.executeQuery(CompiledQuery.raw('rollback'));
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
    if (c.pending.length)
      throw new Error('mysql-pipeline: a connection went back to the pool with statements unsent');
    await this.inner.releaseConnection(c.inner as Parameters<MysqlDriver['releaseConnection']>[0]);
  }

  destroy() {
    return this.inner.destroy();
  }
}
