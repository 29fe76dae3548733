import knexFactory, { Knex } from 'knex';
import { ConfigurationError, DatabaseError, IntegrityDetails, IntegrityError, KeelsonError, QueryError } from '../errors';
import type { IntegrityViolation } from '../dialects/integrity';
import { DIALECTS, SCHEME_TO_DIALECT } from '../dialects';
import type { Dialect } from '../dialects';
import { maskUrl, parseDatabaseUrl, ParsedUrl } from './url';
import { assertDriverInstalled, withDriverOption } from './driver';
import { replicaSetOf, type ReplicaHealth, type ReplicaSet } from './replicas';
import { noteWrite, readsStick, stickyMs } from './sticky';
import { currentTransaction, runWith } from './transaction-context';
import { logger } from '../registry/logger';
import { QueryLog } from './query-log';
import type { QueryListener } from './query-log';
import { preparedPerConnection, StatementCache, statementCacheSize } from './statement-cache';
import type { DatabaseOptions } from './options';

export type { DatabaseOptions } from './options';
import { DirectStatements } from './direct-statements';
import type { StatementKey } from './statement-key';
import type { RunSql, StatementResult, StatementRows } from '../dialects/dialect';
import { settle, type Maybe } from '../maybe';

/** A statement compiled once for a query shape: its SQL and what the shape needs to read its rows. */
export interface CachedStatement {
  sql: string;
  /** Whatever the shape's runner needs besides the SQL (the relations a SELECT joined). */
  extra?: unknown;
}

/** Something that knows the models on a database and can say which constraint and fields a violation names. */
export interface ViolationDescriber {
  describeViolation(database: Database, violation: IntegrityViolation): IntegrityDetails | undefined;
}

/** One database: a URL, its dialect, and (after `connect()`) a Knex pool. */
export class Database {
  /** The URL with the password masked; safe to log. */
  readonly url: string;
  readonly dialect: Dialect['name'];
  /** The dialect implementation (types, introspection, conversions). */
  readonly driver: Dialect;
  /** @internal Whether this database's driver reads `stepped` rows as the database steps them (see `Dialect.stepsRows`). */
  readonly stepsRows: boolean;
  /** Default schema named in the URL (`?schema=`), if any. */
  readonly urlSchema?: string;
  private readonly config: Knex.Config;
  private instance?: Knex;
  private connecting?: Promise<this>;
  /** `onQuery` listeners and `KEELSON_LOG_SQL` printing. */
  private readonly queryLog: QueryLog;
  /** @internal Compiled statements of repeated query shapes, by shape key (see `lib/query/shapes/`); null marks a shape that is not cached. */
  readonly statements: StatementCache<CachedStatement | null, StatementKey>;
  /** Runs compiled statements on driver connections, holding one between statements that follow each other. */
  private readonly direct: DirectStatements;
  /** The read replicas and their rotation, when there are any. */
  private readonly replicaSet?: ReplicaSet;
  /** How long reads stick to this database after a write in the same async context (0: never). */
  private readonly stickyMs: number;

  constructor(url: string | Knex.Config, options: DatabaseOptions = {}) {
    let prepared = options.preparedStatements;
    if (typeof url === 'string') {
      const parsed = { ...withDriverOption(parseDatabaseUrl(url), options.driver), connectTimeout: options.connectTimeout };
      this.driver = DIALECTS[parsed.dialect];
      this.url = parsed.masked;
      this.urlSchema = parsed.schema;
      this.config = this.driver.knexConfig(parsed);
      prepared ??= parsed.preparedStatements;
    } else if (url && typeof url === 'object' && typeof url.client === 'string') {
      if (options.driver !== undefined) {
        throw new ConfigurationError(`new Database(config, { driver }): a Knex config names its driver as \`client\` ("${url.client}"); leave \`driver\` out.`);
      }
      const name = SCHEME_TO_DIALECT[url.client];
      if (!name) {
        throw new ConfigurationError(`Unsupported Knex client "${url.client}": use sqlite3, pg or mysql2.`);
      }
      this.driver = DIALECTS[name];
      this.url = describeConfig(this.driver, url);
      // The same client and connection hooks as the URL path (keelson's PostgreSQL client, SQLite's foreign keys).
      this.config = this.driver.knexConfigFrom(url);
    } else {
      throw new ConfigurationError('new Database(url) takes a URL string or a Knex config object with a `client`.');
    }
    // Knex inlines bound values into the SQL of its error messages by default: a password or a customer's
    // data would end up in every log that prints the error. Keep the placeholders unless asked otherwise.
    this.config = { compileSqlOnError: false, ...this.config };
    this.dialect = this.driver.name;
    this.stepsRows = this.driver.stepsRows?.(this.config) ?? false;
    this.queryLog = new QueryLog((error) => this.wrapError(error), options.onQuery);
    this.statements = new StatementCache(statementCacheSize(options.statementCacheSize, 'new Database()'));
    this.direct = new DirectStatements(this.driver, (error) => this.wrapError(error), preparedPerConnection(prepared, 'new Database()'));
    this.replicaSet = replicaSetOf(this, options.replicas, (replica) => {
      if (typeof replica !== 'string') return replica instanceof Database ? replica : undefined;
      return new Database(replica, {
        statementCacheSize: options.statementCacheSize,
        preparedStatements: options.preparedStatements,
        connectTimeout: options.connectTimeout ?? 5000,
      });
    });
    this.stickyMs = stickyMs(options.sticky);
  }

