import type { Knex } from 'knex';
import { wantsRows, type Dialect, type StatementOptions, type StatementResult, type StatementRows } from '../dialects/dialect';

/** A driver connection as Knex hands it out: the driver's own object, tagged by Knex. */
interface Connection {
  __knexUid?: string;
  __knexTxId?: string;
  /** Set by Knex when the connection failed or ended: the pool throws it away. */
  __knex__disposed?: unknown;
}

/** The part of Knex's client a statement needs: a connection (the transaction's own inside one), its release, its events. */
interface DriverClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): unknown;
  validateConnection(connection: Connection): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  /** `?` placeholders as the driver numbers them (`$1` on PostgreSQL). */
  positionBindings(sql: string): string;
  /** The pool (tarn): how many callers wait for a connection, its events, how long it keeps a free connection. */
  pool?: Pool;
}

/** The part of Knex's pool (tarn) the held connection watches. */
interface Pool {
  numPendingAcquires(): number;
  on(event: 'acquireRequest', listener: () => void): unknown;
  idleTimeoutMillis?: number;
}

/** Numbers the statements reported to Knex's events, as Knex numbers its own (the query log pairs start and end by it). */
let statementIds = 0;

/** Whether anyone listens to the query events of `knex` (a Knex instance or a transaction). */
const listened = (knex: Knex | Knex.Transaction): boolean =>
  knex.listenerCount('query') > 0 || knex.listenerCount('query-response') > 0 || knex.listenerCount('query-error') > 0;

/** A statement as Knex's query events describe it. */
function eventOf(connection: Connection, sql: string, bindings: readonly unknown[], want: StatementResult) {
  const { __knexUid, __knexTxId } = connection;
  return { sql, bindings, method: wantsRows(want) ? 'select' : 'update', __knexUid, __knexTxId, __knexQueryUid: `k${++statementIds}` };
}

/**
 * Runs compiled statements straight on driver connections (see `Database.runStatement`). One pool connection
 * stays held between statements instead of going back to the pool after each: taking it from the pool and
 * giving it back costs two dozen promises and two timers per statement, more than the rest of a primary-key
 * read, and a service's first statement of every request would pay it. The held connection goes back to the pool
 * the moment anyone else asks the pool for one (Knex's own queries and transactions included), when a statement on it
 * fails, once a whole idle timeout of the pool passes without a statement on it, and before the pool closes.
 */
export class DirectStatements {
  private held?: { connection: Connection; client: DriverClient; busy: boolean };
  /** Whether a statement ran on the held connection since the idle timer last looked, and that timer. */
  private usedSinceCheck = false;
  private idleTimer?: NodeJS.Timeout;
  /** Pools whose acquire requests this object listens to. */
  private readonly watchedPools = new WeakSet<Pool>();
  /** Whether this database's driver turned out to answer asynchronously (`sqlite3` under a dialect that also has `better-sqlite3`). */
  private answersLater = false;
  /** What the dialect may do with a statement on a pool connection, and on a transaction's (one object each: no allocation per statement). */
  private readonly pooledOptions: StatementOptions;
  private readonly transactionOptions: StatementOptions;

  constructor(
    private readonly driver: Dialect,
    private readonly wrapError: (error: unknown) => Error,
    /** Prepared statements to keep per connection (`preparedStatements`); 0 prepares none. */
    prepare: number,
  ) {
    // A pooler that loses prepared statements (PgBouncer in transaction mode) turns preparing off for good.
    const onPoolerDetected = () => {
      this.pooledOptions.prepare = 0;
      this.transactionOptions.prepare = 0;
    };
    this.pooledOptions = { prepare, inTransaction: false, onPoolerDetected };
    this.transactionOptions = { prepare, inTransaction: true, onPoolerDetected };
  }

  /**
   * Runs `sql` (the dialect's placeholders, or `?` ones) on `runner`'s connection: the transaction's, else the
   * pool's. `root` is the database's Knex instance, whose listeners hear every statement.
   */
  async run(root: Knex, runner: Knex | Knex.Transaction, sql: string, bindings: readonly unknown[], want: StatementResult, placeholders: 'native' | '?') {
    const client = runner.client as DriverClient;
    if (placeholders === '?') sql = client.positionBindings(sql);
    const pooled = !runner.isTransaction;
    // Knex refuses a statement on a finished transaction the same way.
    if (!pooled && (runner as Knex.Transaction).isCompleted()) throw this.wrapError(new Error('Transaction query already complete'));
    // The held connection, when free, is taken without a promise.
    let connection = pooled ? this.takeHeld(client) : undefined;
    if (!connection) {
      try {
        connection = pooled ? await this.fromPool(client) : await client.acquireConnection();
      } catch (error) {
        throw this.wrapError(error);
      }
    }
    // Knex's own query events, so the query log and anyone listening on `knex.on('query')` see this statement too
    // (built and sent only when someone listens: most of the time nobody does).
    const query = listened(root) || (runner !== root && listened(runner)) ? eventOf(connection, sql, bindings, want) : undefined;
    if (query) client.emit('query', query);
    let failed = false;
    try {
      const result = await this.driver.runStatement(connection, sql, bindings, want, pooled ? this.pooledOptions : this.transactionOptions);
      if (query) client.emit('query-response', result, query);
      return result;
    } catch (error) {
      failed = true;
      throw this.failure(sql, error, query && ((named) => client.emit('query-error', named, query)));
    } finally {
      if (pooled) this.put(client, connection, failed);
      else void client.releaseConnection(connection);
    }
  }

