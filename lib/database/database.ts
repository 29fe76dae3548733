import knexFactory, { Knex } from 'knex';
import { ConfigurationError, DatabaseError } from '../errors';
import { DIALECTS, SCHEME_TO_DIALECT } from '../dialects';
import type { Dialect } from '../dialects';
import { discardOnFatal } from '../dialects/postgres';
import { KeelsonPgClient } from '../dialects/postgres/client';
import { maskUrl, parseDatabaseUrl, ParsedUrl } from './url';
import { currentTransaction, transactionContext } from './transaction-context';
import { logger } from '../registry/logger';

/** One database: a URL, its dialect, and (after `connect()`) a Knex pool. */
export class Database {
  /** The URL with the password masked; safe to log. */
  readonly url: string;
  readonly dialect: Dialect['name'];
  /** The dialect implementation (types, introspection, conversions). */
  readonly driver: Dialect;
  /** Default schema named in the URL (`?schema=`), if any. */
  readonly urlSchema?: string;
  private readonly config: Knex.Config;
  private instance?: Knex;
  private connecting?: Promise<this>;

  constructor(url: string | Knex.Config) {
    if (typeof url === 'string') {
      const parsed = parseDatabaseUrl(url);
      this.driver = DIALECTS[parsed.dialect];
      this.url = parsed.masked;
      this.urlSchema = parsed.schema;
      this.config = this.driver.knexConfig(parsed);
    } else if (url && typeof url === 'object' && typeof url.client === 'string') {
      const name = SCHEME_TO_DIALECT[url.client];
      if (!name) {
        throw new ConfigurationError(`Unsupported Knex client "${url.client}": use sqlite3, pg or mysql2.`);
      }
      this.driver = DIALECTS[name];
      this.url = describeConfig(name, url);
      this.config =
        name === 'sqlite' ? withSqliteForeignKeys({ useNullAsDefault: true, ...url }) : name === 'postgres' ? withPgFatalGuard(url) : url;
    } else {
      throw new ConfigurationError('new Database(url) takes a URL string or a Knex config object with a `client`.');
    }
    this.dialect = this.driver.name;
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
    if (this.instance) return Promise.resolve(this);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<this> {
    const instance = knexFactory({ log: knexLog, ...this.config });
    try {
      await instance.raw('select 1');
    } catch (error) {
      await instance.destroy().catch(() => undefined);
      throw this.wrapError(error, `Could not connect to ${this.url}`);
    }
    this.instance = instance;
    return this;
  }

  /** Closes the pool. Idempotent. */
  async disconnect(): Promise<void> {
    if (this.connecting) await this.connecting.catch(() => undefined);
    const instance = this.instance;
    this.instance = undefined;
    if (instance) await instance.destroy();
  }

  /**
   * The Knex handle queries should use right now: the transaction open for this database in the current
   * async context, else the pool (connecting on first use).
   */
  async runner(): Promise<Knex | Knex.Transaction> {
    const trx = currentTransaction(this);
    if (trx) return trx;
    return this.instance ?? (await this.connect()).knex;
  }

  /**
   * Runs `fn` inside a transaction that every keelson query in the same async context joins.
   * Nested calls open savepoints; a throw rolls back (to the savepoint) and rethrows.
   */
  async transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const outer = currentTransaction(this);
    const start = outer ?? (this.instance ?? (await this.connect()).knex);
    return start.transaction(async (trx) => {
      const store = new Map(transactionContext.getStore() ?? []);
      store.set(this, trx);
      return transactionContext.run(store, () => fn(trx));
    });
  }

  /** Wraps a driver error as a `DatabaseError` whose message never shows the password. */
  wrapError(error: unknown, context?: string): DatabaseError {
    if (error instanceof DatabaseError) return error;
    const raw = error instanceof Error ? error.message : String(error);
    const message = maskUrl(raw);
    return new DatabaseError(context ? `${context}: ${message}` : message, error, this.driver.errorCode(error));
  }

  toString(): string {
    return this.url;
  }
}

type SqliteConn = { run(sql: string, cb: (err: Error | null) => void): void };
type AfterCreate = (conn: SqliteConn, done: (err: Error | null, conn: unknown) => void) => void;

/** A user's SQLite Knex config gets foreign keys switched on like a URL's, before its own `afterCreate` runs. */
function withSqliteForeignKeys(config: Knex.Config): Knex.Config {
  const pool = { ...(config.pool ?? {}) } as Knex.PoolConfig & { afterCreate?: AfterCreate };
  const userAfterCreate = pool.afterCreate;
  pool.afterCreate = (conn, done) => {
    conn.run('PRAGMA foreign_keys = ON', (err) => {
      if (err || !userAfterCreate) done(err, conn);
      else userAfterCreate(conn, done);
    });
  };
  // keelson's client keeps `?` inside statements without bindings (see dialects/postgres/client.ts).
  return { ...config, client: config.client === 'pg' || config.client === 'postgres' || config.client === 'postgresql' ? (KeelsonPgClient as unknown as typeof Knex.Client) : config.client, pool };
}

/** A user's PostgreSQL Knex config gets the same dead-connection guard as a URL's, before its own `afterCreate`. */
function withPgFatalGuard(config: Knex.Config): Knex.Config {
  const pool = { ...(config.pool ?? {}) } as Knex.PoolConfig & { afterCreate?: (conn: unknown, done: (err: Error | null, conn: unknown) => void) => void };
  const userAfterCreate = pool.afterCreate;
  pool.afterCreate = (conn, done) => {
    discardOnFatal(conn as Parameters<typeof discardOnFatal>[0], (err) => {
      if (err || !userAfterCreate) done(err, conn);
      else userAfterCreate(conn, done);
    });
  };
  return { ...config, pool };
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

function describeConfig(dialect: string, config: Knex.Config): string {
  const c = config.connection as Record<string, unknown> | string | undefined;
  if (typeof c === 'string') return maskUrl(c);
  if (!c || typeof c !== 'object') return `${dialect}://`;
  if (dialect === 'sqlite') return `sqlite://${String(c.filename ?? '')}`;
  const user = c.user ? `${String(c.user)}${c.password ? ':***' : ''}@` : '';
  return `${dialect}://${user}${String(c.host ?? 'localhost')}${c.port ? `:${String(c.port)}` : ''}/${String(c.database ?? '')}`;
}

export type { ParsedUrl };