  /** The replicas reads go to (see `DatabaseOptions.replicas`). */
  get replicas(): readonly Database[] {
    return this.replicaSet?.databases ?? [];
  }

  /** Each replica's state: in rotation or out (until when), failures in a row, reads answered and retried elsewhere. */
  replicaHealth(): ReplicaHealth[] {
    return this.replicaSet?.health() ?? [];
  }

  /**
   * Runs a read where it should go: on a replica in rotation, unless a transaction of this database is open
   * or a write in this async context made reads stick to this database (`sticky`). A replica that fails with
   * a connection error is taken out of rotation and the read runs once more on another replica or here.
   */
  read<T>(run: (db: Database) => Promise<T>): Promise<T>;
  /** @internal A read that may answer now (see `runStatementNow`): its value, or a promise of it. */
  read<T>(run: (db: Database) => Maybe<T>): Maybe<T>;
  read<T>(run: (db: Database) => Maybe<T>): Maybe<T> {
    const replicas = this.readingReplicas();
    if (!replicas) return run(this);
    return replicas.read((db) => settle(() => run(db)));
  }

  /** Where a read that cannot be retried once started (a stream) should go now. */
  readTarget(): Database {
    return this.readingReplicas()?.target() ?? this;
  }

  /** @internal Whether `read()` runs here, on this database itself: no replicas, or a transaction or `sticky` keeps reads here. */
  readsOnItself(): boolean {
    return this.readingReplicas() === undefined;
  }

  /** The replicas reads go to now; undefined when they run here (see `readsOnItself`). */
  private readingReplicas(): ReplicaSet | undefined {
    return this.replicaSet && !this.readsHere() ? this.replicaSet : undefined;
  }

  private readsHere(): boolean {
    return currentTransaction(this) !== undefined || (this.stickyMs > 0 && readsStick(this));
  }

  /**
   * @internal Notes a write about to happen, so that the reads of this async context see it (`sticky`). Writes
   * call it at their synchronous start, before their first await, so it reaches their caller's context.
   */
  noteWrite(): void {
    if (this.replicaSet && this.stickyMs > 0) noteWrite(this, this.stickyMs);
  }

  /**
   * @internal A registry's alias for this database and its `onQuery` listener: the first alias given names
   * the database in the events of its own listener and in printed lines.
   */
  logQueriesAs(alias: string, listener: QueryListener | undefined): void {
    this.queryLog.alias ??= alias;
    if (listener) this.queryLog.add(listener, alias);
    if (this.instance) this.queryLog.attach(this.instance);
  }

  /** True between a successful `connect()` and `disconnect()`. */
  get isConnected(): boolean {
    return this.instance !== undefined;
  }

  /** The Knex instance; throws when the database is not connected. */
  get knex(): Knex {
    if (!this.instance) {
      throw new ConfigurationError(`Database ${this.url} is not connected: await database.connect() first.`);
    }
    return this.instance;
  }