  /**
   * `run()`, done now where it can be: a driver that answers synchronously (better-sqlite3), the held pool
   * connection free, and nobody listening to query events (whose start and end times need a statement that
   * takes its time). The result then comes back as a value, not a promise; otherwise `run()`'s promise. A
   * statement that fails now throws (the same wrapped error `run()` rejects with).
   */
  runNow(
    root: Knex,
    runner: Knex | Knex.Transaction,
    sql: string,
    bindings: readonly unknown[],
    want: StatementResult,
    placeholders: 'native' | '?',
  ): StatementRows | number | Promise<StatementRows | number> {
    const now = this.driver.runStatementNow;
    if (!now || this.answersLater || runner !== root || listened(root)) return this.run(root, runner, sql, bindings, want, placeholders);
    const client = runner.client as DriverClient;
    const connection = this.takeHeld(client);
    if (!connection) return this.run(root, runner, sql, bindings, want, placeholders);
    let failed = false;
    try {
      const result = now(connection, placeholders === '?' ? client.positionBindings(sql) : sql, bindings, want);
      if (result !== undefined) return result;
    } catch (error) {
      failed = true;
      throw this.failure(sql, error);
    } finally {
      this.put(client, connection, failed);
    }
    // An asynchronous connection (`sqlite3`): nothing ran, and from now on every statement goes straight to `run()`.
    this.answersLater = true;
    return this.run(root, runner, sql, bindings, want, placeholders);
  }

  /**
   * A failed statement's error, named as Knex names one: its SQL (placeholders, never the values), then the
   * driver's message; `heard` sees it before it is wrapped (Knex's `query-error` event). Duck-typed: a native
   * driver's errors may come from another realm, where `instanceof Error` fails.
   */
  private failure(sql: string, error: unknown, heard?: (error: unknown) => void): Error {
    if (typeof (error as Error | null)?.message === 'string') (error as Error).message = `${sql} - ${(error as Error).message}`;
    heard?.(error);
    return this.wrapError(error);
  }

  /** Gives the held connection back to the pool (before the pool closes); one in use goes back when its statement ends. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (held && !held.busy) void held.client.releaseConnection(held.connection);
  }

  /** The held connection when it is free and sound (marked busy); undefined otherwise (an unsound one goes back to the pool). */
  private takeHeld(client: DriverClient): Connection | undefined {
    const held = this.held;
    if (!held || held.busy || held.client !== client) return undefined;
    if (!held.connection.__knex__disposed && client.validateConnection(held.connection) === true) {
      held.busy = true;
      return held.connection;
    }
    this.release();
    return undefined;
  }

  /** A connection from the pool, held when none is. */
  private async fromPool(client: DriverClient): Promise<Connection> {
    const connection = await client.acquireConnection();
    if (!this.held) this.hold(client, connection);
    return connection;
  }

  /** Holds `connection`, listening for anyone else who asks its pool for a connection. */
  private hold(client: DriverClient, connection: Connection): void {
    this.held = { connection, client, busy: true };
    const pool = client.pool;
    if (!pool || this.watchedPools.has(pool)) return;
    this.watchedPools.add(pool);
    // Tarn announces a request before it looks for a free connection: the held one, given back now, serves it.
    pool.on('acquireRequest', () => {
      if (this.held && !this.held.busy && this.held.client.pool === pool) this.release();
    });
  }

  private put(client: DriverClient, connection: Connection, failed: boolean): void {
    const held = this.held;
    if (held?.connection !== connection) return void client.releaseConnection(connection);
    held.busy = false;
    // A failed statement may have broken the connection: the pool checks it before anyone uses it again.
    if (failed || (client.pool?.numPendingAcquires() ?? 0) > 0) return this.release();
    this.usedSinceCheck = true;
    if (!this.idleTimer) this.watchIdle(client.pool?.idleTimeoutMillis ?? 30_000);
  }

  /**
   * Gives the held connection back once a whole `idleMs` (the pool's own idle timeout) passed without a statement
   * on it (so after one to two times `idleMs` of quiet), for the pool to close as it would any idle connection.
   * One timer per `idleMs`, not one per statement, and nothing but a flag set on the statements' path.
   */
  private watchIdle(idleMs: number): void {
    const check = () => {
      const held = this.held;
      if (held && !held.busy && !this.usedSinceCheck) return this.release();
      this.usedSinceCheck = false;
      this.idleTimer = setTimeout(check, idleMs).unref();
    };
    this.idleTimer = setTimeout(check, idleMs).unref();
  }
}
