import type { Database } from '../database/database';
import type { ModelClass } from '../metadata/types';
import type { MigrationConfig } from '../migrations/config';
import type { QueryListener } from '../database/query-log';
import type { Router } from './router';

/** Options of `new Registry(database, options)`. */
export interface RegistryOptions {
  /** More databases, by alias. */
  extra?: Record<string, Database | string>;
  /**
   * Django-style database routers: `dbForRead` / `dbForWrite` name the alias a model's queries go to when
   * `using()` names none; `allowRelation` may refuse relating instances stored on different aliases.
   */
  router?: Router;
  /** Default database schema of every table. */
  schema?: string;
  withContentType?: boolean | ModelClass;
  /** Where migration files live and which table records them (used by `keelson migrate` and `Migrator`). */
  migrations?: MigrationConfig;
  /**
   * Apply pending migrations once at the first `connect()`: `true` uses the `migrations` option, an object
   * is merged over it. Off by default.
   */
  automigrate?: boolean | MigrationConfig;
  /**
   * Called after every statement run on the registry's databases (in transactions too), with its SQL, bindings
   * (`secret` fields' values masked), duration, alias and error. A listener that throws is reported once and
   * never fails the query.
   */
  onQuery?: QueryListener;
  /**
   * Compiled statements kept per database given as a URL (least recently used dropped first), default 1000:
   * a repeated query shape then skips building SQL. 0 turns the cache off. A `Database` object passed in
   * keeps its own setting.
   */
  statementCacheSize?: number;
  /**
   * PostgreSQL prepared statements of databases given as URLs (see `DatabaseOptions.preparedStatements`):
   * default `true`; `false` behind PgBouncer in transaction pooling mode before 1.21.
   */
  preparedStatements?: boolean | number;
  /**
   * The driver of the primary database when it is given as a URL: `'better-sqlite3'` for SQLite instead of
   * the default `sqlite3` (install it: `npm install better-sqlite3`). Extra databases name theirs in their
   * URL: `sqlite+better-sqlite3://analytics.db`.
   */
  driver?: string;
}

/** Options of `getModel`. */
export interface GetModelOptions {
  includeContentTypeAttr?: boolean;
  includeReflected?: boolean;
  includePattern?: boolean;
}

/** The options a registry passes to each `Database` it creates from a URL. */
export function urlDatabaseOptions(options: RegistryOptions): { statementCacheSize?: number; preparedStatements?: boolean | number } {
  return { statementCacheSize: options.statementCacheSize, preparedStatements: options.preparedStatements };
}