  /** Opens the pool and checks one connection, so a bad host fails here. Idempotent. */
  connect(): Promise<this> {
    this.closed = false;
    if (this.instance) return Promise.resolve(this);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<this> {
    assertDriverInstalled(this.config.client);
    const instance = knexFactory({ log: knexLog, ...this.config });
    try {
      await instance.raw('select 1');
    } catch (error) {
      await instance.destroy().catch(() => undefined);
      throw this.wrapError(error, `Could not connect to ${this.url}`);
    }
    this.instance = instance;
    this.queryLog.attach(instance);
    await this.replicaSet?.connect();
    return this;
  }

  /**
   * Closes the pool: queries already running finish (Knex waits for the connections they hold), later
   * ones fail until `connect()` is called again. Idempotent.
   */
  async disconnect(): Promise<void> {
    this.closed = true;
    if (this.connecting) await this.connecting.catch(() => undefined);
    const instance = this.instance;
    this.instance = undefined;
    this.direct.release();
    if (instance) await instance.destroy();
    await this.replicaSet?.disconnect();
  }

  /**
   * Set by `disconnect()`, cleared by `connect()`. A database never connected opens its pool on first use;
   * one that was disconnected does not, or a stray query would reopen a pool nobody closes again (and keep
   * the process alive).
   */
  private closed = false;

  /** The pool, opened on first use unless `disconnect()` closed it. */
  private async pool(): Promise<Knex> {
    if (this.instance) return this.instance;
    if (this.closed) {
      throw new ConfigurationError(`Database ${this.url} was disconnected: call connect() again before querying it.`);
    }
    return (await this.connect()).knex;
  }

  /** Whether a `transaction()` of this database is open in the current async context. */
  get inTransaction(): boolean {
    return currentTransaction(this) !== undefined;
  }

  /**
   * The Knex handle queries should use right now: the transaction open for this database in the current
   * async context, else the pool (connecting on first use).
   */
  async runner(): Promise<Knex | Knex.Transaction> {
    return currentTransaction(this) ?? this.pool();
  }

  /**
   * @internal Runs one compiled statement (the dialect's placeholders, or `?` ones with `placeholders: '?'`; values already
   * converted) straight on the driver connection of the ambient transaction or the pool, reported like any other.
   */
  runStatement(sql: string, bindings: readonly unknown[], want: StatementResult, placeholders: 'native' | '?' = 'native'): Promise<StatementRows | number> {
    const root = this.instance;
    if (root) return this.direct.run(root, currentTransaction(this) ?? root, sql, bindings, want, placeholders);
    return this.pool().then((pool) => this.direct.run(pool, currentTransaction(this) ?? pool, sql, bindings, want, placeholders));
  }

  /** @internal `runStatementNow` in the dialect's own placeholders, one function for the dialects' write helpers (not a closure per call). */
  readonly runSql: RunSql = (sql, bindings, want) => this.runStatementNow(sql, bindings, want);

  /**
   * @internal `runStatement`, done now where the driver can (see `DirectStatements.runNow`): the result as a value, else
   * a promise of it. Throws a statement's failure when it ran now.
   */
  runStatementNow(sql: string, bindings: readonly unknown[], want: StatementResult, placeholders: 'native' | '?' = 'native'): Maybe<StatementRows | number> {
    const root = this.instance;
    if (root) return this.direct.runNow(root, currentTransaction(this) ?? root, sql, bindings, want, placeholders);
    return this.runStatement(sql, bindings, want, placeholders);
  }

  /**
   * Runs one SQL statement with `?` placeholders bound to `bindings`, inside the ambient `transaction()` when
   * one is open, and resolves to its rows as plain objects (none for a statement that returns none). Write
   * `\\?` for a literal question mark (PostgreSQL's JSON operators).
   */
  async raw(sql: string, bindings: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    checkRaw(sql, bindings);
    const runner = await this.runner();
    try {
      return this.driver.rawRows(await runner.raw(sql, bindings as Knex.RawBinding[]));
    } catch (error) {
      if (error instanceof KeelsonError) throw error;
      // Knex checks the placeholder count when it compiles: the caller's mistake, no SQL was sent.
      const mismatch = error instanceof Error ? /^Expected \d+ bindings?, saw (\d+)/.exec(error.message) : null;
      if (mismatch) {
        throw new QueryError(
          `raw(): the SQL has ${mismatch[1]} ? placeholder(s) but ${bindings.length} binding(s) were given: pass one value per ? (write \\? for a literal question mark).`,
        );
      }
      throw this.wrapError(error);
    }
  }

  /**
   * Runs `fn` inside a transaction that every keelson query in the same async context joins.
   * Nested calls open savepoints; a throw rolls back (to the savepoint) and rethrows.
   */
  async transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    // What a transaction writes, the reads after it must see (before the first await: see noteWrite).
    this.noteWrite();
    const start = currentTransaction(this) ?? (await this.pool());
    // What `fn` threw comes out as thrown; anything else failed in BEGIN, COMMIT or ROLLBACK themselves.
    let failure: { error: unknown } | undefined;
    try {
      return await start.transaction(async (trx) => {
        try {
          return await runWith(this, trx, () => fn(trx));
        } catch (error) {
          failure = { error };
          throw error;
        }
      });
    } catch (error) {
      if (failure && error === failure.error) throw error;
      if (error instanceof KeelsonError) throw error;
      // A connection lost mid-transaction makes the ROLLBACK fail too: nothing was committed, and the
      // error that started it (the failed statement) is the cause worth keeping.
      const wrapped = this.wrapError(
        error,
        failure ? 'The transaction failed and its connection was lost while rolling back' : 'The transaction could not be committed',
      );
      if (failure) Object.defineProperty(wrapped, 'cause', { value: failure.error, configurable: true, writable: true });
      throw wrapped;
    }
  }

