import type { Database } from './database';
import type { QueryListener } from './query-log';

/** Options of `new Database(url, options)`. */
export interface DatabaseOptions {
  /** Called after every statement this database runs (transactions' included); see `QueryEvent`. */
  onQuery?: QueryListener;
  /**
   * How many compiled statements to keep (least recently used dropped first), default 1000: a repeated
   * query shape then skips building SQL. 0 turns the cache off.
   */
  statementCacheSize?: number;
  /**
   * PostgreSQL: run a statement a connection runs again as a named server-side prepared statement, so the
   * server parses and plans it once (default `true`: up to 250 per connection, least recently used
   * deallocated first; a number sets that bound). Pass `false` behind PgBouncer in transaction pooling mode
   * before 1.21, which loses prepared statements between transactions.
   */
  preparedStatements?: boolean | number;
  /**
   * The driver of a URL's dialect, as its scheme can name it (`sqlite+better-sqlite3://app.db`): `sqlite3`
   * (the default) or `better-sqlite3` for SQLite. The driver package must be installed.
   */
  driver?: string;
  /**
   * Read replicas of this database (URLs or `Database` objects of the same dialect): outside a transaction,
   * reads go to them round-robin (see `read()`). A replica given as a URL waits at most 5 s for a connection.
   */
  replicas?: (string | Database)[];
  /**
   * Read-your-writes with replicas: after a write, reads in the same async context go to this database for
   * this many milliseconds (`true`: 1000, the default; `false`: never).
   */
  sticky?: boolean | number;
  /** How long to wait for a new connection to the server, in milliseconds (the driver's default when not given). */
  connectTimeout?: number;
}