  /**
   * Wraps a driver error as a `DatabaseError` whose message never shows the password; a unique or foreign-key
   * violation becomes an `IntegrityError`, its constraint and fields told by the registries using this database.
   */
  wrapError(error: unknown, context?: string): DatabaseError {
    if (error instanceof DatabaseError) return error;
    const raw = error instanceof Error ? error.message : String(error);
    const message = maskUrl(raw);
    const text = context ? `${context}: ${message}` : message;
    const code = this.driver.errorCode(error);
    const violation = this.driver.integrityViolation(error);
    if (violation) return new IntegrityError(text, error, code, this.describeViolation(violation));
    return new DatabaseError(text, error, code);
  }

  /** Registries that can name a violated constraint's model and fields (weakly held: a registry may be dropped). */
  private readonly describers: WeakRef<ViolationDescriber>[] = [];

  /** @internal Lets a registry describe integrity violations on this database (its models know the tables). */
  addViolationDescriber(describer: ViolationDescriber): void {
    for (let i = this.describers.length - 1; i >= 0; i--) if (this.describers[i].deref() === undefined) this.describers.splice(i, 1);
    this.describers.push(new WeakRef(describer));
  }

  private describeViolation(violation: IntegrityViolation): IntegrityDetails {
    // The most recent registry first: a registry copy describes the same tables as its original.
    for (let i = this.describers.length - 1; i >= 0; i--) {
      const details = this.describers[i].deref()?.describeViolation(this, violation);
      if (details) return details;
    }
    const { kind, constraint, table } = violation;
    return { kind, constraint, table };
  }

  toString(): string {
    return this.url;
  }
}

/** Refuses what `raw()` cannot send: SQL that is not a string, bindings that are not a list or hold `undefined`. */
function checkRaw(sql: unknown, bindings: unknown): void {
  if (typeof sql !== 'string' || sql.trim() === '') throw new QueryError('raw(sql, bindings?): sql must be a non-empty string.');
  if (!Array.isArray(bindings)) throw new QueryError('raw(sql, bindings?): bindings must be an array of values for the ? placeholders.');
  const missing = bindings.findIndex((b) => b === undefined);
  if (missing !== -1) throw new QueryError(`raw(): binding ${missing} is undefined; pass null for SQL NULL.`);
}

/**
 * Knex's own log, routed to keelson's logger. Pool acquire failures are dropped here: keelson rethrows
 * them as `DatabaseError` (password masked), so printing them too would only be noise.
 */
const knexLog = {
  warn(message: unknown) {
    if (typeof message === 'string' && message.startsWith('Acquire connection error')) return;
    logger.warn(maskUrl(String(message)));
  },
  error(message: unknown) {
    logger.error(maskUrl(String(message)));
  },
  deprecate(method: string, alternative: string) {
    logger.warn(`${method} is deprecated, use ${alternative}`);
  },
  debug() {},
};

/** A Knex config's connection written as a URL for messages, the password masked. */
function describeConfig(driver: Dialect, config: Knex.Config): string {
  const dialect = driver.name;
  const c = config.connection as Record<string, unknown> | string | undefined;
  if (typeof c === 'string') return maskUrl(c);
  if (!c || typeof c !== 'object') return `${dialect}://`;
  if (driver.urlNamesFile) return `${dialect}://${String(c.filename ?? '')}`;
  const user = c.user ? `${String(c.user)}${c.password ? ':***' : ''}@` : '';
  return `${dialect}://${user}${String(c.host ?? 'localhost')}${c.port ? `:${String(c.port)}` : ''}/${String(c.database ?? '')}`;
}

export type { ParsedUrl };
